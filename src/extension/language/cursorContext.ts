// Where the cursor is in a workflow file, worked out from the lines above it rather than from the parse: while a
// user types, the YAML is often incomplete, and completion must still know where it is.

import { flowPlace, type FlowPlace } from './flowPlace';

export type CursorContext =
  /** `instanceOf`: an index after a node's output (`nodes.test.outputs.x['|`), where the node's instance ids go, from `start` to `end`. */
  | { kind: 'expression'; path: string[]; prefix: string; start: number; instanceOf?: string; end?: number }
  /** `flow`: a key of a flow mapping (`{ run: x, | }`), where a nested mapping is written `{ }` too. */
  | { kind: 'key'; path: string[]; prefix: string; start: number; siblings: string[]; flow?: boolean }
  | { kind: 'value'; path: string[]; key: string; prefix: string; start: number; inList: boolean }
  | { kind: 'none' };

const KEY_LINE = /^(\s*)(?:- +)?([A-Za-z_][\w-]*|"[^"]*"|'[^']*')\s*:(?:\s|$)/;

const indentOf = (line: string) => line.length - line.trimStart().length;
const unquote = (k: string) => (k.startsWith('"') || k.startsWith("'") ? k.slice(1, -1) : k);

/** Where a key line's key starts: after its indentation, and after the `- ` of a list item that opens a mapping. */
const keyColumn = (line: string, m: RegExpExecArray): number => line.indexOf(m[2], m[1].length);

/** The keys enclosing a line, outermost first, by indentation. */
function enclosingPath(lines: string[], lineIndex: number, indent: number): string[] {
  const path: string[] = [];
  let limit = indent;
  for (let i = lineIndex - 1; i >= 0 && limit > 0; i--) {
    const line = lines[i];
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const ind = indentOf(line);
    if (ind >= limit) continue;
    const m = KEY_LINE.exec(line);
    // `- os: a` above a line at the column of `os` opens the mapping that line is in: a sibling, not a parent.
    if (m && keyColumn(line, m) !== limit) path.unshift(unquote(m[2]));
    limit = ind;
  }
  return path;
}

/** Keys already written in the block the cursor is in (a list item's mapping from its `- key:` line on). */
function siblingKeys(lines: string[], lineIndex: number, indent: number): string[] {
  const keys: string[] = [];
  for (const step of [-1, 1]) {
    for (let i = lineIndex + step; i >= 0 && i < lines.length; i += step) {
      const line = lines[i];
      if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
      const ind = indentOf(line);
      const m = KEY_LINE.exec(line);
      const opensItem = m !== null && ind < indent && /^\s*- /.test(line) && keyColumn(line, m) === indent;
      if (opensItem && step < 0) keys.push(unquote(m[2]));
      if (ind < indent) break;
      if (ind > indent) continue;
      if (m) keys.push(unquote(m[2]));
    }
  }
  return keys;
}

const IDENT = /^[A-Za-z_][\w-]*$/;
const IDENT_START = /[A-Za-z_]/;

/**
 * The reference being typed at the end of an expression: `nodes.build.out`, `inputs.`, `matr`. Identifiers joined by
 * dots, the last one possibly empty or partly typed. Found by one scan back over the text, in time linear in it (a
 * regular expression for it backtracks, and took seconds on a long line).
 */
export function trailingReference(text: string): string {
  let start = text.length;
  while (start > 0 && /[\w.-]/.test(text[start - 1])) start--;
  const segments = text.slice(start).split('.');
  const last = segments.pop()!;
  const taken: string[] = [];
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i];
    if (IDENT.test(segment)) {
      taken.unshift(segment);
      continue;
    }
    // A segment that is not an identifier as a whole may end in one: `1a.b` ends in `a.b`.
    const from = segment.search(IDENT_START);
    if (from >= 0) taken.unshift(segment.slice(from));
    break;
  }
  if (taken.length > 0) return `${taken.join('.')}.${last}`;
  const from = last.search(IDENT_START);
  return from >= 0 ? last.slice(from) : '';
}

/** `nodes.<id>.outputs.<name>[` and what is typed of the index since: a quote and part of an instance id. */
const INSTANCE_INDEX = /nodes\.([A-Za-z_][\w-]*)\.outputs\.[A-Za-z_][\w-]*\[(?:'((?:[^']|'')*))?$/;

/**
 * In an expression whose text up to the cursor is `typed`: the reference being written, its last part replaced; or
 * an instance id being written as an index, with the quote the editor may have closed after the cursor (`after`).
 */
function expressionContext(path: string[], typed: string, offset: number, after = ''): CursorContext {
  const index = INSTANCE_INDEX.exec(typed);
  if (index) {
    const typedId = index[2] === undefined ? '' : `'${index[2]}`;
    const end = offset + (typedId && after.startsWith("'") ? 1 : 0);
    return { kind: 'expression', path, prefix: '', start: offset - typedId.length, instanceOf: index[1], end };
  }
  const word = trailingReference(typed);
  return { kind: 'expression', path, prefix: word, start: offset - (word.length - word.lastIndexOf('.') - 1) };
}

