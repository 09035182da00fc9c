// What every semantic check reads: the document, its model, where diagnostics go, and the suggester for typos.
import type { Span, SpanDiagnostic } from '../../diagnostics';
import { isObject, type Json } from '../../json';
import type { InputSpec, NodeSpec, WorkflowSpec } from '../../model';
import { suggester } from '../../suggest';
import { locate, type ParsedDocument, type PathSegment } from '../document';

export interface SemanticOptions {
  /** Whether a path (absolute, or relative to the workflow file's folder) exists; sub-workflow paths are checked only when given. */
  fileExists?: (relativePath: string) => boolean;
  /** The inputs a sub-workflow declares, or undefined when its file cannot be read as a workflow; `with:` is checked only when given. */
  workflowInputs?: (relativePath: string) => Record<string, InputSpec> | undefined;
  /**
   * The outputs a sub-run of a sub-workflow gives, or undefined when its file cannot be read as a workflow or they
   * cannot be known; what a sub-workflow node's reads and `outputs` name is checked only when given.
   */
  workflowOutputs?: (relativePath: string) => readonly string[] | undefined;
  /**
   * Whether running a sub-workflow comes back to the workflow's own file: `[]` when it is the file itself, else the
   * files by which it does (the sub-workflow's first), as they are to be named; undefined when it does not. A
   * workflow that includes itself is checked only when given.
   */
  runsThisFileAgain?: (relativePath: string) => readonly string[] | undefined;
  /**
   * How many workflow files deep running a sub-workflow nests, its own file included (as far as its files can be read
   * and are followed); how deep is checked only when given.
   */
  subWorkflowNesting?: (relativePath: string) => number;
}

export interface SemanticContext {
  parsed: ParsedDocument;
  workflow: WorkflowSpec;
  options: SemanticOptions;
  /** The nodes as written, by id (to find where a field is). */
  rawNodes: Json;
  byId: Map<string, NodeSpec>;
  ids: string[];
  suggest: ReturnType<typeof suggester>;
  report(diagnostic: SpanDiagnostic): void;
  /** Where the value (or, with `key`, the key) at a path is. */
  spanAt(path: readonly PathSegment[], key?: 'key'): Span;
}

export function semanticContext(parsed: ParsedDocument, workflow: WorkflowSpec, options: SemanticOptions, out: SpanDiagnostic[]): SemanticContext {
  return {
    parsed,
    workflow,
    options,
    rawNodes: isObject(parsed.value) && isObject(parsed.value.nodes) ? parsed.value.nodes : {},
    byId: new Map(workflow.nodes.map((n) => [n.id, n])),
    ids: workflow.nodes.map((n) => n.id),
    suggest: suggester(),
    report: (d) => void out.push(d),
    spanAt: (path, key) => {
      const at = locate(parsed, path);
      return key ? (at.keySpan ?? at.valueSpan) : at.valueSpan;
    },
  };
}

/** Names a message lists: the first dozen, then how many more. */
export function listed(names: readonly string[]): string {
  return names.length <= 12 ? names.join(', ') : `${names.slice(0, 12).join(', ')}, … (${names.length - 12} more)`;
}

/** The outputs a sub-workflow gives, told to a name it does not give: the one meant (`meant`, when known), or them all. */
export function givenHint(given: readonly string[], meant: string | undefined): string {
  return meant !== undefined ? ` — did you mean '${meant}'?` : given.length ? ` (its outputs: ${listed(given)})` : ': its nodes give none';
}

/** The raw value at a path under the document's root, or undefined. */
export function rawAt(ctx: SemanticContext, path: readonly PathSegment[]): unknown {
  let value: unknown = ctx.parsed.value;
  for (const key of path) value = isObject(value) ? value[key as string] : Array.isArray(value) ? value[key as number] : undefined;
  return value;
}

/**
 * A setting only a node that runs a script has, given to an approval gate or a sub-workflow node: `why` says what
 * only a script gives, `inSubWorkflow` where a sub-workflow's part of it lies.
 */
export function reportScriptOnly(ctx: SemanticContext, node: NodeSpec, key: string, inSubWorkflow: string, why: string): void {
  const what = node.kind === 'approval' ? 'an approval gate' : `a sub-workflow node (${inSubWorkflow})`;
  ctx.report({
    span: ctx.spanAt(['nodes', node.id, key], 'key'),
    severity: 'error',
    code: 'ignored-setting',
    message: `'${node.id}' is ${what}: ${why} — remove ${key}`,
  });
}
