// The outputs a Python or JavaScript program writes to `$MAESTRO_OUTPUT`, as far as its text tells: the `name=` and
// `name<<` lines of the string literals it passes to a call that writes (`f.write(f"version={v}\n")`,
// `print("ok=1", file=out)`, `fs.appendFileSync(process.env.MAESTRO_OUTPUT, `sha=${sha}\n`)`). A name made by an
// expression (`f"{name}={value}"`, a helper given the name) is not found. Pure.

export type ProgramLanguage = 'python' | 'javascript';

export interface ProgramWrite {
  output: string;
  /** The name's offset in the program's text. */
  at: number;
}

/** The calls whose string arguments are written out, by the last name before their `(`. */
const WRITERS: Record<ProgramLanguage, ReadonlySet<string>> = {
  python: new Set(['write', 'writelines', 'write_text']),
  javascript: new Set(['write', 'appendFile', 'appendFileSync', 'writeFile', 'writeFileSync', 'writeTextFile', 'writeTextFileSync']),
};

/**
 * Calls that put the strings given them into the one they make (`"\n".join([…])`, `"v={}".format(v)`): a call to
 * another is not written, whatever it is given (`json.dumps({"k=v": 1})`).
 */
const JOINERS = new Set(['join', 'format', 'concat', 'dedent', 'str', 'String']);

/** A string literal's characters, each with its offset in the program (that of its escape or expression). */
interface Literal {
  chars: string[];
  offsets: number[];
}

/** An open bracket: a call's (named by `callee`), a list's or a block's, with the literals inside it so far. */
interface Frame {
  close: string;
  callee: string | undefined;
  literals: Literal[];
  /** A Python `print(…, file=…)`, which writes to that file. */
  toFile: boolean;
}

/** Stands for what an escape or an expression inside a literal gives: nothing a name can be made of. */
const OPAQUE = '\u0000';
const PY_PREFIX = /^(?:[rRuUbBfFtT]|[rR][bBfFtT]|[bBfFtT][rR])$/;
const IDENTIFIER = /[A-Za-z0-9_$]/;
/** `print`'s `file=` given a file: not `sys.stdout` or `sys.stderr`. */
const FILE_KEYWORD = /^\s*=(?!=)\s*(?!sys\s*\.\s*std(?:out|err)\b)/;
const STDIO = /\bstd(?:out|err)\s*\.\s*$/;
const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
/**
 * How deep brackets, and strings inside a string's expressions, are followed: a text nested deeper (no program is)
 * is read as if not nested, so that no text takes more than linear time or overflows the stack.
 */
const MAX_DEPTH = 200;

export function programWrites(source: string, language: ProgramLanguage): ProgramWrite[] {
  return new ProgramScanner(source, language).writes();
}

class ProgramScanner {
  private i = 0;
  private readonly frames: Frame[] = [];
  private readonly found: ProgramWrite[] = [];
  /** The name just read, while nothing but space follows it: the callee of a `(` next. */
  private lastName: string | undefined;
  /** How many strings the one being read is inside (in their `${…}`). */
  private stringDepth = 0;

  constructor(
    private readonly src: string,
    private readonly language: ProgramLanguage,
  ) {}

  writes(): ProgramWrite[] {
    while (this.i < this.src.length) this.step();
    return this.found.sort((a, b) => a.at - b.at);
  }

  private step(): void {
    const c = this.src[this.i];
    if (this.skipComment()) return;
    if (c === '"' || c === "'" || (c === '`' && this.language === 'javascript')) return this.addLiteral(this.readString(''));
    if (/[A-Za-z_$]/.test(c)) return this.readName();
    this.i++;
    if (/\s/.test(c)) return;
    const callee = this.lastName;
    this.lastName = undefined;
    if (OPENERS[c] && this.frames.length < MAX_DEPTH)
      this.frames.push({ close: OPENERS[c], callee: c === '(' ? callee : undefined, literals: [], toFile: false });
    else if (c === ')' || c === ']' || c === '}') this.closeFrame(c);
  }

  private skipComment(): boolean {
    const { src, i } = this;
    const line = this.language === 'python' ? src[i] === '#' : src.startsWith('//', i);
    if (line) {
      const end = src.indexOf('\n', i);
      this.i = end < 0 ? src.length : end;
    } else if (this.language === 'javascript' && src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      this.i = end < 0 ? src.length : end + 2;
    }
    return line || this.i !== i;
  }

  private readName(): void {
    const start = this.i;
    while (this.i < this.src.length && IDENTIFIER.test(this.src[this.i])) this.i++;
    const name = this.src.slice(start, this.i);
    const next = this.src[this.i];
    if (this.language === 'python' && (next === '"' || next === "'") && PY_PREFIX.test(name)) {
      this.addLiteral(this.readString(name));
      return;
    }
    const frame = this.frames.at(-1);
    if (name === 'file' && frame?.close === ')' && FILE_KEYWORD.test(this.src.slice(this.i, this.i + 40))) frame.toFile = true;
    // A write to the standard output or error (`sys.stderr.write`, `process.stdout.write`) is not one to a file.
    this.lastName = STDIO.test(this.src.slice(Math.max(0, start - 16), start)) ? undefined : name;
  }

