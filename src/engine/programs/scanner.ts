// Reads a Python or JavaScript program's text for what may write `$MAESTRO_OUTPUT`: the string literals it passes to
// calls that write, the functions it defines with their parameters, and the calls given a literal. Not a parser: it
// knows strings, comments, brackets and names, which is what those need. Pure.
import { type Literal, OPAQUE } from './literal';

export type ProgramLanguage = 'python' | 'javascript';

export interface ScannedProgram {
  /** The literals passed to a call that writes, directly or through a list, a grouping or a join. */
  written: Literal[];
  /** The functions the program defines (`def f(a, b)`, `function f(a, b)`, `const f = (a, b) =>`). */
  definitions: Definition[];
  /** Calls given a literal as an argument of its own, with every argument. */
  calls: Call[];
}

export interface Definition {
  name: string;
  /** Each parameter's name by position (a method's `self` or `cls` left out); undefined where there is none. */
  params: (string | undefined)[];
  at: number;
}

export interface Call {
  callee: string;
  args: Argument[];
}

/** A call's argument, or a definition's parameter, as far as it was read. */
export interface Argument {
  /** The argument is this one literal. */
  literal?: Literal;
  /** Given as `keyword=…`. */
  keyword?: string;
  /** The argument is, or starts with, this name. */
  name?: string;
  /** Anything else was read in it. */
  other: boolean;
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

/** An open bracket: a call's (named by `callee`), a list's or a block's, with the literals inside it so far. */
interface Frame {
  close: string;
  callee: string | undefined;
  literals: Literal[];
  /** A Python `print(…, file=…)`, which writes to that file. */
  toFile: boolean;
  args: Argument[];
  /** The function whose parameters these are. */
  defines?: string;
  /** The string a `.format(…)` call or a `% (…)` tuple fills in: these are its values. */
  fills?: Literal;
  at: number;
}

const PY_PREFIX = /^(?:[rRuUbBfFtT]|[rR][bBfFtT]|[bBfFtT][rR])$/;
const IDENTIFIER = /[A-Za-z0-9_$]/;
/** `print`'s `file=` given a file: not `sys.stdout` or `sys.stderr`. */
const FILE_KEYWORD = /^\s*=(?!=)\s*(?!sys\s*\.\s*std(?:out|err)\b)/;
const KEYWORD = /^\s*=(?![=>])/;
const STDIO = /\bstd(?:out|err)\s*\.\s*$/;
/** `name = (`, `name = async (`, `name = function (`: a JavaScript function given a name. */
const ASSIGNED_FUNCTION = /^\s*=\s*(?:async\b\s*)?(?:function\b\s*\*?\s*[\w$]*\s*)?\(/;
const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
/**
 * How deep brackets, and strings inside a string's expressions, are followed: a text nested deeper (no program is)
 * is read as if not nested, so that no text takes more than linear time or overflows the stack.
 */
const MAX_DEPTH = 200;

export function scanProgram(source: string, language: ProgramLanguage): ScannedProgram {
  return new ProgramScanner(source, language).scan();
}

class ProgramScanner {
  private i = 0;
  private readonly frames: Frame[] = [];
  private readonly found: ScannedProgram = { written: [], definitions: [], calls: [] };
  /** The name just read, while nothing but space follows it: the callee of a `(` next. */
  private lastName: string | undefined;
  /** How many strings the one being read is inside (in their `${…}`). */
  private stringDepth = 0;
  /** After `def` or `function` (or a name a function is assigned to), up to its parameters' `(`: the name. */
  private defining: { name?: string } | undefined;
  /** The last string literal read, and where it ends: what a `.format(` or `%` right after it fills in. */
  private lastLiteral: { literal: Literal; end: number } | undefined;

  constructor(
    private readonly src: string,
    private readonly language: ProgramLanguage,
  ) {}

  scan(): ScannedProgram {
    while (this.i < this.src.length) this.step();
    return this.found;
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
    if (c === ')' || c === ']' || c === '}') return this.closeFrame(c);
    const frame = this.frames.at(-1);
    if (frame && c === ',') frame.args.push({ other: false });
    else if (frame) frame.args.at(-1)!.other = true;
    if (OPENERS[c]) this.openFrame(c, callee);
    else if (c === ';') this.defining = undefined;
  }

  private openFrame(c: string, callee: string | undefined): void {
    const defines = c === '(' && this.defining ? (this.defining.name ?? '') : undefined;
    this.defining = undefined;
    if (this.frames.length >= MAX_DEPTH) return;
    const fills = c === '(' ? this.filledBy(/^\s*(?:\.\s*format|%)\s*\($/) : undefined;
    this.frames.push({
      close: OPENERS[c],
      callee: c === '(' ? callee : undefined,
      literals: [],
      toFile: false,
      args: [{ other: false }],
      defines,
      fills,
      at: this.i - 1,
    });
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
    if (this.language === 'python' && (next === '"' || next === "'") && PY_PREFIX.test(name)) return this.addLiteral(this.readString(name));
    const after = this.src.slice(this.i, this.i + 40);
    if (this.noteArgumentName(name, after)) {
      // Past the keyword's `=`: what follows is its value.
      this.i += after.indexOf('=') + 1;
      this.lastName = undefined;
      return;
    }
    const filled = this.language === 'python' && /^\s*[),\]\n]/.test(after) ? this.filledBy(/^\s*%\s*[A-Za-z_]\w*$/) : undefined;
    if (filled) filled.fills = [name];
    if (name === (this.language === 'python' ? 'def' : 'function')) this.defining ??= {};
    else if (this.defining && this.defining.name === undefined && name !== 'async') this.defining.name = name;
    else if (this.language === 'javascript' && ASSIGNED_FUNCTION.test(after)) this.defining = { name };
    // A write to the standard output or error (`sys.stderr.write`, `process.stdout.write`) is not one to a file.
    this.lastName = STDIO.test(this.src.slice(Math.max(0, start - 16), start)) ? undefined : name;
  }

  /**
   * A name read inside a call's or definition's brackets: a keyword (true), a parameter, or part of an argument.
   */
  private noteArgumentName(name: string, after: string): boolean {
    const frame = this.frames.at(-1);
    if (frame?.close !== ')') return false;
    if (name === 'file' && FILE_KEYWORD.test(after)) frame.toFile = true;
    const arg = frame.args.at(-1)!;
    const empty = !arg.literal && !arg.name && !arg.other && !arg.keyword;
    if (empty && KEYWORD.test(after)) arg.keyword = name;
    else if (empty) arg.name = name;
    else arg.other = true;
    return arg.keyword === name && empty;
  }

  /** The literal read last, when the source from its end to here is `between` (a near one only: `.format(`, `% name`). */
  private filledBy(between: RegExp): Literal | undefined {
    const last = this.lastLiteral;
    return last && this.i - last.end < 40 && between.test(this.src.slice(last.end, this.i)) ? last.literal : undefined;
  }

  private addLiteral(literal: Literal): void {
    this.lastName = undefined;
    this.lastLiteral = { literal, end: this.i };
    const frame = this.frames.at(-1);
    if (!frame) return;
    frame.literals.push(literal);
    const arg = frame.args.at(-1)!;
    if (arg.literal || arg.name || arg.other) arg.other = true;
    else arg.literal = literal;
  }

  /**
   * Closes the innermost bracket `c` closes: a call that writes gives its literals; a list, a grouping or a joining
   * call passes them to the bracket around it; a definition's parameters and a call given a literal are kept.
   */
  private closeFrame(c: string): void {
    const at = this.frames.map((f) => f.close).lastIndexOf(c);
    if (at < 0) return;
    while (this.frames.length > at) {
      const frame = this.frames.pop()!;
      const around = this.frames.at(-1);
      if (frame.fills) frame.fills.fills = frame.args.map((a) => (a.name && !a.other && !a.keyword ? a.name : undefined));
      if (frame.defines !== undefined) this.found.definitions.push(definitionOf(frame));
      else if (this.isWriter(frame)) for (const literal of frame.literals) this.found.written.push(literal);
      else if (around && (frame.callee === undefined || JOINERS.has(frame.callee))) for (const literal of frame.literals) around.literals.push(literal);
      if (frame.defines === undefined && frame.callee !== undefined && frame.args.some((a) => a.literal && !a.other))
        this.found.calls.push({ callee: frame.callee, args: frame.args });
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
    const literal: Literal = { chars: [], offsets: [], expressions: new Map() };
    const push = (ch: string, at: number) => (literal.chars.push(ch), literal.offsets.push(at));
    this.i += closing.length;
    while (this.i < src.length && !src.startsWith(closing, this.i)) {
      const ch = src[this.i];
      if (ch === '\n' && !long) return literal;
      if (ch === '\\') this.readEscape(raw, push);
      else if (format && this.expressionStarts()) {
        push(OPAQUE, this.i);
        literal.expressions.set(literal.chars.length - 1, this.skipExpression());
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

  /** Past a `{…}` or `${…}` inside a literal, the strings within it included; its source. */
  private skipExpression(): string {
    this.i = this.src.indexOf('{', this.i) + 1;
    const start = this.i;
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
    return this.src.slice(start, depth === 0 ? this.i - 1 : this.i);
  }
}

function definitionOf(frame: Frame): Definition {
  const params = frame.args.map((a) => a.keyword ?? a.name);
  const method = params[0] === 'self' || params[0] === 'cls';
  return { name: frame.defines!, params: method ? params.slice(1) : params, at: frame.at };
}
