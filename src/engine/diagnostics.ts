export type Severity = 'error' | 'warning' | 'info';

export type DiagnosticCode =
  | 'yaml-syntax'
  | 'duplicate-key'
  | 'reserved-key'
  | 'schema'
  | 'invalid-duration'
  | 'not-finite'
  | 'unknown-dependency'
  | 'self-dependency'
  | 'cycle'
  | 'invalid-expression'
  | 'unknown-reference'
  | 'unreachable-reference'
  | 'undeclared-output'
  | 'unknown-instance'
  | 'missing-workflow'
  | 'recursive-workflow'
  | 'nested-too-deep'
  | 'invalid-matrix'
  | 'invalid-input'
  | 'secret-default'
  | 'invalid-artifact'
  | 'invalid-cache'
  | 'ignored-setting'
  | 'mutex-of-run'
  | 'ambiguous-name'
  | 'script-injection'
  | 'file-too-large'
  | 'not-imported'
  | 'encoding'
  | 'unreadable';

/** A span of the document as character offsets (UTF-16 code units, end exclusive). */
export interface Span {
  start: number;
  end: number;
}

/** A text edit that fixes a diagnostic, for code actions. */
export interface TextEdit {
  span: Span;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface RelatedSpan {
  span: Span;
  message: string;
}

/** A diagnostic as the validator produces it: offsets, converted to lines and columns at the edge. */
export interface SpanDiagnostic {
  span: Span;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  related?: RelatedSpan[];
  fixes?: Fix[];
  /** A problem of the file as a whole (a missing top-level key): its span, the first line, is only where it shows. */
  ofFile?: true;
}

/** 1-based line and column, as compilers print them and as the CLI's JSON reports them. */
export interface Diagnostic {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
}

export const FORMAT_DOC_URL = 'https://github.com/maestro-dag/maestro-dag/blob/main/docs/workflow-format.md';
