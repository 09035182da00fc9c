import type { ValidationResult } from '../validate';
import type { FileDiagnostic } from './protocol';

/** Files larger than this are not validated: no workflow is near it, and the parse of one would take long. */
export const MAX_VALIDATED_BYTES = 16 * 1024 * 1024;

/** The diagnostics of a validation in lines and columns, related places included. */
export function fileDiagnostics(result: ValidationResult): FileDiagnostic[] {
  const lines = result.parsed.lines;
  const range = (span: { start: number; end: number }) => {
    const start = lines.position(span.start);
    const end = lines.position(span.end);
    return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
  };
  return result.diagnostics.map((d) => ({
    ...range(d.span),
    severity: d.severity,
    code: d.code,
    message: d.message,
    ...(d.related?.length ? { related: d.related.map((r) => ({ ...range(r.span), message: r.message })) } : {}),
  }));
}

export function tooLargeDiagnostic(bytes: number): FileDiagnostic {
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return {
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
    severity: 'warning',
    code: 'file-too-large',
    message: `this file is ${mib(bytes)}: files over ${mib(MAX_VALIDATED_BYTES)} are not validated`,
  };
}
