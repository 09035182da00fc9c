// A string literal of a Python or JavaScript program as the scanner reads it, and the `$MAESTRO_OUTPUT` lines it
// holds. Pure.

/** A literal's characters, each with its offset in the program (that of its escape or expression). */
export interface Literal {
  chars: string[];
  offsets: number[];
  /** The source of each expression inside it (`{v}`, `${v}`), by the index of the character that stands for it. */
  expressions: Map<number, string>;
  /** The variables a `.format(name, value)` or `% (name, value)` fills its `{}` or `%s` with, in order. */
  fills?: (string | undefined)[];
}

/** Stands for what an escape or an expression inside a literal gives: nothing a name can be made of. */
export const OPAQUE = '\u0000';

/** A line a literal writes: `name=…` (the name where it stands), or `{param}=…`, a name a function is given. */
export type LiteralLine = { output: string; at: number } | { param: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
/** A line that writes an output: its name (or the expression standing for it), and a `<<` value's end. */
const LINE = /^([A-Za-z_][A-Za-z0-9_-]*|\0|\{\d*\}|%s)(=|<<(.*))/;
/** A place `.format` or `%` fills in turn: `{}`, `%s` (not a numbered `{0}`). */
const NEXT_PLACEHOLDER = /\{\}|%s/g;
/** An expression that is one variable: `name`, Python's `name!s` or `name:>10` too. */
const VARIABLE = /^\s*([A-Za-z_$][\w$]*)\s*(?:![rsa])?\s*(?::[^{}]*)?$/;

/**
 * The lines a literal writes: a `name=` or `name<<` (or one made by a variable, `{name}=`) at its start or a line's
 * (after `\n`, or a line break in a long string), the lines of a `name<<END` value skipped to the line `END`. After
 * a line break in the source, the line may be indented by `indent` spaces, which the program does not hold: a YAML
 * block's indentation, which YAML takes off (another indented line is written indented, and is no output).
 */
export function literalLines(literal: Literal, src: string, indent = 0): LiteralLine[] {
  const { chars, offsets } = literal;
  const out: LiteralLine[] = [];
  const text = chars.join('');
  let valueEnd: string | undefined;
  let start = 0;
  // How many placeholders filled in turn the lines before hold: the number of one that starts a line.
  let filledBefore = 0;
  for (const line of text.split('\n')) {
    const placeholders = literal.fills ? (line.match(NEXT_PLACEHOLDER)?.length ?? 0) : 0;
    const lineStart = start;
    start += line.length + 1;
    filledBefore += placeholders;
    if (valueEnd !== undefined) {
      if (line.trim() === valueEnd) valueEnd = undefined;
      continue;
    }
    const margin = lineStart > 0 && src[offsets[lineStart - 1]] === '\n' ? ' '.repeat(indent) : '';
    const m = line.startsWith(margin) ? LINE.exec(line.slice(margin.length)) : null;
    if (!m) continue;
    const first = lineStart + margin.length;
    const written =
      m[1] === OPAQUE
        ? variableAt(literal, first)
        : /^[{%]/.test(m[1])
          ? filledAt(literal, filledBefore - placeholders, m[1])
          : plainName(literal, first, m[1].length);
    if (written) out.push(written);
    if (m[3] !== undefined) valueEnd = m[3].includes(OPAQUE) ? OPAQUE : m[3].trim();
  }
  return out;
}

/** The variable that `.format` or `%` puts at the placeholder `written`, the literal's `inTurn`th filled in turn. */
function filledAt(literal: Literal, inTurn: number, written: string): LiteralLine | undefined {
  const numbered = /^\{(\d+)\}$/.exec(written);
  const variable = literal.fills?.[numbered ? Number(numbered[1]) : inTurn];
  return variable ? { param: variable } : undefined;
}

/** The variable an expression at `index` of the literal reads, if it is one. */
function variableAt(literal: Literal, index: number): LiteralLine | undefined {
  const variable = VARIABLE.exec(literal.expressions.get(index) ?? '')?.[1];
  return variable ? { param: variable } : undefined;
}

/** The name the literal's characters from `first` spell, where they stand in the source as written (no escape inside). */
function plainName({ offsets, chars }: Literal, first: number, length: number): LiteralLine | undefined {
  const contiguous = offsets[first + length - 1] - offsets[first] === length - 1;
  return contiguous ? { output: chars.slice(first, first + length).join(''), at: offsets[first] } : undefined;
}

/** The output name a literal is, whole (`"version"`), where it stands, if it is one. */
export function literalName(literal: Literal): { output: string; at: number } | undefined {
  const text = literal.chars.join('');
  if (!NAME.test(text)) return undefined;
  const written = plainName(literal, 0, text.length);
  return written && 'output' in written ? written : undefined;
}
