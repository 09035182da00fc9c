// `cache`: only a node that runs a script has a result to keep, its files are inside its folder, and a key that
// changes in every run would keep results that are never reused.
import { artifactOutsideFolder } from '../../artifactPaths';
import { parseDuration } from '../../duration';
import type { NodeSpec } from '../../model';
import { rawAt, reportScriptOnly, type SemanticContext } from './context';

const READS_RUN_ID = /\$\{\{[^}]*\brun\.id\b/;
/** The run's id as the engine gives it to the process: not part of the key, as the engine's environment never is. */
const READS_RUN_ID_VARIABLE = /\$\{?MAESTRO_RUN_ID\b/;

export function checkCache(ctx: SemanticContext): void {
  for (const node of ctx.workflow.nodes) {
    const raw = rawAt(ctx, ['nodes', node.id, 'cache']);
    if (raw === undefined || raw === false || !node.cache) continue;
    if (node.kind !== 'run') {
      reportScriptOnly(ctx, node, 'cache', 'cache the nodes of its file instead', 'only nodes that run a script keep a result to reuse');
      continue;
    }
    checkTtl(ctx, node.id);
    checkFiles(ctx, node);
    checkRunId(ctx, node);
  }
}

/** A cached node whose script reads the run's id: never reused (in an expression), or reused from another run. */
function checkRunId(ctx: SemanticContext, node: NodeSpec): void {
  const warn = (message: string) => ctx.report({ span: ctx.spanAt(['nodes', node.id, 'cache'], 'key'), severity: 'warning', code: 'invalid-cache', message });
  if ([node.run ?? '', node.cwd ?? '', ...Object.values(node.env)].some((text) => READS_RUN_ID.test(text)))
    warn(
      `'${node.id}' reads run.id, which differs in every run, so its kept result would never be reused: leave run.id out of its script, env and cwd, or remove cache`,
    );
  else if (READS_RUN_ID_VARIABLE.test(node.run ?? ''))
    warn(
      `'${node.id}' reads $MAESTRO_RUN_ID, which is not part of what its result is kept by: a result made in another run would be reused, with that run's id in it. Leave it out of the script, or remove cache`,
    );
}

function checkTtl(ctx: SemanticContext, id: string): void {
  const at = ['nodes', id, 'cache', 'ttl'];
  const value = rawAt(ctx, at);
  // A bare number in a string is the schema's to report.
  const valid = typeof value === 'number' || (typeof value === 'string' && !/^\s*[\d.]+\s*$/.test(value));
  if (!valid || parseDuration(value) !== 0) return;
  ctx.report({
    span: ctx.spanAt(at),
    severity: 'error',
    code: 'invalid-duration',
    message: 'a ttl of 0 would never reuse a result: give a positive duration, or leave the ttl out to keep results until their inputs change',
  });
}

function checkFiles(ctx: SemanticContext, node: NodeSpec): void {
  node.cache?.files.forEach((pattern, i) => {
    if (pattern.includes('${{')) return;
    const why = artifactOutsideFolder(pattern);
    if (!why) return;
    ctx.report({
      span: ctx.spanAt(['nodes', node.id, 'cache', 'files', i]),
      severity: 'error',
      code: 'invalid-cache',
      message: `cache file '${pattern}' ${why}: cache files are paths or globs relative to the node's cwd (set cwd to where the files are)`,
    });
  });
}
