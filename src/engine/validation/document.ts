import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node as YamlNode, type Pair } from 'yaml';
import { findRecursiveAliases, oversizedAlias, targetsOf, type OversizedAlias } from './aliases';
import type { Span } from '../diagnostics';
import { LineIndex } from '../lineIndex';
import { parseWorkflowYaml } from './blockYaml';

export type PathSegment = string | number;

/** A workflow file parsed once; the schema and semantic checks, and every lookup of a position, share it. */
export interface ParsedDocument {
  text: string;
  doc: Document.Parsed;
  lines: LineIndex;
  /** The document as plain data (aliases and merge keys resolved), always acyclic and of bounded depth. */
  value: unknown;
  /** Aliases that refer to a node containing them: the data there is cut off. */
  recursiveAliases: Span[];
  /** Set when the aliases expand to more data than a workflow holds: `value` is then undefined, and nothing is checked. */
  oversizedAlias?: OversizedAlias;
  /** Where a key repeats one written before it in the same mapping: the offset of the repeated key. */
  duplicateKeys: number[];
  /** Where a key is `__proto__`, which plain data cannot hold as a key: its offset. Left out of `value`. */
  reservedKeys: number[];
}

/** Deeper data than any workflow needs is cut off, so that checks recursing over it stay within the stack. */
const MAX_DEPTH = 64;

export function parseWorkflowText(text: string): ParsedDocument {
  // Duplicate keys are found by keyProblemsOf, in one pass: the parser's own check compares each key with every
  // key before it, which costs a fifth of the parse on a 1,000-node file.
  const doc = parseWorkflowYaml(text);
  const recursiveAliases = findRecursiveAliases(doc, text);
  const { duplicateKeys, reservedKeys } = keyProblemsOf(doc);
  let oversized: OversizedAlias | undefined;
  // Aliases are bounded by what they expand to, not by how often they are used; in a document too deep to count
  // that, by yaml's own bound on their uses.
  let maxAliasCount = -1;
  try {
    oversized = oversizedAlias(doc, text);
  } catch {
    maxAliasCount = 1000;
  }
  if (oversized) return { text, doc, lines: new LineIndex(text), value: undefined, recursiveAliases, oversizedAlias: oversized, duplicateKeys, reservedKeys };
  let value: unknown;
  try {
    value = acyclic(doc.toJS({ maxAliasCount }), new Set(), 0);
  } catch {
    // Nesting too deep to convert (or, there, aliases used too often): the schema check reports the document as it stands.
    value = undefined;
  }
  return { text, doc, lines: new LineIndex(text), value, recursiveAliases, duplicateKeys, reservedKeys };
}

/** The key JavaScript's objects treat as their prototype: data with it would lose it, or worse. */
export const RESERVED_KEY = '__proto__';

export const RESERVED_KEY_MESSAGE = "'__proto__' cannot be a key: JavaScript gives the name a meaning of its own, and the key would be lost";

/**
 * A mapping key as the data names it: `1` and `"1"`, `true` and `"true"` alike (YAML tells them apart, the keys of
 * the data it becomes cannot), a null key (`~`, or none written) as ''.
 */
function keyName(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return value === null || value === undefined ? '' : (JSON.stringify(value) ?? '');
}

/**
 * Keys written twice in one mapping: scalar keys the data names alike (see keyName), the later of which replaces the
 * earlier; merge keys (`<<`) may repeat. Offsets of the second (and later) keys, in document order. And, in the same
 * pass, the offsets of the keys named `__proto__`.
 */
export function keyProblemsOf(doc: Document.Parsed): { duplicateKeys: number[]; reservedKeys: number[] } {
  const found: number[] = [];
  const reserved: number[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const node = stack.pop();
    if (isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) stack.push(node.items[i]);
    } else if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key) && key.value !== '<<') {
          const id = keyName(key.value);
          if (seen.has(id) && key.range) found.push(key.range[0]);
          if (id === RESERVED_KEY && key.range) reserved.push(key.range[0]);
          seen.add(id);
        } else if (isMap(key) || isSeq(key)) stack.push(key);
        if (isMap(pair.value) || isSeq(pair.value)) stack.push(pair.value);
      }
    }
  }
  return { duplicateKeys: found.sort((a, b) => a - b), reservedKeys: reserved.sort((a, b) => a - b) };
}

/** `acyclic` for data found at `depth` in the document. */
export const acyclicValue = (value: unknown, depth: number): unknown => acyclic(value, new Set(), depth);

/**
 * A copy in which a reference to an enclosing object (a recursive alias) or anything too deep becomes null. An
 * object reached more than once (an alias: `toJS` shares the aliased value) is copied once and shared, so that an
 * anchor aliased a thousand times costs what the anchor costs.
 */
function acyclic(value: unknown, ancestors: Set<object>, depth: number, copies = new Map<object, unknown>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (ancestors.has(value) || depth > MAX_DEPTH) return null;
  const done = copies.get(value);
  if (done !== undefined) return done;
  ancestors.add(value);
  let copy: unknown;
  if (Array.isArray(value)) copy = value.map((v) => acyclic(v, ancestors, depth + 1, copies));
  else {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== RESERVED_KEY) out[k] = acyclic(v, ancestors, depth + 1, copies);
    copy = out;
  }
  ancestors.delete(value);
  copies.set(value, copy);
  return copy;
}

