/** Replaces registered secret values with *** in text and in every string inside a value. */
export class Masker {
  private readonly values: string[] = [];

  add(value: string): void {
    if (value.length === 0 || this.values.includes(value)) return;
    this.values.push(value);
    // Longest first, so that a secret containing another is masked whole.
    this.values.sort((a, b) => b.length - a.length);
  }

  get active(): boolean {
    return this.values.length > 0;
  }

  text(s: string): string {
    let out = s;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join('***');
    return out;
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
