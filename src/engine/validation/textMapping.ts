import type { Span } from '../diagnostics';

/**
 * Maps offsets in a scalar's value to offsets in its source text, line by line, so that a position inside a
 * quoted or block scalar lands on the right character. Returns undefined where the value's text cannot be found
 * in the source (escapes, folding): callers then point at the whole scalar.
 */
export function valueToSource(source: string, sourceStart: number, value: string): (offset: number) => number | undefined {
  const lines = value.split('\n');
  const starts: (number | undefined)[] = [];
  let pos = 0;
  for (const line of lines) {
    if (line === '') {
      starts.push(undefined);
      continue;
    }
    const at = source.indexOf(line, pos);
    if (at < 0) return () => undefined;
    starts.push(at);
    pos = at + line.length;
  }
  return (offset) => {
    let lineStart = 0;
    for (let i = 0; i < lines.length; i++) {
      const len = lines[i].length;
      if (offset <= lineStart + len) {
        const s = starts[i];
        return s === undefined ? undefined : sourceStart + s + (offset - lineStart);
      }
      lineStart += len + 1;
    }
    return undefined;
  };
}

export function mapSpan(map: (offset: number) => number | undefined, span: Span, fallback: Span): Span {
  const start = map(span.start);
  const end = map(span.end);
  return start !== undefined && end !== undefined && end >= start ? { start, end } : fallback;
}