/** Where a path of the data sits in the text. */
export interface Located {
  /** Span of the mapping key, for a path that ends at a map entry. */
  keySpan?: Span;
  /** Span of the value; for an absent or empty value, the key. */
  valueSpan: Span;
  node?: YamlNode | null;
  /** False when the path could only be followed part of the way (the spans are the deepest found). */
  exact: boolean;
}

const spanOfNode = (n: { range?: [number, number, number] | null } | null | undefined): Span | undefined =>
  n?.range ? { start: n.range[0], end: n.range[1] } : undefined;

function resolve(doc: Document.Parsed, node: unknown): unknown {
  let n = node;
  for (let i = 0; i < 16 && isAlias(n); i++) n = targetsOf(doc).get(n);
  return n;
}

/** Each mapping's scalar keys, indexed on first lookup: a file with thousands of keys is looked into thousands of times. */
const keyIndexes = new WeakMap<object, Map<string, Pair>>();

function keyIndex(map: { items: unknown[] }): Map<string, Pair> {
  let index = keyIndexes.get(map);
  if (!index) {
    index = new Map();
    // The last one wins, as in the data.
    for (const item of map.items) if (isPair(item) && isScalar(item.key)) index.set(keyName(item.key.value), item);
    keyIndexes.set(map, index);
  }
  return index;
}

function findPair(doc: Document.Parsed, map: unknown, seg: string, depth = 0): Pair | undefined {
  if (!isMap(map) || depth > 8) return undefined;
  const found = keyIndex(map).get(seg);
  if (found) return found;
  // Merge keys (`<<: *base`) bring entries from elsewhere: look there.
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && item.key.value === '<<') {
      const source = resolve(doc, item.value);
      const sources = isSeq(source) ? source.items.map((s) => resolve(doc, s)) : [source];
      for (const s of sources) {
        const p = findPair(doc, s, seg, depth + 1);
        if (p) return p;
      }
    }
  }
  return undefined;
}

/** Finds the spans of a data path (as ajv's instancePath gives it) in the document. */
export function locate(parsed: ParsedDocument, path: readonly PathSegment[]): Located {
  const { doc } = parsed;
  const rootSpan: Span = { start: 0, end: parsed.lines.lineEnd(1) };
  let node: unknown = resolve(doc, doc.contents);
  let keySpan: Span | undefined;
  let valueSpan: Span = spanOfNode(node as YamlNode) ?? rootSpan;
  if (path.length === 0) return { valueSpan: rootSpan, node: node as YamlNode, exact: true };
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isMap(node)) {
      const pair = findPair(doc, node, String(seg));
      if (!pair) return { keySpan, valueSpan: keySpan ?? valueSpan, node: node, exact: false };
      keySpan = spanOfNode(pair.key as YamlNode) ?? keySpan;
      const value = pair.value as YamlNode | null;
      const vs = spanOfNode(value);
      valueSpan = vs && vs.end > vs.start ? vs : (keySpan ?? valueSpan);
      node = resolve(doc, value);
    } else if ((isSeq(node) && typeof seg === 'number') || (isSeq(node) && /^\d+$/.test(String(seg)))) {
      const item = (node as { items: unknown[] }).items[Number(seg)];
      if (item === undefined) return { keySpan, valueSpan, node: node, exact: false };
      keySpan = undefined;
      valueSpan = spanOfNode(item) ?? valueSpan;
      node = resolve(doc, item);
    } else {
      return { keySpan, valueSpan: keySpan ?? valueSpan, node: node as YamlNode, exact: false };
    }
  }
  return { keySpan, valueSpan, node: node as YamlNode, exact: true };
}

/** The span to point at for a problem with a whole object: its key, or line 1 for the root. */
export function objectSpan(parsed: ParsedDocument, path: readonly PathSegment[]): Span {
  if (path.length === 0) return { start: 0, end: Math.max(parsed.lines.lineEnd(1), Math.min(1, parsed.text.length)) };
  const at = locate(parsed, path);
  return at.keySpan ?? at.valueSpan;
}

/**
 * Decodes an ajv instancePath (`/nodes/build/needs/0`) into segments; given the data it points into, a segment that
 * indexes a list is a number (the pointer cannot tell `0` of a list from a key `'0'`).
 */
export function pointerToPath(pointer: string, data?: unknown): PathSegment[] {
  if (pointer === '') return [];
  let at = data;
  return pointer
    .slice(1)
    .split('/')
    .map((s) => {
      const key = s.replace(/~1/g, '/').replace(/~0/g, '~');
      const segment = Array.isArray(at) && /^\d+$/.test(key) ? Number(key) : key;
      at = at !== null && typeof at === 'object' && Object.hasOwn(at, key) ? (at as Record<string, unknown>)[key] : undefined;
      return segment;
    });
}