/** A place inside flow collections as a cursor context; `path`: the keys down to the line's own. */
function inFlow(path: string[], flow: FlowPlace, offset: number): CursorContext {
  const { keys, typed } = flow;
  if (flow.at === 'key') {
    if (!/^[\w-]*$/.test(typed)) return { kind: 'none' };
    const siblings = flow.siblings.filter((k) => k !== typed);
    return { kind: 'key', path: [...path, ...keys], prefix: typed, start: offset - typed.length, siblings, flow: true };
  }
  // A list written as the line's own value (`needs: [a, |`) is the line key's.
  const key = keys.at(-1) ?? path.at(-1)!;
  const outer = keys.length > 0 ? [...path, ...keys.slice(0, -1)] : path.slice(0, -1);
  if (flow.at === 'value' && key === 'if' && !/^['"]/.test(typed)) return expressionContext([...outer, 'if'], typed, offset);
  const prefix = /[\w-]*$/.exec(typed)?.[0] ?? '';
  return { kind: 'value', path: outer, key, prefix, start: offset - prefix.length, inList: flow.at === 'item' };
}

export function cursorContext(text: string, offset: number): CursorContext {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  const linePrefix = before.slice(lineStart);
  const lines = text.split('\n');
  const lineIndex = before.split('\n').length - 1;

  // Inside an unclosed ${{ on this line (or a block scalar line).
  const open = linePrefix.lastIndexOf('${{');
  if (open >= 0 && linePrefix.indexOf('}}', open) < 0) {
    const path = enclosingPath(lines, lineIndex, indentOf(linePrefix));
    const keyMatch = KEY_LINE.exec(linePrefix);
    if (keyMatch) path.push(unquote(keyMatch[2]));
    // An expression in a flow mapping's value: `build: { if: ${{ |`.
    const flow = keyMatch ? flowPlace(linePrefix.slice(keyMatch[0].length, open)) : undefined;
    if (flow?.at === 'value') path.push(...flow.keys);
    return expressionContext(path, linePrefix.slice(open + 3), offset, text.slice(offset, offset + 1));
  }
  // A bare condition: `if: <expression>`.
  const bareIf = /^(\s*)if:\s+(?!\$\{\{|['"|>])(.*)$/.exec(linePrefix);
  if (bareIf) {
    return expressionContext([...enclosingPath(lines, lineIndex, bareIf[1].length), 'if'], bareIf[2], offset);
  }
  // A value after `key:` on this line, possibly inside a flow list.
  const valueMatch = /^(\s*)(?:- +)?([A-Za-z_][\w-]*):\s+(.*)$/.exec(linePrefix);
  if (valueMatch) {
    const [, indent, key, rest] = valueMatch;
    if (rest.trimStart().startsWith('#')) return { kind: 'none' };
    const lineEnd = text.indexOf('\n', offset);
    const flow = flowPlace(rest, text.slice(offset, lineEnd < 0 ? undefined : lineEnd));
    if (flow) return inFlow([...enclosingPath(lines, lineIndex, indent.length), key], flow, offset);
    const inList = rest.trimStart().startsWith('[');
    const prefix = /[\w-]*$/.exec(rest)?.[0] ?? '';
    return { kind: 'value', path: enclosingPath(lines, lineIndex, indent.length), key, prefix, start: offset - prefix.length, inList };
  }
  // An item of a block list: `- value` under a key.
  const itemMatch = /^(\s*)- +([\w-]*)$/.exec(linePrefix);
  if (itemMatch) {
    // The list's key is above, at the item's indentation or less; earlier items of the same list are skipped.
    const indent = itemMatch[1].length;
    for (let i = lineIndex - 1; i >= 0; i--) {
      const line = lines[i];
      if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
      const ind = indentOf(line);
      if (ind === indent && /^\s*- /.test(line)) continue;
      if (ind > indent) continue;
      const m = KEY_LINE.exec(line);
      if (!m) break;
      return { kind: 'value', path: enclosingPath(lines, i, ind), key: unquote(m[2]), prefix: itemMatch[2], start: offset - itemMatch[2].length, inList: true };
    }
    return { kind: 'none' };
  }
  // A key being typed.
  const keyMatch = /^(\s*)([A-Za-z_][\w-]*)?$/.exec(linePrefix);
  if (keyMatch) {
    const indent = keyMatch[1].length;
    const prefix = keyMatch[2] ?? '';
    return {
      kind: 'key',
      path: enclosingPath(lines, lineIndex, indent),
      prefix,
      start: offset - prefix.length,
      siblings: siblingKeys(lines, lineIndex, indent).filter((k) => k !== prefix),
    };
  }
  return { kind: 'none' };
}
