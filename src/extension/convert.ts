import * as vscode from 'vscode';
import type { Span, SpanDiagnostic } from '../engine/diagnostics';
import { FORMAT_DOC_URL } from '../engine/diagnostics';
import type { FileDiagnostic } from '../engine/validation/worker/protocol';

export const toRange = (doc: vscode.TextDocument, span: Span): vscode.Range => new vscode.Range(doc.positionAt(span.start), doc.positionAt(span.end));

const SEVERITY: Record<SpanDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** A validator diagnostic as VS Code shows it: its code links to the format reference, related spans included. */
export function toDiagnostic(doc: vscode.TextDocument, d: SpanDiagnostic): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(toRange(doc, d.span), d.message, SEVERITY[d.severity]);
  diagnostic.source = 'maestro';
  diagnostic.code = { value: d.code, target: vscode.Uri.parse(`${FORMAT_DOC_URL}#diagnostics`) };
  if (d.related?.length)
    diagnostic.relatedInformation = d.related.map(
      (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(doc.uri, toRange(doc, r.span)), r.message),
    );
  return diagnostic;
}

/** A diagnostic the validation worker made of a file on disk, in 1-based lines and columns. */
export function fromFileDiagnostic(uri: vscode.Uri, d: FileDiagnostic): vscode.Diagnostic {
  const range = (r: { line: number; column: number; endLine: number; endColumn: number }) =>
    new vscode.Range(r.line - 1, r.column - 1, r.endLine - 1, r.endColumn - 1);
  const diagnostic = new vscode.Diagnostic(range(d), d.message, SEVERITY[d.severity]);
  diagnostic.source = 'maestro';
  diagnostic.code = { value: d.code, target: vscode.Uri.parse(`${FORMAT_DOC_URL}#diagnostics`) };
  if (d.related?.length)
    diagnostic.relatedInformation = d.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, range(r)), r.message));
  return diagnostic;
}
