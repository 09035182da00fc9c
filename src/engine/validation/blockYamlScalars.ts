// The scalars of the block YAML subset, and its one-line flow collections of scalars, as `yaml` nodes.
import { Pair, Scalar, YAMLMap, YAMLSeq, type DocumentOptions, type ParseOptions, type ScalarTag, type Schema, type SchemaOptions } from 'yaml';
import { BlockText, HASH, NEWLINE, outside, SPACE } from './blockYamlText';

/** Characters that, in a flow collection, end or nest what is inside it. */
const FLOW_SPECIAL = /[[\]{}#]|:( |$)/;
const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};

export class BlockScalars extends BlockText {
  constructor(
    text: string,
    protected readonly schema: Schema,
    private readonly options: ParseOptions & DocumentOptions & SchemaOptions,
  ) {
    super(text);
  }

  protected scalarValue(at: number, lineEnd: number): Scalar {
    const c = this.text.charCodeAt(at);
    if (c === 34 || c === 39) {
      const end = this.quotedEnd(at, lineEnd);
      return this.scalarAt(at, end, false);
    }
    if (!this.plainStartsAt(at)) outside();
    let end = this.commentStart(at, lineEnd);
    while (this.text.charCodeAt(end - 1) === SPACE) end--;
    const source = this.text.slice(at, end);
    if (source.includes(': ') || source.endsWith(':')) outside();
    return this.resolvePlain(source, at, end);
  }

  /** A key's or value's scalar from `start` to `end` (a quoted one includes its quotes). */
  protected scalarAt(start: number, end: number, isKey: boolean): Scalar {
    const c = this.text.charCodeAt(start);
    if (c === 34) return this.quoted(this.doubleQuoted(start + 1, end - 1), 'QUOTE_DOUBLE', start, end);
    if (c === 39) return this.quoted(this.text.slice(start + 1, end - 1).replaceAll("''", "'"), 'QUOTE_SINGLE', start, end);
    const source = this.text.slice(start, end);
    if (isKey && source.includes(' #')) outside();
    return this.resolvePlain(source, start, end);
  }

  protected quoted(value: string, type: Scalar.Type, start: number, end: number): Scalar {
    const scalar = new Scalar(value);
    scalar.range = [start, end, end];
    scalar.source = value;
    scalar.type = type;
    return scalar;
  }

  protected doubleQuoted(from: number, to: number): string {
    const raw = this.text.slice(from, to);
    if (!raw.includes('\\')) return raw;
    // Escapes by code (\x, \u, \U) are left to the general parser.
    return raw.replace(/\\(.)/g, (_, e: string) => ESCAPES[e] ?? outside());
  }

  /** A plain scalar, typed as the document's schema types it (null, booleans, numbers, strings). */
  protected resolvePlain(source: string, start: number, end: number): Scalar {
    const tag = this.schema.tags.find((t): t is ScalarTag => !t.collection && t.default === true && t.test?.test(source) === true);
    let scalar: Scalar;
    if (!tag) scalar = new Scalar(source);
    else {
      const resolved = tag.resolve(source, outside, this.options);
      scalar = resolved instanceof Scalar ? resolved : new Scalar(resolved);
      if (tag.format) scalar.format = tag.format;
    }
    scalar.range = [start, end, end];
    scalar.source = source;
    scalar.type = 'PLAIN';
    return scalar;
  }

