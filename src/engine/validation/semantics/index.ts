// The checks the schema cannot make: what refers to what, and what a value means. Each check is a module.
import type { SpanDiagnostic } from '../../diagnostics';
import type { WorkflowSpec } from '../../model';
import type { ParsedDocument } from '../document';
import { semanticContext, type SemanticContext, type SemanticOptions } from './context';
import { checkCache } from './cache';
import { checkCycles, checkNeeds } from './dependencies';
import { checkExpressions } from './expressions';
import { checkMatrices } from './matrices';
import { checkArtifacts, checkInputs, checkMutex, checkStdoutAs, checkSubWorkflows, checkTimeouts } from './nodeFields';
import { checkProcessText } from './processText';
import { checkShells } from './shells';

export type { SemanticOptions } from './context';
export { CONTEXTS } from './references';
export { readsFilesAt } from './expressions';

/** Names that expressions read without regard to case must differ in more than case. */
function checkCaseCollisions(ctx: SemanticContext): void {
  const groups: { what: string; names: string[]; path: (name: string) => (string | number)[] }[] = [
    { what: 'node ids', names: ctx.ids, path: (id) => ['nodes', id] },
    { what: 'input names', names: Object.keys(ctx.workflow.inputs), path: (name) => ['inputs', name] },
  ];
  for (const { what, names, path } of groups) {
    const seen = new Map<string, string>();
    for (const name of names) {
      const first = seen.get(name.toLowerCase());
      if (first === undefined) {
        seen.set(name.toLowerCase(), name);
        continue;
      }
      ctx.report({
        span: ctx.spanAt(path(name), 'key'),
        severity: 'error',
        code: 'ambiguous-name',
        message: `'${name}' and '${first}' differ only in case, and expressions read ${what} without regard to case: rename one`,
      });
    }
  }
}

export function checkSemantics(parsed: ParsedDocument, workflow: WorkflowSpec, options: SemanticOptions = {}): SpanDiagnostic[] {
  const out: SpanDiagnostic[] = [];
  const ctx = semanticContext(parsed, workflow, options, out);
  checkNeeds(ctx);
  checkCycles(ctx);
  checkCaseCollisions(ctx);
  checkSubWorkflows(ctx);
  checkTimeouts(ctx);
  checkMatrices(ctx);
  checkArtifacts(ctx);
  checkStdoutAs(ctx);
  checkMutex(ctx);
  checkCache(ctx);
  checkInputs(ctx);
  checkProcessText(ctx);
  checkShells(ctx);
  checkExpressions(ctx);
  return out;
}
