import type { Span } from './diagnostics';

export interface Position {
  /** 1-based */
  line: number;
  /** 1-based, in UTF-16 code units */
  column: number;
}

/** Converts offsets to 1-based line/column and back, by binary search over line starts. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13 && text.charCodeAt(i + 1) !== 10) this.starts.push(i + 1);
    }
  }

  get lineCount(): number {
    return this.starts.length;
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.starts[lo] + 1 };
  }

  offset(line: number, column: number): number {
    const l = Math.max(1, Math.min(line, this.starts.length));
    return Math.min(this.starts[l - 1] + Math.max(0, column - 1), this.text.length);
  }

  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))];
  }

  /** Offset of the end of a line, before its line break. */
  lineEnd(line: number): number {
    const next = line < this.starts.length ? this.starts[line] : this.text.length + 1;
    let end = Math.min(next - 1, this.text.length);
    while (end > this.lineStart(line) && (this.text[end - 1] === '\r' || this.text[end - 1] === '\n')) end--;
    return end;
  }

  range(span: Span): { line: number; column: number; endLine: number; endColumn: number } {
    const s = this.position(span.start);
    const e = this.position(Math.max(span.start, span.end));
    return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  }
}
