// Values as expressions see them: GitHub's own data types (@actions/expressions), made from and read back into
// plain JSON values, with GitHub's rules for truth and for text.
import { data } from '@actions/expressions';

/** A plain value: what contexts hold, as JSON can say it. */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

export type Data = data.ExpressionData;

/** A plain value as expression data (objects become case-insensitive dictionaries, as in GitHub Actions). */
export function toData(v: Value): Data {
  if (v === null) return new data.Null();
  if (typeof v === 'string') return new data.StringData(v);
  if (typeof v === 'number') return new data.NumberData(v);
  if (typeof v === 'boolean') return new data.BooleanData(v);
  if (Array.isArray(v)) return new data.Array(...v.map(toData));
  return new data.Dictionary(...Object.entries(v).map(([key, value]) => ({ key, value: toData(value) })));
}

/** Expression data as a plain value. */
export function fromData(d: Data): Value {
  switch (d.kind) {
    case data.Kind.Null:
      return null;
    case data.Kind.String:
    case data.Kind.Number:
    case data.Kind.Boolean:
      return d.value;
    case data.Kind.Array:
      return d.values().map(fromData);
    default:
      return Object.fromEntries(d.pairs().map((p) => [p.key, fromData(p.value)]));
  }
}

/** GitHub's truth: null, false, 0, NaN and '' are false; everything else (an empty list or object too) is true. */
export function isTruthy(d: Data): boolean {
  switch (d.kind) {
    case data.Kind.Null:
      return false;
    case data.Kind.Boolean:
      return d.value;
    case data.Kind.Number: {
      const n = d.value;
      return n !== 0 && !Number.isNaN(n);
    }
    case data.Kind.String:
      return d.value.length > 0;
    default:
      return true;
  }
}

/**
 * How a value reads when `${{ }}` puts it into text: null as nothing, numbers with 15 significant digits, lists and
 * objects as JSON (format() and join() write them as GitHub does, `Array` and `Object`).
 */
export function toText(d: Data): string {
  return d.primitive ? d.coerceString() : JSON.stringify(fromData(d));
}

/**
 * A number as GitHub Actions writes it: at most 15 significant digits (.NET's "G15"), fixed-point unless the exponent
 * is below -4 or at least 15. `0.84551240822557006` reads `0.84551240822557`; `1e21` reads `1E+21`.
 */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (n === 0) return '0';
  const [mantissa, exp] = n.toExponential(14).split('e');
  const exponent = Number(exp);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace(/^-/, '').replace('.', '').replace(/0+$/, '') || '0';
  const sign = negative ? '-' : '';
  if (exponent > -5 && exponent < 15) {
    if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
    const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
    const fraction = digits.slice(exponent + 1);
    return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
  }
  const fraction = digits.slice(1);
  return `${sign}${digits[0]}${fraction ? `.${fraction}` : ''}E${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

// The library writes numbers with 15 decimal places, not 15 significant digits as GitHub's runner does: every
// number read as text (in `${{ }}`, format(), join(), comparisons with text) goes through GitHub's rule instead.
data.NumberData.prototype.coerceString = function coerceString(this: data.NumberData): string {
  return formatNumber(this.value);
};

// The library indexes a dictionary's keys in a plain object, so a key such as `constructor` or `__proto__` (from
// fromJSON, or an output's name) was taken as already present and dropped. The index is given no prototype instead.
type DictionaryInternals = { indexMap: Record<string, number> };
// The original, called with the dictionary as `this`.
// eslint-disable-next-line @typescript-eslint/unbound-method
const addPair = data.Dictionary.prototype.add;
data.Dictionary.prototype.add = function add(this: data.Dictionary, key: string, value: Data): void {
  const self = this as unknown as DictionaryInternals;
  if (Object.getPrototypeOf(self.indexMap) !== null) self.indexMap = Object.assign(Object.create(null) as Record<string, number>, self.indexMap);
  addPair.call(this, key, value);
};
