// What a document's aliases refer to, and what they make of it: aliases inside the node they refer to (a recursive
// document), and how many values the data holds once every alias is expanded (an alias bomb: a few lines of anchors
// that stand for millions of values).
import { isAlias, isCollection, isPair, visit, type Alias, type Document, type Node as YamlNode } from 'yaml';
import type { Span } from '../diagnostics';

/**
 * More values than the data of any workflow holds with its aliases expanded. Nothing in the data is copied per alias
 * (see `acyclic`), but the checks walk it as a tree, and a walk of a billion values does not end.
 */
export const MAX_EXPANDED_VALUES = 1_000_000;

/**
 * What each alias of a document refers to, found in one walk: yaml's own `alias.resolve` walks the whole document
 * for every alias, which a file of a thousand aliases into a large anchor turns into minutes.
 */
const aliasTargets = new WeakMap<Document.Parsed, Map<Alias, YamlNode>>();

export function targetsOf(doc: Document.Parsed): Map<Alias, YamlNode> {
  let targets = aliasTargets.get(doc);
  if (targets) return targets;
  targets = new Map();
  const anchors = new Map<string, YamlNode>();
  visit(doc, {
    // Document order: an alias refers to the last node of that anchor before it (its own enclosing node, if recursive).
    Node(_, node) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target) targets.set(node, target);
      } else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  aliasTargets.set(doc, targets);
  return targets;
}

export function findRecursiveAliases(doc: Document.Parsed, text: string): Span[] {
  if (!text.includes('*')) return []; // no alias without '*': skip the walk on the common path
  const spans: Span[] = [];
  for (const [alias, target] of targetsOf(doc)) {
    const t = target.range;
    const a = alias.range;
    if (t && a && t[0] <= a[0] && a[1] <= t[2]) spans.push({ start: a[0], end: a[1] });
  }
  return spans.sort((x, y) => x.start - y.start);
}

/** What is wrong with a text that has an oversized alias: the start of the sentence that says what happens then. */
export const oversizedAliasMessage = ({ values }: OversizedAlias, alias: string): string =>
  `the alias '${alias}' stands for ${values.toLocaleString('en-US')} values, and with the others the file's aliases expand to more than ${MAX_EXPANDED_VALUES.toLocaleString('en-US')}: too much to read`;

/** An alias that, with the others, makes the data too big to read: where it is, and how many values it stands for. */
export interface OversizedAlias {
  span: Span;
  values: number;
}

/** What a document's data holds with its aliases expanded, and the alias that stands for the most of it (the first). */
export interface AliasExpansion {
  /** Values in the data (each scalar, mapping, list and key one value), every alias expanded. */
  values: number;
  /** Values written in the text (an alias one value). */
  written: number;
  biggest?: { alias: Alias; values: number };
}

/**
 * Counts the values of a document's data with its aliases expanded, each node once: what a node stands for is known
 * once it has been counted. A recursive alias counts as one value (it is cut off, and reported on its own).
 */
export function aliasExpansion(doc: Document.Parsed): AliasExpansion {
  const targets = targetsOf(doc);
  const sizes = new Map<unknown, number>();
  const counting = new Set<unknown>();
  const found: AliasExpansion = { values: 0, written: 0 };
  const sizeOf = (node: unknown): number => {
    if (node === null || typeof node !== 'object') return 0;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (counting.has(node)) return 1;
    counting.add(node);
    if (!isPair(node)) found.written++;
    let size = 1;
    if (isAlias(node)) {
      const target = targets.get(node);
      size = target ? sizeOf(target) : 1;
      if (!found.biggest || size > found.biggest.values) found.biggest = { alias: node, values: size };
    } else if (isPair(node)) size = sizeOf(node.key) + sizeOf(node.value);
    else if (isCollection(node)) for (const item of node.items) size += sizeOf(item);
    counting.delete(node);
    sizes.set(node, size);
    return size;
  };
  found.values = sizeOf(doc.contents);
  return found;
}

/**
 * The alias that stands for the most values (the first of them) when a document's aliases, expanded, add more than
 * `MAX_EXPANDED_VALUES` values to its data; undefined when they add fewer. Recursive: a document nested thousands
 * deep may overflow the stack (the caller decides what then).
 */
export function oversizedAlias(doc: Document.Parsed, text: string): OversizedAlias | undefined {
  // A '*' is most often a glob in a script: without an alias, nothing is counted.
  if (!text.includes('*') || targetsOf(doc).size === 0) return undefined;
  const { values, written, biggest } = aliasExpansion(doc);
  if (values - written <= MAX_EXPANDED_VALUES || !biggest?.alias.range) return undefined;
  return { span: { start: biggest.alias.range[0], end: biggest.alias.range[1] }, values: biggest.values };
}
