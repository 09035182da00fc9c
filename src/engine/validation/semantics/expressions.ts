// Every expression of the document: parsed, its functions and references checked, and `${{ }}` in a run script
// checked for script injection. The walk visits each string once per place it can mean something different.
import type { Span } from '../../diagnostics';
import { literalCallProblem } from '../../expressions/evaluate';
import { FUNCTION_SIGNATURES, isFileFunction, isKnownFunction, isStatusFunction } from '../../expressions/functions';
import { collectReferences } from '../../expressions/references';
import { expressionPieces, findTemplates } from '../../expressions/template';
import { isObject } from '../../json';
import type { PathSegment } from '../document';
import { mapSpan, valueToSource } from '../textMapping';
import type { SemanticContext } from './context';
import { injectionWarning, untrustedReference } from './injection';
import { referenceChecker, type ReferencePlace } from './references';

const FUNCTION_NAMES = Object.values(FUNCTION_SIGNATURES).map((f) => f.name);

/** The contexts a name may read: it is evaluated when the run starts, before any node has run. */
const NAME_CONTEXTS = { workflow: ['inputs', 'run'], node: ['inputs', 'matrix', 'run', 'workflow'] };
/** What a node's `continueOnError` may read: each instance decides it when the run starts. */
const CONTINUE_CONTEXTS = ['inputs', 'matrix'];
/** What a mutex name may read: it is filled in when the run starts, a node's for each instance. */
const MUTEX_CONTEXTS = { workflow: ['inputs'], node: ['inputs', 'matrix'] };
/** What a matrix made at run time may read: it is made before the node has instances. */
const MATRIX_CONTEXTS = ['inputs', 'env', 'nodes', 'run', 'workflow'];

/**
 * Whether a value at this path is evaluated as a node starts (or as the run does: the workflow's env), where
 * hashFiles() reads files; not a name, a mutex, continueOnError or a matrix, which are evaluated before.
 */
export function readsFilesAt(path: readonly PathSegment[]): boolean {
  if (path[0] === 'mutex' || (path.length === 1 && path[0] === 'name')) return false;
  const field = path[0] === 'nodes' ? path[2] : undefined;
  return !(field === 'mutex' || field === 'matrix' || (path.length === 3 && (field === 'name' || field === 'continueOnError')));
}

function placeOf(ctx: SemanticContext, path: readonly PathSegment[]): ReferencePlace {
  const node = path[0] === 'nodes' && typeof path[1] === 'string' ? ctx.byId.get(path[1]) : undefined;
  const isName = (path.length === 1 && path[0] === 'name') || (path.length === 3 && node !== undefined && path[2] === 'name');
  return {
    node,
    isCondition: path.length === 3 && path[0] === 'nodes' && path[2] === 'if',
    isScript: path.length === 3 && node !== undefined && path[2] === 'run',
    ...(isName ? { onlyContexts: node ? NAME_CONTEXTS.node : NAME_CONTEXTS.workflow, what: node ? "a node's name" : "the workflow's name" } : {}),
    ...(node !== undefined && path.length === 3 && path[2] === 'continueOnError' ? { onlyContexts: CONTINUE_CONTEXTS, what: 'continueOnError' } : {}),
    ...(path[0] === 'mutex' ? { onlyContexts: MUTEX_CONTEXTS.workflow, what: "the workflow's mutex" } : {}),
    ...(node !== undefined && path[2] === 'mutex' ? { onlyContexts: MUTEX_CONTEXTS.node, what: "a node's mutex" } : {}),
    ...(node !== undefined && path.length >= 3 && path[2] === 'matrix'
      ? { onlyContexts: MATRIX_CONTEXTS, what: "a node's matrix", when: 'before the node has instances' }
      : {}),
  };
}

export function checkExpressions(ctx: SemanticContext): void {
  const checkReference = referenceChecker(ctx);
  // One mutable path for the walk; it is copied only for the few strings that hold expressions.
  const path: PathSegment[] = [];
  // An aliased value is one object reached from several places: it is walked once per place it can mean something
  // different (the node it is in, and how deep it is while that decides whether a string is a condition).
  const walked = new Map<object, Set<string>>();
  const firstWalk = (value: object): boolean => {
    const context = `${Math.min(path.length, 3)}:${path[0] === 'nodes' ? String(path[1]) : ''}`;
    let contexts = walked.get(value);
    if (!contexts) walked.set(value, (contexts = new Set()));
    if (contexts.has(context)) return false;
    contexts.add(context);
    return true;
  };
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      const isCondition = path.length === 3 && path[0] === 'nodes' && path[2] === 'if';
      if (isCondition || value.includes('${{')) checkString(ctx, value, [...path], checkReference);
    } else if (value === null || typeof value !== 'object' || !firstWalk(value)) {
      return;
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        visit(value[i]);
        path.pop();
      }
    } else if (isObject(value)) {
      for (const k in value) {
        if (path.length === 0 && k === 'description') continue;
        path.push(k);
        visit(value[k]);
        path.pop();
      }
    }
  };
  visit(ctx.parsed.value);
}

