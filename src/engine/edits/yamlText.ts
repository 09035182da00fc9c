// Where things are in a workflow file's text, and how to write new YAML that fits in: the nodes mapping, a node's
// block of lines, the file's indentation, and values written as YAML at a given depth.
import { isMap, isPair, isScalar, isSeq, parse, stringify, type Pair, type YAMLMap } from 'yaml';
import type { ParsedDocument } from '../validation/document';

import type { FieldValue } from './action';

export type { FieldValue };

type Ranged = { range?: [number, number, number] | null };

export const lineStart = (text: string, offset: number): number => text.lastIndexOf('\n', offset - 1) + 1;

/** The end of the line holding `offset`, after its line break (or the end of the text). */
export function lineEndAfter(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

export const columnOf = (text: string, offset: number): number => offset - lineStart(text, offset);

/** The `nodes` pair of the document, if any. */
export function nodesPair(parsed: ParsedDocument): Pair | undefined {
  const root = parsed.doc.contents;
  if (!isMap(root)) return undefined;
  return root.items.find((p) => isScalar(p.key) && p.key.value === 'nodes');
}

/** The nodes mapping, when `nodes` holds one. */
export function nodesMap(parsed: ParsedDocument): YAMLMap | undefined {
  const value = nodesPair(parsed)?.value;
  return isMap(value) ? value : undefined;
}

/** A node's pair in the nodes mapping, as written there (merge keys aside). */
export function nodePair(parsed: ParsedDocument, id: string): Pair | undefined {
  return nodesMap(parsed)?.items.find((p) => isScalar(p.key) && String(p.key.value) === id);
}

/** A key's pair in a mapping. */
export const pairIn = (map: YAMLMap, key: string): Pair | undefined => map.items.find((p) => isScalar(p.key) && p.key.value === key);

/** A key's pair in a node's mapping. */
export function fieldPair(node: Pair, key: string): Pair | undefined {
  return isMap(node.value) ? pairIn(node.value, key) : undefined;
}

export const rangeOf = (n: unknown): [number, number, number] | undefined => (n as Ranged | null)?.range ?? undefined;

/**
 * The lines of a node: from the start of its key's line to the end of its value, with the comments indented
 * deeper than its key that follow it (blank lines before them too). With `leadingComments`, the comment lines right
 * above the key at its indentation (which describe it) are part of it too.
 */
export function nodeBlock(text: string, pair: Pair, leadingComments = false): { start: number; end: number } {
  const key = rangeOf(pair.key)!;
  const keyLine = lineStart(text, key[0]);
  let start = text.slice(keyLine, key[0]).trim() === '' ? keyLine : key[0];
  if (leadingComments && start === keyLine) {
    const prefix = text.slice(keyLine, key[0]);
    while (start > 0) {
      const above = lineStart(text, start - 1);
      const line = text.slice(above, start - 1);
      if (!line.startsWith(`${prefix}#`)) break;
      start = above;
    }
  }
  const valueEnd = rangeOf(pair.value)?.[1] ?? key[1];
  let end = text[valueEnd - 1] === '\n' ? valueEnd : lineEndAfter(text, valueEnd);
  const keyColumn = key[0] - keyLine;
  for (let at = end; at < text.length;) {
    const next = lineEndAfter(text, at);
    const line = text.slice(at, next).replace(/\r?\n$/, '');
    const body = line.trimStart();
    if (body === '') {
      at = next;
      continue;
    }
    if (!body.startsWith('#') || line.length - body.length <= keyColumn) break;
    end = next;
    at = next;
  }
  return { start, end };
}

/** The indentation one level adds in this file (2 unless its nodes say otherwise). */
export function indentUnit(parsed: ParsedDocument): number {
  const { text } = parsed;
  for (const node of nodesMap(parsed)?.items ?? []) {
    const key = rangeOf(node.key);
    const inner = isMap(node.value) && !node.value.flow ? rangeOf(node.value.items[0]?.key) : undefined;
    if (key && inner) {
      const unit = columnOf(text, inner[0]) - columnOf(text, key[0]);
      if (unit > 0 && unit <= 8) return unit;
    }
  }
  const nodes = rangeOf(nodesPair(parsed)?.key);
  const first = rangeOf(nodesMap(parsed)?.items[0]?.key);
  if (nodes && first && !nodesMap(parsed)?.flow) {
    const unit = columnOf(text, first[0]) - columnOf(text, nodes[0]);
    if (unit > 0 && unit <= 8) return unit;
  }
  return 2;
}

/** The column node keys start at: as the file has them, else one unit in. */
export function nodeKeyColumn(parsed: ParsedDocument): number {
  const first = rangeOf(nodesMap(parsed)?.items[0]?.key);
  return first ? columnOf(parsed.text, first[0]) : indentUnit(parsed);
}

type ScalarValue = string | number | boolean | null;
const isScalarValue = (v: FieldValue): v is ScalarValue => v === null || typeof v !== 'object';

/** A number as YAML reads it back: `String` would write Infinity and NaN as words, which YAML reads as strings, and -0 as 0. */
const numberYaml = (n: number): string => (Object.is(n, -0) ? '-0' : Number.isFinite(n) ? String(n) : Number.isNaN(n) ? '.nan' : n > 0 ? '.inf' : '-.inf');

/** A scalar that is not a string, as YAML. */
const nonStringYaml = (value: number | boolean | null): string => (typeof value === 'number' ? numberYaml(value) : String(value));

/**
 * A value as YAML to follow `key:` on a line indented by `keyColumn`: scalars on the key's line (a string of several
 * lines as a literal block), lists of scalars in flow style, mappings and other lists as blocks one `unit` deeper.
 */
export function valueYaml(value: FieldValue, keyColumn: number, unit: number): string {
  if (isScalarValue(value)) return scalarYaml(value, keyColumn, unit);
  const pad = ' '.repeat(keyColumn + unit);
  if (Array.isArray(value)) {
    if (value.every(isScalarValue)) return flowValue(value);
    return value.map((v) => `\n${pad}-${listItem(v, keyColumn + unit, unit)}`).join('');
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  // A key on one line: never a block scalar, which cannot be a key.
  return entries.map(([k, v]) => `\n${pad}${flowValue(k)}:${afterKey(v, keyColumn + unit, unit)}`).join('');
}

/** What follows a list's `-` at `dashColumn`: a mapping starts on the dash's line (`- os: linux`), its other keys under its first. */
function listItem(value: FieldValue, dashColumn: number, unit: number): string {
  const isMapping = typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0;
  if (!isMapping) return afterKey(value, dashColumn + 2, unit);
  // Its entries one unit deeper than a key at this column: at the dash's column + 2.
  const block = valueYaml(value, dashColumn + 2 - unit, unit);
  return ` ${block.slice(1 + dashColumn + 2)}`;
}

/** A word YAML reads back as the same string (`true`, `1.0` and `.inf` it does not; some it refuses to read). */
function readsBackPlain(word: string): boolean {
  try {
    return parse(word) === word;
  } catch {
    return false;
  }
}

/** A value as a flow collection takes it: strings quoted unless they read back the same as plain words. */
export function flowValue(value: FieldValue): string {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return nonStringYaml(value);
  if (typeof value === 'string')
    return /^[A-Za-z0-9_./][A-Za-z0-9_./@ -]*$/.test(value) && !value.endsWith(' ') && readsBackPlain(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(flowValue).join(', ')}]`;
  return `{ ${Object.entries(value)
    .map(([k, v]) => `${flowValue(k)}: ${flowValue(v)}`)
    .join(', ')} }`;
}

/** What follows `key:` (or `-`): a space and an inline value, or a block on the next lines. */
export function afterKey(value: FieldValue, keyColumn: number, unit: number): string {
  const yaml = valueYaml(value, keyColumn, unit);
  return yaml.startsWith('\n') ? yaml : ` ${yaml}`;
}

/** A scalar as YAML after `key: `: plain when that reads back the same, quoted otherwise, a literal block when multi-line. */
function scalarYaml(value: ScalarValue, keyColumn: number, unit: number): string {
  if (typeof value !== 'string') return nonStringYaml(value);
  // The library decides quoting and block headers; its block at depth 1 is indented by 2, moved to this depth.
  const written = stringify({ k: value }, { lineWidth: 0, indent: 2, blockQuote: 'literal' }).replace(/^k: ?/, '').replace(/\n$/, '');
  const [first, ...rest] = written.split('\n');
  if (rest.length === 0) return first;
  const header = first.replace(/\d/, String(unit));
  const pad = ' '.repeat(keyColumn + unit - 2);
  return [header, ...rest.map((l) => (l === '' ? '' : pad + l))].join('\n');
}

/** The items of a node's `needs` as written: a scalar, a flow list or a block list. */
export function needsStyle(pair: Pair | undefined): 'none' | 'scalar' | 'flow' | 'block' | 'other' {
  if (!pair) return 'none';
  if (isScalar(pair.value)) return pair.value.value === null ? 'other' : 'scalar';
  if (isSeq(pair.value)) return pair.value.flow ? 'flow' : 'block';
  return 'other';
}

export { isMap, isPair, isScalar, isSeq };
