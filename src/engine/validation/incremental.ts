// Validation after an edit inside one node's block: that block is parsed again and put in place of the node's old
// value, the rest of the parsed document kept (its positions moved by the edit), then the checks run as on a full
// validation. What it cannot vouch for is validated whole: an edit across blocks or outside `nodes`, on a node's
// key line, a block that leaves its indentation, anchors, aliases, tags or merge keys, keys written twice, documents
// with syntax problems. The result equals a full validation's (a property test applies random edit sequences to both).
import { isAlias, isMap, isPair, isScalar, isSeq, visit, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml';
import { LineIndex } from '../lineIndex';
import { parseWorkflowYaml } from './blockYaml';
import { acyclicValue, keyProblemsOf, RESERVED_KEY, type ParsedDocument } from './document';
import { checkParsed, validateWorkflow, type ValidateOptions, type ValidationResult } from './validate';

/** The text that changed: `[start, oldEnd)` of the text before became `[start, newEnd)` of the text after. */
export interface TextChange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** Where two texts differ, by their common start and end; undefined when they are equal. */
export function changeBetween(before: string, after: string): TextChange | undefined {
  if (before === after) return undefined;
  const most = Math.min(before.length, after.length);
  let start = 0;
  while (start < most && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < most - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { start, oldEnd: before.length - tail, newEnd: after.length - tail };
}

/** Validates `text`, from the previous validation when the edit allows (see above); the previous result is not to be used after. */
export function revalidate(
  previous: ValidationResult | undefined,
  text: string,
  options: ValidateOptions = {},
): { result: ValidationResult; incremental: boolean } {
  if (!previous) return { result: validateWorkflow(text, options), incremental: false };
  const change = changeBetween(previous.parsed.text, text);
  if (!change) return { result: previous, incremental: true };
  const parsed = reparsed(previous.parsed, text, change);
  return parsed ? { result: checkParsed(parsed, options), incremental: true } : { result: validateWorkflow(text, options), incremental: false };
}

/** Nothing whose meaning depends on the rest of the document: anchors, aliases, tags, merge keys. */
function selfContained(node: unknown): boolean {
  let ok = true;
  visit(node as YamlNode, {
    Node(_, n) {
      if (isAlias(n) || (n as { anchor?: string }).anchor || (n as { tag?: string }).tag) return ((ok = false), visit.BREAK);
      return undefined;
    },
    Pair(_, p) {
      // A merge key (`<<`), whatever form the parser gives it.
      if (isScalar(p.key) && (typeof p.key.value === 'symbol' || p.key.value === '<<' || p.key.source === '<<')) return ((ok = false), visit.BREAK);
      return undefined;
    },
  });
  return ok;
}

const documentChecked = new WeakMap<object, boolean>();

/** A previous document the edit can build on: no syntax problems, self-contained, `nodes` a block mapping. */
function usable(parsed: ParsedDocument): YAMLMap | undefined {
  const { doc } = parsed;
  // A key written twice: the data holds the last one, and the block edited may be the other.
  if (
    doc.errors.length ||
    doc.warnings.length ||
    parsed.recursiveAliases.length ||
    parsed.duplicateKeys.length ||
    parsed.reservedKeys.length ||
    !isMap(doc.contents)
  )
    return undefined;
  let ok = documentChecked.get(doc);
  // Without '&', '*', '!' or '<<' in the text there is no anchor, alias, tag or merge key to look for.
  if (ok === undefined) documentChecked.set(doc, (ok = !/[&*!]|<</.test(parsed.text) || selfContained(doc.contents)));
  if (!ok) return undefined;
  const nodes = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === 'nodes')?.value;
  return isMap(nodes) && !nodes.flow ? nodes : undefined;
}

/** The parsed document after the change, or undefined when the change is not one the previous parse can take. */
function reparsed(before: ParsedDocument, text: string, change: TextChange): ParsedDocument | undefined {
  const nodes = usable(before);
  const data = before.value as { nodes?: unknown } | null | undefined;
  if (!nodes || typeof data?.nodes !== 'object' || data.nodes === null) return undefined;
  const block = blockOf(before, nodes, change);
  if (!block) return undefined;
  const delta = change.newEnd - change.oldEnd;
  const blockText = text.slice(block.start, block.end + delta);
  if (!staysInBlock(blockText, block.indent) || blockText.includes(RESERVED_KEY)) return undefined;
  const parsedBlock = parseWorkflowYaml(blockText);
  const root = parsedBlock.contents;
  if (parsedBlock.errors.length || parsedBlock.warnings.length || !isMap(root) || root.items.length !== 1) return undefined;
  const pair = root.items[0];
  const old = block.pair;
  if (!isScalar(pair.key) || !isScalar(old.key) || pair.key.value !== old.key.value || !selfContained(root)) return undefined;
  if (isScalar(pair.value) && pair.value.value === null) return undefined;
  // Comment and blank lines after the block's last line may belong to a node in it, which then ends where the next
  // block's key starts: a position that parsing the block alone cannot know.
  if (reachesPast(pair.value, lastContentEnd(blockText))) return undefined;
  let nodeValue: unknown;
  try {
    nodeValue = (pair.value as YamlNode).toJS(parsedBlock);
  } catch {
    return undefined;
  }
  // The rest moves with the text; the block's own positions start where the block does.
  shiftAfter(before.doc.contents, change.oldEnd, delta);
  shiftAfter(pair.value, 0, block.start);
  old.value = pair.value;
  return {
    text,
    doc: before.doc,
    lines: new LineIndex(text),
    // At the depth a node's value has in the document (the root, `nodes`, the node).
    value: withNode(before.value, String(old.key.value), acyclicValue(nodeValue, 2)),
    recursiveAliases: [],
    ...keyProblemsOf(before.doc),
  };
}

interface Block {
  pair: Pair;
  /** From the start of the key's line to the start of the next node's key line (or of what follows `nodes`). */
  start: number;
  end: number;
  /** The key's column. */
  indent: number;
}

/** The node block the change falls in, after its key line; undefined when it is not in one. */
function blockOf(parsed: ParsedDocument, nodes: YAMLMap, change: TextChange): Block | undefined {
  const { lines, text, doc } = parsed;
  const items = nodes.items;
  const root = doc.contents as YAMLMap;
  const after = root.items[root.items.findIndex((p) => p.value === nodes) + 1];
  for (let i = 0; i < items.length; i++) {
    const key = items[i].key as YamlNode | null;
    const start = keyLineStart(parsed, key);
    if (start === undefined) return undefined;
    const keyLine = lines.position(key!.range![0]).line;
    const nextKey = (i + 1 < items.length ? items[i + 1].key : after?.key) as YamlNode | null | undefined;
    const end = nextKey !== undefined ? keyLineStart(parsed, nextKey) : text.length;
    if (end === undefined) return undefined;
    const bodyStart = lines.lineEnd(keyLine) + 1;
    if (change.start >= bodyStart && change.oldEnd < end) return { pair: items[i], start, end, indent: key!.range![0] - start };
    if (change.start < end) return undefined;
  }
  return undefined;
}

/**
 * Where the line of a key starts, when the key is written first on it: an empty key (`: x`) is placed by the parser
 * at the end of the line before, which would put that line in the wrong block.
 */
function keyLineStart({ lines, text }: ParsedDocument, key: YamlNode | null): number | undefined {
  if (!key?.range || key.range[1] <= key.range[0]) return undefined;
  const start = lines.lineStart(lines.position(key.range[0]).line);
  return /^ *$/.test(text.slice(start, key.range[0])) ? start : undefined;
}

/** Every line after the key's is blank, a comment, or indented past the key; no tabs, no document markers. */
function staysInBlock(blockText: string, indent: number): boolean {
  const lines = blockText.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (/^[ ]*\t/.test(line) || /^(---|\.\.\.)(\s|$)/.test(line)) return false;
    const content = line.trimStart();
    if (content === '' || content.startsWith('#')) continue;
    if (line.length - content.length <= indent) return false;
  }
  return true;
}

