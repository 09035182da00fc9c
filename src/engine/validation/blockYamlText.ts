// The text under the block YAML parser: lines, indentation, comments and where quoted scalars close.
export const NEWLINE = 10;
export const SPACE = 32;
export const HASH = 35;
/** Characters that may not start a plain scalar here (some could, followed by a non-space; the general parser decides). */
const NOT_PLAIN_START = new Set([...'?:,[]{}#&*!|>\'"%@`\\'].map((c) => c.charCodeAt(0)));

/** Thrown where the text leaves the subset; caught once, where the parse starts. */
export class OutsideSubset extends Error {}
const OUTSIDE = new OutsideSubset('outside the block YAML subset');

export const outside = (): never => {
  throw OUTSIDE;
};

interface LinesBetween {
  end: number;
  deepestComment: number;
  comments: boolean;
}

export class BlockText {
  /** The start of the line to be read next. */
  protected at = 0;

  constructor(protected readonly text: string) {}

  protected lineEnd(start: number): number {
    const end = this.text.indexOf('\n', start);
    return end < 0 ? this.text.length : end;
  }

  /** After the line's newline (the text's end on the last line). */
  protected afterLine(start: number): number {
    const end = this.lineEnd(start);
    return end < this.text.length ? end + 1 : end;
  }

  protected indentOf(lineStart: number): number {
    let i = lineStart;
    while (this.text.charCodeAt(i) === SPACE) i++;
    return i - lineStart;
  }

  /** The start of the first line that an entry ending at `end` leaves unread (its end may be in the next one's indentation). */
  protected lineAfter(end: number): number {
    const lineStart = end > 0 ? this.text.lastIndexOf('\n', end - 1) + 1 : 0;
    if (this.indentOf(lineStart) >= end - lineStart) return lineStart;
    return this.afterLine(end);
  }

  /** From `at`, the start of the next line that holds more than spaces and a comment; undefined at the end. */
  protected nextContentLine(): number | undefined {
    let line = this.at;
    while (line < this.text.length) {
      const content = line + this.indentOf(line);
      const c = this.text.charCodeAt(content);
      if (c !== NEWLINE && c !== HASH && content < this.text.length) return line;
      line = this.afterLine(line);
    }
    return undefined;
  }

  /** linesBetween's answers by their line: collections that end together ask about the same lines. */
  private readonly between = new Map<number, LinesBetween>();

  /** The blank and comment lines from `from` on: where what follows them starts, and their deepest comment's column. */
  protected linesBetween(from: number): LinesBetween {
    let known = this.between.get(from);
    if (!known) this.between.set(from, (known = this.scanLinesBetween(from)));
    return known;
  }

  /** The position of the first `:` in `[from, to)`, or -1. */
  protected colonBefore(from: number, to: number): number {
    for (let i = from; i < to; i++) if (this.text.charCodeAt(i) === 58) return i;
    return -1;
  }

  private scanLinesBetween(line: number): LinesBetween {
    let deepestComment = -1;
    while (line < this.text.length) {
      const lineIndent = this.indentOf(line);
      const c = this.text.charCodeAt(line + lineIndent);
      if (c === HASH) deepestComment = Math.max(deepestComment, lineIndent);
      else if (c !== NEWLINE && line + lineIndent < this.text.length) return { end: line + lineIndent, deepestComment, comments: deepestComment >= 0 };
      line = this.afterLine(line);
    }
    return { end: this.text.length, deepestComment, comments: deepestComment >= 0 };
  }

  /** Where a scalar's node ends, from the end of its line: comment lines below it indented past `indent` are its own. */
  protected scalarEnd(indent: number, lineEnd: number): number {
    let line = lineEnd;
    let claimed = lineEnd;
    while (line < this.text.length) {
      const lineIndent = this.indentOf(line);
      const c = this.text.charCodeAt(line + lineIndent);
      if (c === HASH) {
        if (lineIndent <= indent) break;
        claimed = this.afterLine(line);
      } else if (c !== NEWLINE && line + lineIndent < this.text.length) break;
      line = this.afterLine(line);
    }
    return claimed;
  }

  /** Whether a line below (blank ones aside) is indented past `indent`: it would continue a scalar. */
  protected nextLineIndentedPast(indent: number): boolean {
    let line = this.at;
    while (line < this.text.length) {
      const content = line + this.indentOf(line);
      const c = this.text.charCodeAt(content);
      if (content < this.text.length && c !== NEWLINE && c !== HASH) return content - line > indent;
      line = this.afterLine(line);
    }
    return false;
  }

  /** The position of the space before a comment (` #`) between `from` and `to`, or `to`. */
  protected commentStart(from: number, to: number): number {
    for (let i = from + 1; i < to; i++) if (this.text.charCodeAt(i) === HASH && this.text.charCodeAt(i - 1) === SPACE) return i - 1;
    return to;
  }

  protected isFlowStart(at: number): boolean {
    const c = this.text.charCodeAt(at);
    return c === 91 /* [ */ || c === 123; /* { */
  }

  /** Whether a plain scalar may start at `at` (a `-` followed by a space is a sequence's). */
  protected plainStartsAt(at: number): boolean {
    return !NOT_PLAIN_START.has(this.text.charCodeAt(at)) && !this.isSeqItem(at);
  }

  protected isSeqItem(at: number): boolean {
    if (this.text.charCodeAt(at) !== 45 /* - */) return false;
    const after = this.text.charCodeAt(at + 1);
    return after === SPACE || after === NEWLINE || at + 1 >= this.text.length;
  }

  /** The position after the closing quote of the quoted scalar at `start`, which must close on its line. */
  protected quotedEnd(start: number, lineEnd: number): number {
    const quote = this.text[start];
    let i = start + 1;
    for (;;) {
      const close = this.text.indexOf(quote, i);
      if (close < 0 || close >= lineEnd) return outside();
      if (quote === "'") {
        if (this.text[close + 1] !== "'") return close + 1;
        i = close + 2;
      } else {
        let backslashes = 0;
        while (this.text[close - 1 - backslashes] === '\\') backslashes++;
        if (backslashes % 2 === 0) return close + 1;
        i = close + 1;
      }
    }
  }
}