  private addLiteral(literal: Literal): void {
    this.lastName = undefined;
    this.frames.at(-1)?.literals.push(literal);
  }

  /**
   * Closes the innermost bracket `c` closes: a call that writes gives its literals' names; a list, a grouping or a
   * joining call passes them to the bracket around it.
   */
  private closeFrame(c: string): void {
    const at = this.frames.map((f) => f.close).lastIndexOf(c);
    if (at < 0) return;
    while (this.frames.length > at) {
      const frame = this.frames.pop()!;
      const around = this.frames.at(-1);
      if (this.isWriter(frame)) for (const literal of frame.literals) for (const name of namesIn(literal, this.src)) this.found.push(name);
      else if (around && (frame.callee === undefined || JOINERS.has(frame.callee))) for (const literal of frame.literals) around.literals.push(literal);
    }
  }

  private isWriter(frame: Frame): boolean {
    if (frame.callee === undefined) return false;
    return WRITERS[this.language].has(frame.callee) || (this.language === 'python' && frame.callee === 'print' && frame.toFile);
  }

  /** The string literal at `i` (after its Python prefix), read to its end or, unclosed, to its line's end. */
  private readString(prefix: string): Literal {
    const { src } = this;
    const quote = src[this.i];
    const long = quote === '`' || (this.language === 'python' && src.startsWith(quote.repeat(3), this.i));
    const closing = quote === '`' || !long ? quote : quote.repeat(3);
    const raw = /r/i.test(prefix);
    const format = this.language === 'python' ? /[ft]/i.test(prefix) : quote === '`';
    const literal: Literal = { chars: [], offsets: [] };
    const push = (ch: string, at: number) => (literal.chars.push(ch), literal.offsets.push(at));
    this.i += closing.length;
    while (this.i < src.length && !src.startsWith(closing, this.i)) {
      const ch = src[this.i];
      if (ch === '\n' && !long) return literal;
      if (ch === '\\') this.readEscape(raw, push);
      else if (format && this.expressionStarts()) {
        push(OPAQUE, this.i);
        this.skipExpression();
      } else if (format && this.language === 'python' && (src.startsWith('{{', this.i) || src.startsWith('}}', this.i))) {
        push(ch, this.i);
        this.i += 2;
      } else push(ch, this.i++);
    }
    this.i += closing.length;
    return literal;
  }

  private readEscape(raw: boolean, push: (ch: string, at: number) => void): void {
    const at = this.i;
    const next = this.src[at + 1];
    this.i += 2;
    if (next === undefined) return;
    if (raw) {
      push('\\', at);
      push(next, at + 1);
    } else if (next === 'n') push('\n', at);
    else if (next !== '\n') push(OPAQUE, at);
  }

  private expressionStarts(): boolean {
    const { src, i } = this;
    return this.language === 'python' ? src[i] === '{' && src[i + 1] !== '{' : src.startsWith('${', i);
  }

  /** Past a `{…}` or `${…}` inside a literal, the strings within it included. */
  private skipExpression(): void {
    this.i = this.src.indexOf('{', this.i) + 1;
    let depth = 1;
    while (this.i < this.src.length && depth > 0) {
      const c = this.src[this.i];
      if ((c === '"' || c === "'" || (c === '`' && this.language === 'javascript')) && this.stringDepth < MAX_DEPTH) {
        this.stringDepth++;
        this.readString('');
        this.stringDepth--;
        continue;
      }
      if (c === '{') depth++;
      if (c === '}') depth--;
      this.i++;
    }
  }
}

/**
 * The outputs a literal writes: a `name=` or `name<<` at its start or a line's (after `\n`, or a line break in a long
 * string, indented or not), the lines of a `name<<END` value skipped to the line `END`.
 */
function namesIn({ chars, offsets }: Literal, src: string): ProgramWrite[] {
  const out: ProgramWrite[] = [];
  const text = chars.join('');
  let valueEnd: string | undefined;
  let start = 0;
  for (const line of text.split('\n')) {
    const lineStart = start;
    start += line.length + 1;
    if (valueEnd !== undefined) {
      if (line.trim() === valueEnd) valueEnd = undefined;
      continue;
    }
    const indented = lineStart > 0 && src[offsets[lineStart - 1]] === '\n';
    const m = (indented ? /^([ \t]*)([A-Za-z_][A-Za-z0-9_-]*)(=|<<(.*))/ : /^()([A-Za-z_][A-Za-z0-9_-]*)(=|<<(.*))/).exec(line);
    if (!m) continue;
    const first = lineStart + m[1].length;
    const name = m[2];
    // The name stands in the source as written: no escape inside it.
    if (offsets[first + name.length - 1] - offsets[first] === name.length - 1) out.push({ output: name, at: offsets[first] });
    if (m[4] !== undefined) valueEnd = m[4].includes(OPAQUE) ? OPAQUE : m[4].trim();
  }
  return out;
}
