import { isMap, isPair, isSeq, type Document, type Node as YamlNode } from 'yaml';
import type { Diagnostic, Span, SpanDiagnostic } from '../diagnostics';
import type { LineIndex } from '../lineIndex';
import { buildWorkflow, type WorkflowSpec } from '../model';
import { oversizedAliasMessage } from './aliases';
import { parseWorkflowText, RESERVED_KEY_MESSAGE, type ParsedDocument } from './document';
import { importLeftovers } from './importLeftovers';
import { checkFiniteNumbers } from './finiteNumbers';
import { checkSchema } from './schemaCheck';
import { checkSemantics, type SemanticOptions } from './semantics';
import { yamlErrorText } from './yamlErrors';

export interface ValidationResult {
  diagnostics: SpanDiagnostic[];
  /** The normalized model: complete when there are no errors, best effort otherwise. */
  workflow: WorkflowSpec;
  parsed: ParsedDocument;
}

export type ValidateOptions = SemanticOptions;

/** What usually causes an error: ': ' inside an unquoted value starts a new mapping. */
const COLON_IN_VALUE_HINT = " (a ': ' inside an unquoted value starts a mapping: put the value in quotes, or use a block scalar '|')";
const COLON_IN_VALUE_CODES = new Set(['MULTILINE_IMPLICIT_KEY', 'BLOCK_AS_IMPLICIT_KEY']);

function syntaxDiagnostics(parsed: ParsedDocument): SpanDiagnostic[] {
  const out: SpanDiagnostic[] = [];
  for (const offset of parsed.duplicateKeys) {
    const span = keyTokenSpan(parsed.text, offset);
    const key = parsed.text.slice(span.start, span.end).trim();
    const what = key ? `'${key}' is` : 'an empty key is';
    out.push({
      span,
      severity: 'error',
      code: 'duplicate-key',
      message: `${what} written twice in this mapping: the second one replaces the first; rename or remove one`,
    });
  }
  for (const offset of parsed.reservedKeys)
    out.push({
      span: keyTokenSpan(parsed.text, offset),
      severity: 'error',
      code: 'reserved-key',
      message: `${RESERVED_KEY_MESSAGE}. Rename it`,
    });
  const reportedLines = new Set<number>();
  for (const e of parsed.doc.errors) {
    const start = Math.min(e.pos[0], parsed.text.length);
    const end = Math.max(start, Math.min(e.pos[1], parsed.text.length));
    // One broken construct often yields several parser errors on the same line: the first says it best.
    const line = parsed.lines.position(start).line;
    if (reportedLines.has(line)) continue;
    reportedLines.add(line);
    const lineText = parsed.text.slice(parsed.lines.lineStart(line), parsed.lines.lineEnd(line));
    const hint = COLON_IN_VALUE_CODES.has(e.code) && /:\s.*:\s/.test(lineText) ? COLON_IN_VALUE_HINT : '';
    const detail = yamlErrorText(e) + hint;
    const span = { start, end: Math.min(Math.max(end, start + 1), parsed.text.length) };
    out.push({ span, severity: 'error', code: 'yaml-syntax', message: `YAML syntax error: ${detail}` });
  }
  return out;
}

/** The whole key token at an offset (yaml reports only its first character). */
function keyTokenSpan(text: string, start: number): Span {
  let end = start;
  if (text[start] === '"' || text[start] === "'") {
    const close = text.indexOf(text[start], start + 1);
    end = close > 0 ? close + 1 : start + 1;
  } else {
    while (end < text.length && text[end] !== ':' && text[end] !== '\n' && text[end] !== '\r') end++;
    while (end > start && text[end - 1] === ' ') end--;
  }
  return { start, end: Math.min(Math.max(end, start + 1), text.length) };
}

/**
 * Spans where a syntax error makes other diagnostics untrustworthy: the line of the error, and the deepest map entry
 * that contains it or ends just before it (the entry the broken text would have belonged to).
 */
function damagedSpans(parsed: ParsedDocument, lines: LineIndex): Span[] {
  const spans: Span[] = [];
  for (const e of parsed.doc.errors) {
    const at = Math.min(e.pos[0], parsed.text.length);
    const line = lines.position(at).line;
    spans.push({ start: lines.lineStart(line), end: lines.lineEnd(line) + 1 });
    const entry = deepestEntry(parsed.doc, parsed.text, at);
    if (entry) spans.push(entry);
  }
  return spans;
}

