/** The `::command` lines a node prints on stdout to report back, parsed. */
export type NodeCommand =
  | { kind: 'progress'; percent: number; message?: string }
  | { kind: 'quality'; score: number }
  | { kind: 'add-mask'; value: string }
  | { kind: 'annotation'; severity: 'warning' | 'error'; file?: string; line?: number; column?: number; message: string };

/** Parses one stdout line; undefined when it is ordinary output (a malformed command is ordinary output too). */
export function parseNodeCommand(line: string): NodeCommand | undefined {
  if (!line.startsWith('::')) return undefined;
  const progress = /^::progress\s+(\d+(?:\.\d+)?)(?:\s+(.*))?$/.exec(line);
  if (progress) {
    const percent = Math.max(0, Math.min(100, Number(progress[1])));
    const message = progress[2]?.trim();
    return { kind: 'progress', percent, ...(message ? { message } : {}) };
  }
  const quality = /^::quality\s+(\d*\.?\d+)\s*$/.exec(line);
  if (quality) {
    const score = Number(quality[1]);
    return score >= 0 && score <= 1 ? { kind: 'quality', score } : undefined;
  }
  // `::add-mask value`, or GitHub's own `::add-mask::value`.
  const mask = /^::add-mask(?:\s+|::)(.+)$/.exec(line);
  if (mask) return { kind: 'add-mask', value: mask[1].trim() };
  const annotation = parseAnnotation(line);
  if (annotation) return annotation;
  return undefined;
}

/**
 * `::warning file=F,line=L,col=C::message` (the properties are optional). Read by position rather than with a
 * regular expression: a line of tens of thousands of characters must cost what its length costs.
 */
function parseAnnotation(line: string): NodeCommand | undefined {
  const severity = line.startsWith('::warning') ? 'warning' : line.startsWith('::error') ? 'error' : undefined;
  if (!severity) return undefined;
  const rest = line.slice(2 + severity.length);
  const end = rest.indexOf('::');
  if (end < 0) return undefined;
  const propsText = rest.slice(0, end);
  // `::errorX::` is not an annotation; properties come after white space and hold no colon.
  if (propsText !== '' && (!/^\s/.test(propsText) || propsText.includes(':'))) return undefined;
  const props: Record<string, string> = {};
  for (const part of propsText.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) props[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  const lineNo = Number(props.line);
  const col = Number(props.col ?? props.column);
  return {
    kind: 'annotation',
    severity,
    ...(props.file ? { file: props.file } : {}),
    ...(Number.isInteger(lineNo) && lineNo > 0 ? { line: lineNo } : {}),
    ...(Number.isInteger(col) && col > 0 ? { column: col } : {}),
    message: rest.slice(end + 2),
  };
}