type Ranged = { range?: [number, number, number] | null };

/** Where the last line of the text that is neither blank nor a comment ends (after its line break). */
function lastContentEnd(text: string): number {
  let end = 0;
  let start = 0;
  for (const line of text.split('\n')) {
    const content = line.trim();
    const next = Math.min(text.length, start + line.length + 1);
    if (content !== '' && !content.startsWith('#')) end = next;
    start = next;
  }
  return end;
}

/**
 * Visits each node under `node` that has a position (pairs are gone through); `visit` says whether to enter its
 * items, or `'stop'` to end the walk.
 */
function walkRanged(node: unknown, visit: (n: Ranged, range: [number, number, number]) => boolean | 'stop'): void {
  const stack: unknown[] = [node];
  while (stack.length) {
    const n = stack.pop();
    if (!n || typeof n !== 'object') continue;
    if (isPair(n)) {
      stack.push(n.key, n.value);
      continue;
    }
    const r = (n as Ranged).range;
    const enter = r ? visit(n, r) : true;
    if (enter === 'stop') return;
    if (enter && (isMap(n) || isSeq(n))) for (const item of n.items) stack.push(item);
  }
}

/** Whether a node under `node` ends past `limit`. */
function reachesPast(node: unknown, limit: number): boolean {
  let past = false;
  walkRanged(node, (_, r) => (r[2] > limit ? ((past = true), 'stop') : true));
  return past;
}

/**
 * Positions at or past `from` move by `delta`, in the tree under `node`. A subtree that ends before `from` is not
 * entered (an edit in the middle of the file moves the half after it).
 */
function shiftAfter(node: unknown, from: number, delta: number): void {
  if (delta === 0) return;
  walkRanged(node, (n, r) => {
    if (r[2] < from) return false;
    n.range = [r[0] >= from ? r[0] + delta : r[0], r[1] >= from ? r[1] + delta : r[1], r[2] + delta];
    return true;
  });
}

/** The document's data with one node's value replaced, in its place. */
function withNode(value: unknown, id: string, nodeValue: unknown): unknown {
  const doc = value as Record<string, unknown>;
  return { ...doc, nodes: { ...(doc.nodes as Record<string, unknown>), [id]: nodeValue } };
}