function deepestEntry(doc: Document.Parsed, text: string, offset: number): Span | undefined {
  const touches = (start: number, end: number) => start <= offset && (offset <= end || text.slice(end, offset).trim() === '');
  let best: Span | undefined;
  const walk = (node: unknown): void => {
    if (!isMap(node) && !isSeq(node)) return;
    for (const item of node.items) {
      const pair = isPair(item) ? item : undefined;
      const keyNode = pair ? (pair.key as YamlNode | null) : undefined;
      const valueNode = (pair ? pair.value : item) as YamlNode | null;
      const start = keyNode?.range?.[0] ?? valueNode?.range?.[0];
      const end = valueNode?.range?.[2] ?? keyNode?.range?.[2];
      if (start === undefined || end === undefined) continue;
      if (touches(start, end)) {
        best = { start, end };
        walk(valueNode);
      }
    }
  };
  walk(doc.contents);
  return best;
}

const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;

/** Validates a workflow file's text: YAML syntax, the JSON schema, and the semantic checks. Never throws. */
export function validateWorkflow(text: string, options: ValidateOptions = {}): ValidationResult {
  return checkParsed(parseWorkflowText(text), options);
}

/** The checks of a validation on a parsed document (whole, or taken over from the last validation: see incremental). */
export function checkParsed(parsed: ParsedDocument, options: ValidateOptions = {}): ValidationResult {
  const text = parsed.text;
  const syntax = syntaxDiagnostics(parsed);
  for (const span of parsed.recursiveAliases) {
    syntax.push({
      span,
      severity: 'error',
      code: 'yaml-syntax',
      message: `the alias '${parsed.text.slice(span.start, span.end)}' refers to a node that contains it: a workflow cannot be recursive`,
    });
  }
  const oversized = parsed.oversizedAlias;
  if (oversized) {
    const alias = parsed.text.slice(oversized.span.start, oversized.span.end);
    syntax.push({
      span: oversized.span,
      severity: 'error',
      code: 'yaml-syntax',
      message: `${oversizedAliasMessage(oversized, alias)}; the file is not checked further`,
    });
  }
  const workflow = buildWorkflow(parsed.value);
  let rest: SpanDiagnostic[] = [];
  if (!oversized && ((parsed.value !== null && parsed.value !== undefined) || parsed.doc.errors.length === 0)) {
    rest = [...checkSchema(parsed), ...checkFiniteNumbers(parsed), ...checkSemantics(parsed, workflow, options), ...importLeftovers(text)];
  }
  if (syntax.length > 0) {
    const damaged = damagedSpans(parsed, parsed.lines);
    rest = rest.filter((d) => !damaged.some((s) => overlaps(d.span, s) || (d.span.start === d.span.end && s.start <= d.span.start && d.span.start < s.end)));
  }
  const diagnostics = capped([...syntax, ...rest].sort((a, b) => a.span.start - b.span.start || a.span.end - b.span.end));
  return { diagnostics, workflow, parsed };
}

/** The most diagnostics one file gets; past it, one more says how many were left out. */
export const MAX_DIAGNOSTICS = 500;

function capped(diagnostics: SpanDiagnostic[]): SpanDiagnostic[] {
  if (diagnostics.length <= MAX_DIAGNOSTICS) return diagnostics;
  const shown = diagnostics.slice(0, MAX_DIAGNOSTICS - 1);
  const rest = diagnostics.slice(MAX_DIAGNOSTICS - 1);
  const errors = rest.filter((d) => d.severity === 'error').length;
  const last = rest[0];
  shown.push({
    span: last.span,
    severity: errors > 0 ? 'error' : last.severity,
    code: last.code,
    message: `${rest.length.toLocaleString('en-US')} more problems from here on (${errors.toLocaleString('en-US')} of them errors) are not listed: a file shows at most ${MAX_DIAGNOSTICS}; fix these first`,
  });
  return shown;
}

export function toLineDiagnostics(lines: LineIndex, diagnostics: readonly SpanDiagnostic[]): Diagnostic[] {
  return diagnostics.map((d) => ({ ...lines.range(d.span), severity: d.severity, code: d.code, message: d.message }));
}
