// A function call as written in a file's text, read from its name to its closing parenthesis, for what the editor
// shows of it (a hover): its arguments where each is a literal text. Pure; nothing is evaluated.
import type { FunctionCall, Literal } from '@actions/expressions/ast';
import { parseExpression } from './parser';

/** The offset just past the `)` that closes the `(` at `open`, quotes (`'…'`, `''` inside) skipped; undefined when none does on its line. */
function closingParen(text: string, open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < text.length && text[i] !== '\n'; i++) {
    const c = text[i];
    if (c === "'") {
      i++;
      while (i < text.length && text[i] !== '\n' && !(text[i] === "'" && text[i + 1] !== "'")) i += text[i] === "'" ? 2 : 1;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i + 1;
  }
  return undefined;
}

/**
 * The arguments of the call whose name spans `name` in `text`, where each is a literal text (`hashFiles('**\/*.lock',
 * '!x')`); undefined where one is not, or the call does not parse.
 */
export function literalCallArgs(text: string, name: { start: number; end: number }): string[] | undefined {
  if (text[name.end] !== '(') return undefined;
  const end = closingParen(text, name.end);
  if (end === undefined) return undefined;
  let call: Partial<FunctionCall>;
  try {
    call = parseExpression(text.slice(name.start, end));
  } catch {
    return undefined;
  }
  const args = (call.args ?? []).map((a) => (a as Partial<Literal>).literal).map((l) => (l && (l.kind as number) === 0 ? l.coerceString() : undefined));
  return call.functionName && args.every((a) => a !== undefined) ? args : undefined;
}
