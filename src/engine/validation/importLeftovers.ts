import type { SpanDiagnostic } from '../diagnostics';

/** The comment an import leaves where something could not come along; the validator keeps it visible until removed. */
export const NOT_IMPORTED = '# not imported:';

const LEFTOVER = /^[ \t]*# not imported: *(.*)$/gm;

/** A warning on every line an import marked, in YAML comments and inside scripts alike, until the user deals with it. */
export function importLeftovers(text: string): SpanDiagnostic[] {
  if (!text.includes(NOT_IMPORTED)) return [];
  const out: SpanDiagnostic[] = [];
  for (const m of text.matchAll(LEFTOVER)) {
    const start = m.index + m[0].indexOf('#');
    out.push({
      span: { start, end: m.index + m[0].length },
      severity: 'warning',
      code: 'not-imported',
      message: `${m[1].trim() || 'part of the imported workflow was not imported'}; delete this comment once it is dealt with`,
    });
  }
  return out;
}
