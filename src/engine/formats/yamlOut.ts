import { Document, isMap, isScalar, isSeq, visit, type Node as YamlNode } from 'yaml';

/** A comment written on the line before a key: `path` leads from the root to the key. */
export interface KeyComment {
  path: string[];
  comment: string;
}

/** The comment text as the yaml library takes it: each line after its `#`. */
const commentLines = (text: string): string =>
  text
    .split('\n')
    .map((l) => (l ? ` ${l}` : ''))
    .join('\n');

/**
 * A value as YAML text, with a header comment and comments before keys. Long lines are never folded, so that
 * scripts and expressions stay exactly as they are.
 */
export function yamlText(value: unknown, options: { header?: string; comments?: KeyComment[] } = {}): string {
  const doc = new Document(value);
  // Short lists of plain values on one line, as people write them: `needs: [build, test]`.
  visit(doc, {
    Seq(_, seq) {
      if (isSeq(seq) && seq.items.length <= 8 && seq.items.every((i) => isScalar(i) && !String(i.value).includes('\n') && String(i.value).length < 40))
        seq.flow = true;
    },
  });
  if (options.header) doc.commentBefore = commentLines(options.header);
  for (const { path, comment } of options.comments ?? []) {
    const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
    if (!isMap(parent)) continue;
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1]);
    const key = pair?.key as YamlNode | undefined;
    if (key) key.commentBefore = key.commentBefore ? `${key.commentBefore}\n${commentLines(comment)}` : commentLines(comment);
  }
  return doc.toString({ lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false });
}
