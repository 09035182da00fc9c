// Adding, replacing and removing one `key: value` in a mapping, block or flow, as text edits that leave the rest of
// the file as it was.
import { isMap, type Pair, type YAMLMap } from 'yaml';
import type { TextEdit } from '../diagnostics';
import { afterKey, columnOf, flowValue, lineEndAfter, lineStart, pairIn, rangeOf, type FieldValue } from './yamlText';

/** Where a pair's value ends, without the line breaks and blanks a block value carries after it. */
function valueEnd(text: string, pair: Pair): number {
  const key = rangeOf(pair.key)!;
  let end = rangeOf(pair.value)?.[1] ?? key[1];
  while (end > key[1] && /\s/.test(text[end - 1])) end--;
  return end;
}

/** The offset just after the `:` that follows a key. */
function afterColon(text: string, pair: Pair): number {
  const key = rangeOf(pair.key)!;
  const colon = text.indexOf(':', key[1]);
  return colon < 0 ? key[1] : colon + 1;
}

/** The edit that gives a pair a new value, written in the mapping's style. */
export function replaceValue(text: string, map: YAMLMap, pair: Pair, value: FieldValue, unit: number): TextEdit {
  const start = afterColon(text, pair);
  const end = Math.max(start, valueEnd(text, pair));
  if (map.flow) return { span: { start, end }, newText: ` ${flowValue(value)}` };
  const keyColumn = columnOf(text, rangeOf(pair.key)![0]);
  const newText = afterKey(value, keyColumn, unit);
  // A comment on the key's line stays there: after the old value, or on the header of an old block scalar.
  const header = /^[ \t]*[|>][-+0-9]*([ \t]+#[^\r\n]*)/.exec(text.slice(start, end));
  const comment = header ? [header[1]] : /^[ \t]*#[^\r\n]*/.exec(text.slice(end));
  const commentEnd = header ? end : end + (comment?.[0].length ?? 0);
  const breakAt = newText.indexOf('\n');
  if (!comment) return { span: { start, end }, newText };
  if (breakAt < 0) return header ? { span: { start, end }, newText: `${newText}${comment[0]}` } : { span: { start, end }, newText };
  return { span: { start, end: commentEnd }, newText: `${newText.slice(0, breakAt)}${comment[0]}${newText.slice(breakAt)}` };
}

/** The edit that removes a pair: its lines in a block mapping; itself and a comma in a flow mapping. */
export function removePair(text: string, map: YAMLMap, pair: Pair): TextEdit {
  const key = rangeOf(pair.key)!;
  const end = valueEnd(text, pair);
  if (!map.flow) {
    const start = lineStart(text, key[0]);
    return { span: { start: text.slice(start, key[0]).trim() === '' ? start : key[0], end: lineEndAfter(text, end) }, newText: '' };
  }
  const after = /^\s*,\s*/.exec(text.slice(end));
  if (after) return { span: { start: key[0], end: end + after[0].length }, newText: '' };
  const before = /,\s*$/.exec(text.slice(rangeOf(map)![0], key[0]));
  return { span: { start: before ? key[0] - before[0].length : key[0], end }, newText: '' };
}

/**
 * The edit that adds `key: value` to a mapping: in a block mapping, a line at `before`'s place when given (that
 * pair's line), else after the last pair; in a flow mapping, before its closing brace (or after its opening one).
 */
export function addPair(text: string, map: YAMLMap, key: string, value: FieldValue, unit: number, options: { first?: boolean } = {}): TextEdit {
  const range = rangeOf(map)!;
  if (map.flow) {
    const entry = `${key}: ${flowValue(value)}`;
    if (options.first || map.items.length === 0) {
      const open = text.indexOf('{', range[0]);
      const empty = map.items.length === 0;
      return { span: { start: open + 1, end: open + 1 }, newText: empty ? ` ${entry} ` : ` ${entry},` };
    }
    const last = map.items[map.items.length - 1];
    const end = valueEnd(text, last);
    return { span: { start: end, end }, newText: `, ${entry}` };
  }
  const firstKey = rangeOf(map.items[0].key)!;
  const column = columnOf(text, firstKey[0]);
  const line = `${' '.repeat(column)}${key}:${afterKey(value, column, unit)}\n`;
  if (options.first) {
    const at = lineStart(text, firstKey[0]);
    return { span: { start: at, end: at }, newText: line };
  }
  const end = valueEnd(text, map.items[map.items.length - 1]);
  const at = lineEndAfter(text, end);
  return { span: { start: at, end: at }, newText: text[at - 1] === '\n' || at === 0 ? line : `\n${line.replace(/\n$/, '')}` };
}

/**
 * The edit that gives a count to a `retry` written as a mapping (`{ max: 2, backoff: exponential }`): its `max`,
 * the backoff and delay kept. Undefined when the retry is not such a mapping, or the value not a count.
 */
export function retryCountEdit(text: string, retry: Pair | undefined, value: FieldValue | undefined, unit: number): TextEdit | undefined {
  if (typeof value !== 'number' || !retry || !isMap(retry.value)) return undefined;
  const max = pairIn(retry.value, 'max');
  return max ? replaceValue(text, retry.value, max, value, unit) : undefined;
}
