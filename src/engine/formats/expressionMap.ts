// Rewrites the context references of expressions from one engine's names to another's, leaving the rest of each
// expression as written: `nodes.build.outputs.v` ↔ `needs.build.outputs.v`, `run.id` ↔ `github.run_id`.
import type { Span } from '../diagnostics';
import { collectReferences } from '../expressions/references';
import { isFileFunction } from '../expressions/functions';
import { expressionPieces } from '../expressions/template';

/** How to rewrite one reference: replace its first `length` segments with `text`, or say why it cannot be. */
export type RefRewrite = { length: number; text: string } | { problem: string } | undefined;

/**
 * Decides a reference's rewrite from its segments, context first (as written, any case); `at` says how the whole
 * reference is written and the character that follows it (`[` or `.` when more is read of its value).
 */
export type RefMapper = (segments: readonly string[], at: { written: string; followedBy: string }) => RefRewrite;

export interface RewriteResult {
  text: string;
  problems: string[];
}

/**
 * Rewrites every reference in a value's expressions: each `${{ }}`, or for a condition, the bare expression. An
 * expression that does not parse is left alone (the validator of either side names it).
 */
export function rewriteExpressions(value: string, isCondition: boolean, map: RefMapper): RewriteResult {
  const edits: { span: Span; text: string }[] = [];
  const problems: string[] = [];
  for (const piece of expressionPieces(value, isCondition)) {
    if (!piece.parsed) continue;
    const source = value.slice(piece.offset);
    for (const ref of collectReferences(piece.parsed).refs) {
      const whole = { start: ref.segments[0].span.start, end: ref.segments[ref.segments.length - 1].span.end };
      const followedBy = source
        .slice(whole.end)
        .replace(/^\s*\]/, '')
        .trimStart()
        .charAt(0);
      const rewrite = map(
        ref.segments.map((s) => s.name),
        { written: source.slice(whole.start, whole.end), followedBy },
      );
      if (!rewrite) continue;
      if ('problem' in rewrite) {
        problems.push(rewrite.problem);
        continue;
      }
      const first = ref.segments[0].span;
      const last = ref.segments[rewrite.length - 1].span;
      const written = source.slice(first.start, last.end);
      // Only the dotted form is rewritten in place; `run['id']` would need its brackets rebuilt.
      if (written.includes('[')) {
        const closed = source.charAt(last.end) === ']' ? `${written}]` : written;
        problems.push(`'${closed}' is written with brackets: write it with dots to translate it`);
        continue;
      }
      edits.push({ span: { start: piece.offset + first.start, end: piece.offset + last.end }, text: rewrite.text });
    }
  }
  let text = value;
  for (const e of edits.sort((a, b) => b.span.start - a.span.start)) text = text.slice(0, e.span.start) + e.text + text.slice(e.span.end);
  return { text, problems };
}

/** The contexts an expression value reads (`env`, `inputs`…), in lower case, once each. */
export function contextsRead(value: string, isCondition: boolean): Set<string> {
  const roots = new Set<string>();
  for (const piece of expressionPieces(value, isCondition))
    for (const ref of piece.parsed ? collectReferences(piece.parsed).refs : []) roots.add(ref.segments[0].name.toLowerCase());
  return roots;
}

/** Whether a value's expressions call a function that reads files (hashFiles), which GitHub allows in a step's values only. */
export function callsFileFunction(value: string, isCondition: boolean): boolean {
  return expressionPieces(value, isCondition).some((piece) => piece.parsed && collectReferences(piece.parsed).calls.some((call) => isFileFunction(call.name)));
}

/**
 * The node ids an expression value reads through a given context and segment (`nodes.X.…` or `needs.X.…`); with
 * `field`, only where that comes next (`nodes.X.outputs…`).
 */
export function referencedIds(value: string, isCondition: boolean, context: string, field?: string): string[] {
  const ids = new Set<string>();
  for (const piece of expressionPieces(value, isCondition)) {
    if (!piece.parsed) continue;
    for (const ref of collectReferences(piece.parsed).refs) {
      const [root, id, next] = ref.segments.map((s) => s.name);
      if (field !== undefined && next?.toLowerCase() !== field) continue;
      if (root.toLowerCase() === context && id && id !== '*') ids.add(id);
    }
  }
  return [...ids];
}
