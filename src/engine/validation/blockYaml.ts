// A parser for the block YAML that workflow files are written in: block mappings and sequences, single-line plain
// and quoted scalars, literal block scalars (`|`, `|-`), one-line flow collections of scalars, comments. It builds the
// same `yaml` nodes, with the same values and positions, as `parseDocument` (a property test compares the two on
// generated documents), in a fraction of the time: the general parser was most of a full validation. Anything else
// (anchors, aliases, tags, merge keys, folded scalars, multi-line flow or quoted scalars, tabs, CR, directives,
// document markers, syntax errors) is left to `yaml`.
import { Document, Pair, parseDocument, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { BlockScalars } from './blockYamlScalars';
import { HASH, NEWLINE, outside, OutsideSubset, SPACE } from './blockYamlText';

type Range = [number, number, number];
type Node = Scalar | YAMLMap | YAMLSeq;

/** How the validator parses: merge keys (`<<`) merge; a key written twice is reported by the validator. */
export const PARSE_OPTIONS = { merge: true, prettyErrors: false, uniqueKeys: false, logLevel: 'error' } as const;

/** A workflow's text parsed: by the parser of the subset when it is in it, by `yaml` when not. */
export const parseWorkflowYaml = (text: string): Document.Parsed => parseBlockYaml(text) ?? parseDocument(text, PARSE_OPTIONS);

/** The document `parseDocument(text, PARSE_OPTIONS)` would give, or undefined when the text is outside the subset. */
export function parseBlockYaml(text: string): Document.Parsed | undefined {
  if (/[\t\r\ufeff]|^(---|\.\.\.)/m.test(text)) return undefined;
  const doc = new Document(undefined, PARSE_OPTIONS);
  try {
    const root = new BlockParser(text, doc.schema, doc.options).document();
    (doc as { contents: unknown }).contents = root;
    const firstLine = text.lastIndexOf('\n', root.range![0]) + 1;
    (doc as { range: Range }).range = [firstLine, root.range![2], text.length];
    return doc as unknown as Document.Parsed;
  } catch (e) {
    if (e instanceof OutsideSubset) return undefined;
    throw e;
  }
}

/** Deeper nesting than any workflow has is left to the general parser, before it could exhaust the stack here. */
const MAX_NESTING = 100;

class BlockParser extends BlockScalars {
  private depth = 0;

  private deeper(): void {
    if (++this.depth > MAX_NESTING) outside();
  }

  document(): YAMLMap {
    const first = this.nextContentLine();
    if (first === undefined) return outside();
    this.at = first;
    const root = this.map(this.indentOf(first), first);
    if (this.nextContentLine() !== undefined) outside();
    return root;
  }

  /** A block mapping whose keys start at column `indent`, the first on the line at `line`, at `keyStart`. */
  private map(indent: number, line: number, keyStart = line + indent): YAMLMap {
    this.deeper();
    const map = new YAMLMap(this.schema);
    const start = keyStart;
    let end = keyStart;
    let key = keyStart;
    for (;;) {
      const pair = this.pair(indent, key);
      map.items.push(pair);
      end = (pair.value as Node).range![2];
      this.at = this.lineAfter(end);
      const next = this.nextContentLine();
      if (next === undefined) break;
      const nextIndent = this.indentOf(next);
      if (nextIndent < indent) break;
      if (nextIndent > indent || this.isSeqItem(next + nextIndent)) outside();
      key = next + nextIndent;
    }
    map.range = [start, end, this.collectionEnd(indent, end)];
    this.depth--;
    return map;
  }

  /** A block sequence whose dashes are at column `indent`. */
  private seq(indent: number, line: number): YAMLSeq {
    this.deeper();
    const seq = new YAMLSeq(this.schema);
    const start = line + indent;
    let end = start;
    let dash = start;
    let commented = false;
    for (;;) {
      const item = this.seqItem(indent, dash);
      // An empty item after a comment line of the sequence: yaml's range for it (and the sequence) takes in the line
      // break after it, or not, by rules left to the general parser.
      if (commented && item.range![0] === item.range![1]) outside();
      seq.items.push(item);
      end = item.range![2];
      this.at = this.lineAfter(end);
      commented ||= this.linesBetween(this.at).comments;
      const next = this.nextContentLine();
      if (next === undefined) break;
      const nextIndent = this.indentOf(next);
      if (nextIndent < indent) break;
      if (nextIndent > indent || !this.isSeqItem(next + nextIndent)) {
        // A mapping's key at the dashes' column ends a sequence that is that mapping's value.
        if (nextIndent === indent && !this.isSeqItem(next + nextIndent)) break;
        outside();
      }
      dash = next + nextIndent;
    }
    seq.range = [start, end, this.collectionEnd(indent, end)];
    this.depth--;
    return seq;
  }

  /**
   * Where a collection at column `indent` whose last entry ends at `end` ends: the blank and comment lines after
   * it, up to what comes next, are its own when one of those comments is indented as deep as its entries (and it is
   * not at column 0); otherwise they are its parent's.
   */
  private collectionEnd(indent: number, end: number): number {
    const after = this.linesBetween(end);
    return indent > 0 && after.deepestComment >= indent ? after.end : end;
  }

  private seqItem(indent: number, dash: number): Node {
    let at = dash + 1;
    while (this.text.charCodeAt(at) === SPACE) at++;
    const c = this.text.charCodeAt(at);
    if (at >= this.text.length || c === NEWLINE || c === HASH) return this.blockValue(indent, dash + 1, at, true);
    if (this.isSeqItem(at)) outside();
    const lineStart = dash - indent;
    if (this.keyEnd(at, this.lineEnd(at)) !== undefined) return this.map(at - lineStart, lineStart, at);
    return this.inlineValue(at, indent);
  }

  private pair(indent: number, keyStart: number): Pair {
    const lineEnd = this.lineEnd(keyStart);
    const colon = this.keyEnd(keyStart, lineEnd);
    if (colon === undefined || colon - keyStart > 1024) return outside();
    const key = this.scalarAt(keyStart, colon, true);
    if (key.source === '<<') outside();
    key.range = [keyStart, colon, colon];
    let at = colon + 1;
    while (this.text.charCodeAt(at) === SPACE) at++;
    const c = this.text.charCodeAt(at);
    const value = at >= lineEnd || c === HASH ? this.blockValue(indent, colon + 1, at, false) : this.inlineValue(at, indent);
    return new Pair(key, value);
  }

  /** The end of the key a line's content starts with (the position of its `:`), or undefined when it starts none. */
  private keyEnd(start: number, lineEnd: number): number | undefined {
    const c = this.text.charCodeAt(start);
    let colon: number;
    if (c === 34 /* " */ || c === 39 /* ' */) {
      colon = this.quotedEnd(start, lineEnd);
    } else {
      if (!this.plainStartsAt(start)) return undefined;
      colon = start;
      for (;;) {
        colon = this.colonBefore(colon + 1, lineEnd);
        if (colon < 0) return undefined;
        const after = this.text.charCodeAt(colon + 1);
        if (after === SPACE || colon + 1 === lineEnd) break;
      }
      if (this.commentStart(start, colon) < colon) return undefined;
      if (this.text.charCodeAt(colon - 1) === SPACE) outside();
    }
    if (this.text.charCodeAt(colon) !== 58 /* : */) return undefined;
    const after = this.text.charCodeAt(colon + 1);
    return after === SPACE || colon + 1 === lineEnd ? colon : undefined;
  }

  /**
   * What follows `key:` or `-` when the rest of the line is empty or a comment: a collection on the lines below, or
   * an empty (null) scalar. `indent` is the key's or the dash's column.
   */
  private blockValue(indent: number, afterIndicator: number, emptyAt: number, inSeq: boolean): Node {
    this.at = this.afterLine(afterIndicator);
    const next = this.nextContentLine();
    if (next !== undefined) {
      const nextIndent = this.indentOf(next);
      const isSeq = this.isSeqItem(next + nextIndent);
      if (nextIndent > indent) return isSeq ? this.seq(nextIndent, next) : this.map(nextIndent, next);
      // A sequence may be a mapping's value at the key's own column.
      if (nextIndent === indent && isSeq && !inSeq) return this.seq(nextIndent, next);
    }
    // Comments around an empty value are spread between it and what follows in ways left to the general parser.
    // So are the blank lines after one that ends the document.
    const after = this.linesBetween(this.afterLine(emptyAt));
    if (this.text.charCodeAt(emptyAt) === HASH || after.comments || after.end === this.text.length) outside();
    const empty = this.resolvePlain('', emptyAt, emptyAt);
    return empty;
  }

  /** A value on the line of its key or dash: a scalar or a flow sequence. Nothing may continue it on later lines. */
  private inlineValue(at: number, indent: number): Node {
    if (this.text.charCodeAt(at) === 124 /* | */) return this.literal(at, indent);
    const lineEnd = this.lineEnd(at);
    const node = this.isFlowStart(at) ? this.flowCollection(at, lineEnd) : this.scalarValue(at, lineEnd);
    const valueEnd = node.range![1];
    let rest = valueEnd;
    while (this.text.charCodeAt(rest) === SPACE) rest++;
    if (rest < lineEnd && (this.text.charCodeAt(rest) !== HASH || rest === valueEnd)) outside();
    const end = this.scalarEnd(indent, this.afterLine(at));
    node.range = [node.range![0], valueEnd, end];
    this.at = end;
    const next = this.nextLineIndentedPast(indent);
    if (next) outside();
    return node;
  }
}
