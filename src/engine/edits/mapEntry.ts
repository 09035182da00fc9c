// Adding an entry to a mapping of a workflow file as a text edit that keeps everything around it: comments,
// blank lines, the style of the mapping (block or flow) and its indentation.
import { isMap, type YAMLMap } from 'yaml';
import type { TextEdit } from '../diagnostics';
import { locate, type ParsedDocument, type PathSegment } from '../validation/document';

/** A value as YAML text: a scalar already written as YAML, or a mapping of such scalars. */
export type EntryValue = string | Readonly<Record<string, string>>;

/** A string as a double-quoted YAML scalar, which is safe in block and flow mappings alike. */
export function yamlQuoted(text: string): string {
  return JSON.stringify(text);
}

/**
 * The edit that adds `key: value` to the mapping at `path`: at its end, or in a block mapping before the entry
 * `before` when it has one. Undefined when there is no mapping there.
 */
export function addMapEntry(parsed: ParsedDocument, path: readonly PathSegment[], key: string, value: EntryValue, before?: string): TextEdit | undefined {
  const at = locate(parsed, path);
  if (!at.exact || !isMap(at.node) || !at.node.range) return undefined;
  const map: YAMLMap = at.node;
  return map.flow ? addToFlowMap(parsed.text, map, key, value) : addToBlockMap(parsed, map, key, value, before);
}

function flowText(value: EntryValue): string {
  if (typeof value === 'string') return value;
  return `{ ${Object.entries(value)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ')} }`;
}

function addToFlowMap(text: string, map: YAMLMap, key: string, value: EntryValue): TextEdit | undefined {
  const close = text.lastIndexOf('}', map.range![1] - 1);
  if (close < map.range![0]) return undefined;
  const inside = text.slice(map.range![0] + 1, close);
  let at = close;
  while (at > map.range![0] + 1 && /\s/.test(text[at - 1])) at--;
  const entry = `${key}: ${flowText(value)}`;
  return { span: { start: at, end: at }, newText: inside.trim() === '' ? ` ${entry} ` : `, ${entry}` };
}

function addToBlockMap(parsed: ParsedDocument, map: YAMLMap, key: string, value: EntryValue, before?: string): TextEdit | undefined {
  const { text, lines } = parsed;
  const first = map.items[0]?.key as { range?: [number, number, number] } | undefined;
  if (!first?.range) return undefined;
  const firstLine = lines.position(first.range[0]).line;
  const indent = ' '.repeat(first.range[0] - lines.lineStart(firstLine));
  const entry =
    typeof value === 'string'
      ? `${indent}${key}: ${value}`
      : [`${indent}${key}:`, ...Object.entries(value).map(([k, v]) => `${indent}  ${k}: ${v}`)].join('\n');
  const next =
    before === undefined ? undefined : (map.items.find((p) => (p.key as { value?: unknown })?.value === before)?.key as { range?: number[] } | undefined);
  if (next?.range) {
    const lineStart = lines.lineStart(lines.position(next.range[0]).line);
    if (text.slice(lineStart, next.range[0]).trim() === '') return { span: { start: lineStart, end: lineStart }, newText: `${entry}\n` };
  }
  const end = map.range![1];
  return text[end - 1] === '\n' ? { span: { start: end, end }, newText: `${entry}\n` } : { span: { start: end, end }, newText: `\n${entry}` };
}
