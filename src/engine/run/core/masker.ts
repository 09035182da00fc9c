/**
 * Replaces registered secret values with *** in text and in every string inside a value. Occurrences are masked
 * leftmost first, the longest where several start at one place, so that a secret containing another is masked whole.
 */
export class Masker {
  /** Longest first. */
  private readonly values: string[] = [];

  add(value: string): void {
    if (value.length === 0 || this.values.includes(value)) return;
    this.values.push(value);
    this.values.sort((a, b) => b.length - a.length);
  }

  get active(): boolean {
    return this.values.length > 0;
  }

  /** The length of the longest registered value. */
  get longest(): number {
    return this.values[0]?.length ?? 0;
  }

  text(s: string): string {
    return this.active ? this.maskUpTo(s, s.length).masked : s;
  }

  /**
   * Masks the occurrences that start before `stop`, and returns the text up to `end`: `stop`, or the end of a
   * masked value that crosses it. What lies after `end` is left for the caller.
   */
  maskUpTo(s: string, stop: number): { masked: string; end: number } {
    let masked = '';
    let i = 0;
    const next = this.values.map((v) => s.indexOf(v));
    for (;;) {
      let best = -1;
      let bestLength = 0;
      for (let k = 0; k < this.values.length; k++) {
        if (next[k] !== -1 && next[k] < i) next[k] = s.indexOf(this.values[k], i);
        // Longest first, so on a tie the value already chosen is the longer one.
        if (next[k] !== -1 && (best === -1 || next[k] < best)) [best, bestLength] = [next[k], this.values[k].length];
      }
      if (best === -1 || best >= stop) break;
      masked += s.slice(i, best) + '***';
      i = best + bestLength;
    }
    const end = Math.max(i, stop);
    return { masked: masked + s.slice(i, end), end };
  }

  deep<T>(value: T): T {
    if (!this.active) return value;
    if (typeof value === 'string') return this.text(value) as T;
    if (Array.isArray(value)) return value.map((v: unknown) => this.deep(v)) as T;
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.deep(v);
      return out as T;
    }
    return value;
  }
}

/**
 * Masks a line that arrives in pieces (a line too long to pass on whole) exactly as the whole line would be: a tail
 * short enough to be the start of a secret waits for the next piece.
 */
export class PieceMasker {
  private carry = '';

  constructor(private readonly masker: Masker) {}

  /** The masked text to pass on now; empty when all of it waits. */
  push(piece: string, continues: boolean): string {
    const text = this.carry + piece;
    if (!continues) {
      this.carry = '';
      return this.masker.text(text);
    }
    const { masked, end } = this.masker.maskUpTo(text, Math.max(0, text.length - Math.max(0, this.masker.longest - 1)));
    this.carry = text.slice(end);
    return masked;
  }
}