type Piece = ReturnType<typeof expressionPieces>[number] & Partial<ReturnType<typeof collectReferences>>;

/**
 * The expressions of a string, parsed, with what they refer to and call, kept by their text: a file validated after
 * every keystroke has the same thousand expressions each time, and parsing them is most of the semantic checks.
 * Read only; bounded.
 */
const parsedPieces = new Map<string, Piece[]>();
const MAX_KEPT_PIECES = 20_000;

/** Forgets the expressions parsed so far, as a process that has validated nothing yet (for measuring). */
export const forgetParsedExpressions = (): void => parsedPieces.clear();

function piecesOf(value: string, isCondition: boolean): Piece[] {
  if (!isCondition && !value.includes('${{')) return [];
  const key = (isCondition ? 'c' : 't') + value;
  let pieces = parsedPieces.get(key);
  if (!pieces) {
    pieces = expressionPieces(value, isCondition).map((p): Piece => (p.error ? p : { ...p, ...collectReferences(p.parsed!) }));
    if (parsedPieces.size >= MAX_KEPT_PIECES) parsedPieces.clear();
    parsedPieces.set(key, pieces);
  }
  return pieces;
}

function checkString(ctx: SemanticContext, value: string, path: PathSegment[], checkReference: ReturnType<typeof referenceChecker>): void {
  const place = placeOf(ctx, path);
  let sourceMap: ((offset: number) => number | undefined) | undefined;
  let scalar: Span | undefined;
  const where = (span: Span): Span => {
    if (!scalar) {
      scalar = ctx.spanAt(path);
      sourceMap = valueToSource(ctx.parsed.text.slice(scalar.start, scalar.end), scalar.start, value);
    }
    return mapSpan(sourceMap!, span, scalar);
  };
  for (const piece of piecesOf(value, place.isCondition)) {
    if (piece.error) {
      const s = piece.error.span;
      const span = where({ start: piece.offset + Math.max(-3, s.start), end: piece.offset + Math.max(s.start + 1, s.end) });
      ctx.report({ span, severity: 'error', code: 'invalid-expression', message: `invalid expression: ${piece.error.message}` });
      continue;
    }
    const refs = piece.refs!;
    const calls = piece.calls!;
    const at = (s: Span) => where({ start: piece.offset + s.start, end: piece.offset + s.end });
    for (const call of calls) {
      if (!isKnownFunction(call.name)) {
        ctx.report({
          span: at(call.nameSpan),
          severity: 'error',
          code: 'unknown-reference',
          message: `unknown function '${call.name}'${ctx.suggest.didYouMean(call.name, FUNCTION_NAMES)}`,
        });
      } else if (isStatusFunction(call.name) && !place.isCondition) {
        ctx.report({
          span: at(call.nameSpan),
          severity: 'error',
          code: 'unknown-reference',
          message: `${call.name}() is a status function: it can only be used in a node's if`,
        });
      } else if (isFileFunction(call.name) && !readsFilesAt(path)) {
        ctx.report({
          span: at(call.nameSpan),
          severity: 'error',
          code: 'unknown-reference',
          message: `${call.name}() reads files as a node starts: it cannot be used in ${place.what ?? 'this value'}, which is evaluated ${place.when ?? 'when the run starts'}`,
        });
      } else if (call.literal) {
        const problem = literalCallProblem(call.name, call.literal.text, call.args);
        if (problem) ctx.report({ span: at(call.literal.span), severity: 'error', code: 'invalid-expression', message: problem });
      }
    }
    let wrong = false;
    for (const ref of refs) wrong = checkReference(ref, place, at) || wrong;
    // A reference that is itself wrong is reported alone: it is the first thing to fix.
    const untrusted = place.isScript && !wrong ? untrustedReference(refs) : undefined;
    if (untrusted) reportInjection(ctx, place, value, piece.offset, where, untrusted);
  }
}

function reportInjection(
  ctx: SemanticContext,
  place: ReferencePlace,
  value: string,
  exprOffset: number,
  where: (span: Span) => Span,
  ref: NonNullable<ReturnType<typeof untrustedReference>>,
): void {
  const template = findTemplates(value).find((t) => t.exprSpan.start === exprOffset);
  if (!template) return;
  const reportSpan = where(template.span);
  const exact = ctx.parsed.text.slice(reportSpan.start, reportSpan.end) === value.slice(template.span.start, template.span.end);
  ctx.report(
    injectionWarning(
      ctx,
      { node: place.node!, value, span: template.span, source: template.source, sourceSpan: exact ? reportSpan : undefined, reportSpan },
      ref,
    ),
  );
}
