// Argo's `{{= }}` expressions (the expr language) in our words, where they say what ours can: variables, literals,
// comparisons, `&&` `||` `!` (or `and` `or` `not`), parentheses, and asInt/asFloat/string (ours compare text with
// numbers as numbers) and fromJSON/toJSON. Arithmetic, `?:`, `in`, pipes and sprig are left out, saying which.
import { parseExpression } from '../../expressions/parser';

type Token = { kind: 'string' | 'number' | 'name' | 'op' | 'punct'; text: string };

/** Why an expression has no counterpart here. */
class Untranslatable extends Error {}

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!'];
const NOT_OURS = ['+', '-', '*', '/', '%', '?', ':', '|', '..', '^'];

function tokens(source: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < source.length;) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    const string = /^(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/.exec(rest);
    const number = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(rest);
    const name = /^[A-Za-z_$][\w$]*/.exec(rest);
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (space) i += space[0].length;
    else if (string) {
      out.push({ kind: 'string', text: (string[1] ?? string[2]).replace(/\\(.)/g, '$1') });
      i += string[0].length;
    } else if (number) {
      out.push({ kind: 'number', text: number[0] });
      i += number[0].length;
    } else if (name) {
      out.push({ kind: 'name', text: name[0] });
      i += name[0].length;
    } else if (op) {
      out.push({ kind: 'op', text: op });
      i += op.length;
    } else if ('.[](),'.includes(rest[0]) && !rest.startsWith('..')) {
      out.push({ kind: 'punct', text: rest[0] });
      i += 1;
    } else throw new Untranslatable(`'${NOT_OURS.find((o) => rest.startsWith(o)) ?? rest[0]}' has no counterpart in our expressions`);
  }
  return out;
}

const KEYWORDS: Record<string, string> = { and: '&&', or: '||', not: '!', true: 'true', false: 'false', nil: 'null' };
const INFIX = new Set(['in', 'matches', 'contains', 'startsWith', 'endsWith']);
const SAME_VALUE = new Set(['asint', 'asfloat', 'string']);
const SAME_NAME: Record<string, string> = { fromjson: 'fromJSON', tojson: 'toJSON' };
const quoted = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** A chain of names from `at` (`tasks['b'].outputs.result`), dotted, and where it ends. */
function chainAt(list: readonly Token[], at: number): { variable: string; end: number } {
  const parts = [list[at].text];
  let i = at + 1;
  for (;;) {
    if (list[i]?.text === '.' && list[i + 1]?.kind === 'name') {
      parts.push(list[i + 1].text);
      i += 2;
    } else if (list[i]?.text === '[' && list[i + 1]?.kind === 'string' && list[i + 2]?.text === ']') {
      parts.push(list[i + 1].text);
      i += 3;
    } else if (list[i]?.text === '[' || list[i]?.text === '.') throw new Untranslatable('an index that is not a fixed name has no counterpart here');
    else return { variable: parts.join('.'), end: i };
  }
}

/**
 * An Argo expression (what `{{= }}` holds) as ours, each variable as `variable` gives it (our reference, or a literal
 * already written as ours); throws Untranslatable, saying why, where ours cannot say the same.
 */
function translate(source: string, variable: (name: string) => string | undefined): string {
  const list = tokens(source);
  const out: string[] = [];
  for (let i = 0; i < list.length;) {
    const t = list[i];
    if (t.kind === 'string') out.push(quoted(t.text));
    else if (t.kind === 'number' || t.kind === 'op' || (t.kind === 'punct' && t.text !== '.' && t.text !== '[' && t.text !== ']')) out.push(t.text);
    else if (t.kind === 'name' && Object.hasOwn(KEYWORDS, t.text)) out.push(KEYWORDS[t.text]);
    else if (t.kind === 'name' && INFIX.has(t.text)) throw new Untranslatable(`the operator '${t.text}' has no counterpart in our expressions`);
    else if (t.kind === 'name' && list[i + 1]?.text === '(') {
      const key = t.text.toLowerCase();
      if (SAME_VALUE.has(key)) out.push('');
      else if (SAME_NAME[key]) out.push(SAME_NAME[key]);
      else throw new Untranslatable(`${t.text}() has no counterpart in our expressions`);
    } else if (t.kind === 'name') {
      const chain = chainAt(list, i);
      if (list[chain.end]?.text === '(') throw new Untranslatable(`${chain.variable}() has no counterpart in our expressions`);
      const ours = variable(chain.variable);
      if (ours === undefined) throw new Untranslatable(`${chain.variable} has no local value`);
      out.push(ours);
      i = chain.end;
      continue;
    } else throw new Untranslatable(`'${t.text}' has no counterpart in our expressions`);
    i++;
  }
  // A space between pieces, but after an opening parenthesis or `!`, before a closing one or a comma, and between a
  // function and its parenthesis; asInt and its kind, which ours need not, leave their parentheses alone.
  const text = out.reduce((all, piece, k) => {
    const before = out[k - 1];
    const glued = k === 0 || piece === ')' || piece === ',' || before === '(' || before === '!' || (piece === '(' && /\w$|^$/.test(before));
    return glued ? all + piece : `${all} ${piece}`;
  }, '');
  try {
    parseExpression(text);
  } catch {
    throw new Untranslatable('it does not read as one of our expressions');
  }
  return text;
}

/** An Argo expression as ours, or why it has none. */
export function fromArgoExpression(source: string, variable: (name: string) => string | undefined): { expression: string } | { problem: string } {
  try {
    return { expression: translate(source, variable) };
  } catch (e) {
    if (e instanceof Untranslatable) return { problem: e.message };
    throw e;
  }
}

/** A text as a string literal of ours. */
export const expressionString = quoted;