  /** A flow sequence or mapping of scalars, on one line: `[a, "b"]`, `{ max: 2, delay: 1s }`. */
  protected flowCollection(start: number, lineEnd: number): YAMLSeq | YAMLMap {
    const isMap = this.text.charCodeAt(start) === 123; /* { */
    const close = this.text.indexOf(isMap ? '}' : ']', start);
    if (close < 0 || close >= lineEnd) return outside();
    const collection = isMap ? new YAMLMap(this.schema) : new YAMLSeq(this.schema);
    collection.flow = true;
    const inner = this.text.slice(start + 1, close);
    if (inner.trim() !== '') {
      let at = start + 1;
      for (const part of inner.split(',')) {
        const partEnd = at + part.length;
        if (isMap) {
          const colon = this.flowKeyEnd(at, partEnd);
          // A key's node ends where its text does, spaces before the `:` aside (as yaml has it).
          const key = this.flowScalar(at, colon);
          if (key.source === '<<') outside();
          (collection as YAMLMap).items.push(new Pair(key, this.flowScalar(colon + 1, partEnd, partEnd)));
        } else (collection as YAMLSeq).items.push(this.flowScalar(at, partEnd, partEnd));
        at = partEnd + 1;
      }
    }
    collection.range = [start, close + 1, close + 1];
    return collection;
  }

  /** The `:` after a flow mapping's key in `[from, to)`: right after the key, followed by a space. */
  protected flowKeyEnd(from: number, to: number): number {
    let at = from;
    while (this.text.charCodeAt(at) === SPACE) at++;
    const c = this.text.charCodeAt(at);
    const colon = c === 34 || c === 39 ? this.quotedEnd(at, to) : this.text.indexOf(': ', at);
    if (colon < 0 || colon >= to - 1 || this.text.charCodeAt(colon) !== 58 || this.text.charCodeAt(colon + 1) !== SPACE) outside();
    return colon;
  }

  /** The scalar written in `[from, to)` of a flow collection, spaces around it aside; its node ends at `end` (or its text's end). */
  protected flowScalar(from: number, to: number, end?: number): Scalar {
    let itemStart = from;
    while (itemStart < to && this.text.charCodeAt(itemStart) === SPACE) itemStart++;
    let itemEnd = to;
    while (itemEnd > itemStart && this.text.charCodeAt(itemEnd - 1) === SPACE) itemEnd--;
    const body = this.text.slice(itemStart, itemEnd);
    const quoted = body[0] === '"' || body[0] === "'";
    if (body === '' || (quoted ? this.quotedEnd(itemStart, to) !== itemEnd : FLOW_SPECIAL.test(body) || !this.plainStartsAt(itemStart) || body === '-')) {
      outside();
    }
    const item = this.scalarAt(itemStart, itemEnd, false);
    item.range = [itemStart, itemEnd, end ?? itemEnd];
    return item;
  }

  /**
   * A literal block scalar (`|` or `|-`, no indentation indicator): the lines below indented past `indent`, blank
   * lines among them, less the first line's indentation.
   */
  protected literal(at: number, indent: number): Scalar {
    const lineEnd = this.lineEnd(at);
    const chomp = this.text[at + 1] === '-' ? '-' : '';
    let rest = at + 1 + chomp.length;
    while (this.text.charCodeAt(rest) === SPACE) rest++;
    if (rest < lineEnd && (this.text.charCodeAt(rest) !== HASH || rest === at + 1 + chomp.length)) outside();
    let trim = -1;
    let line = this.afterLine(at);
    let end = line;
    while (line < this.text.length) {
      const lineIndent = this.indentOf(line);
      const blank = this.text.charCodeAt(line + lineIndent) === NEWLINE || line + lineIndent >= this.text.length;
      if (!blank) {
        if (lineIndent <= indent) break;
        if (trim < 0) trim = lineIndent;
        if (lineIndent < trim) outside();
        end = this.afterLine(line);
      } else if (trim >= 0 ? lineIndent > trim : lineIndent > indent) outside();
      line = this.afterLine(line);
    }
    if (trim < 0) outside();
    const content = this.text.slice(this.afterLine(at), end).split('\n');
    const text = content
      .slice(0, end === this.text.length && !this.text.endsWith('\n') ? content.length : content.length - 1)
      .map((l) => l.slice(trim))
      .join('\n');
    const value = chomp === '-' ? text : text + '\n';
    const scalar = new Scalar(value);
    scalar.range = [at, end, end];
    scalar.source = value;
    scalar.type = 'BLOCK_LITERAL';
    this.at = end;
    return scalar;
  }
}
