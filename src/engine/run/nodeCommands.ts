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
  const mask = /^::add-mask\s+(.+)$/.exec(line);
  if (mask) return { kind: 'add-mask', value: mask[1].trim() };
  const annotation = /^::(warning|error)(?:\s+([^:]*))?::(.*)$/.exec(line);
  if (annotation) {
    const props: Record<string, string> = {};
    for (const part of (annotation[2] ?? '').split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) props[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
    const lineNo = Number(props.line);
    const col = Number(props.col ?? props.column);
    return {
      kind: 'annotation',
      severity: annotation[1] as 'warning' | 'error',
      ...(props.file ? { file: props.file } : {}),
      ...(Number.isInteger(lineNo) && lineNo > 0 ? { line: lineNo } : {}),
      ...(Number.isInteger(col) && col > 0 ? { column: col } : {}),
      message: annotation[3],
    };
  }
  return undefined;
}
