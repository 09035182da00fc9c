// A workflow as a GitHub Actions workflow: one job per node. What GitHub Actions cannot express is a problem (an
// error, or with `lenient` a comment in the output), never a silently different workflow.
import { posix } from 'node:path';
import { hasMatrix, type MatrixSpec, type NodeSpec, type WorkflowSpec } from '../../model';
import { isObject } from '../../json';
import { isPowerShell, withPowershellLines } from '../../platform/powershell';
import { programName, shellText, shellWords, takesScriptFile } from '../../platform/shells';
import { callsFileFunction, contextsRead, rewriteExpressions } from '../expressionMap';
import { ProblemList, type ConversionOptions } from '../problems';
import { withRetryLoop } from '../scriptRetry';
import { hashFilesCommandProblem, toGithubVariables, variablesRead } from '../scriptVariables';
import { yamlText, type KeyComment } from '../yamlOut';
import { githubSecretName, toGithubContexts } from './contexts';
import { withJobResults } from './jobResults';

export interface GithubExportOptions extends ConversionOptions {
  /** The workflow file's folder relative to the repository's root ('' at the root): `cwd` is relative to it. */
  baseDir?: string;
}

/** The step of an exported approval gate; an import recognises it and gives the gate back. */
export const APPROVAL_STEP_RUN = 'echo "Approved through the environment\'s protection rule."';
export const STEP_ID = 'run';

type Json = Record<string, unknown>;

interface JobContext {
  spec: WorkflowSpec;
  node: NodeSpec;
  problems: ProblemList;
  options: GithubExportOptions;
  /** Extra direct needs: nodes upstream that the job reads outputs of. */
  reads: Set<string>;
}

export function toGithubActions(spec: WorkflowSpec, options: GithubExportOptions = {}): string {
  const problems = new ProblemList();
  const comments: KeyComment[] = [];
  if (spec.timeoutMs !== undefined)
    problems.add(undefined, 'the workflow timeout has no GitHub Actions equivalent (a job has timeout-minutes, a workflow none)');
  if (spec.mutex && spec.mutex.length > 1)
    problems.add(
      undefined,
      `a workflow has one concurrency group in GitHub Actions: its runs take turns on ${spec.mutex[0]} only, not on ${spec.mutex.slice(1).join(', ')}`,
    );
  const jobs: Json = {};
  for (const [name, value] of Object.entries(spec.env))
    if (callsFileFunction(value, false))
      problems.add(undefined, `the workflow's env ${name} calls hashFiles(), which GitHub reads in a step's values only: give it to the nodes that use it`);
  const env = translatedMap(spec.env, (v) => translateTop(v, problems, secretInputsOf(spec)));
  for (const node of spec.nodes) {
    const ctx: JobContext = { spec, node, problems, options, reads: new Set() };
    jobs[node.id] = jobOf(ctx);
    const notes = [node.phase ? `phase: ${node.phase}` : '', node.description ?? ''].filter(Boolean);
    if (node.kind === 'approval') notes.push('Add a protection rule with required reviewers to this environment (Settings → Environments) to make it a gate.');
    if (node.mutex)
      notes.push(
        `mutex: ${node.mutex.join(', ')}: GitHub Actions runs each job on a machine of its own, so a port or a file is not shared; for a deployment target, give the jobs a concurrency group by hand.`,
      );
    if (node.cache) notes.push("cache: GitHub Actions runs this job every time (actions/cache keeps files between runs, not a job's result).");
    if (notes.length) comments.push({ path: ['jobs', node.id], comment: notes.join('\n') });
  }
  problems.settle('GitHub Actions', options);
  const workflow = workflowOf(spec, env, jobs);
  for (const p of problems.items) {
    const path = p.node ? ['jobs', p.node] : ['name'];
    comments.push({ path, comment: `NOT TRANSLATED: ${p.message}` });
  }
  const header = [
    `Exported from a Maestro workflow: ${spec.name}`,
    ...(spec.description ? [spec.description] : []),
    ...(spec.concurrency ? [`concurrency: ${spec.concurrency} (the most nodes at once) is left to the runners available`] : []),
    ...secretsNeeded(spec),
  ].join('\n');
  return yamlText(workflow, { header, comments });
}

/** The header's line naming the repository secrets the workflow reads, to be added under Settings → Secrets. */
function secretsNeeded(spec: WorkflowSpec): string[] {
  const names = secretInputsOf(spec).map(githubSecretName);
  return names.length ? [`Its secret inputs are repository secrets here: add ${names.join(', ')} under Settings → Secrets and variables → Actions.`] : [];
}

/** The inputs that are repository secrets on GitHub, not the form's inputs. */
const secretInputsOf = (spec: WorkflowSpec): string[] =>
  Object.values(spec.inputs)
    .filter((i) => i.secret)
    .map((i) => i.name);

function workflowOf(spec: WorkflowSpec, env: Json, jobs: Json): Json {
  const inputs: Json = {};
  for (const input of Object.values(spec.inputs)) {
    if (input.secret) continue;
    inputs[input.name] = {
      ...(input.description ? { description: input.description } : {}),
      ...(input.required ? { required: true } : {}),
      type: input.type,
      ...(input.default !== undefined ? { default: input.default } : {}),
    };
  }
  const on = { workflow_dispatch: Object.keys(inputs).length ? { inputs } : null };
  // The runs of a workflow's concurrency group take turns, as the runs that name a workflow's mutex do.
  const concurrency = spec.mutex ? { concurrency: { group: spec.mutex[0] } } : {};
  return { name: spec.name, on, ...concurrency, ...(Object.keys(env).length ? { env } : {}), jobs };
}

function jobOf(ctx: JobContext): Json {
  const { node, problems } = ctx;
  if (node.kind === 'workflow') problems.add(node.id, `a sub-workflow ('${node.workflow}') has no GitHub Actions equivalent: export it on its own and call it`);
  if (node.quality) problems.add(node.id, 'a quality gate (quality.min) has no GitHub Actions equivalent');
  if (node.stdoutAs !== undefined)
    problems.add(node.id, `stdoutAs has no GitHub Actions equivalent: write the value to $GITHUB_OUTPUT (echo "${node.stdoutAs}=…" >> "$GITHUB_OUTPUT")`);
  if (node.kind === 'approval' && node.approval?.timeoutMs !== undefined)
    problems.add(node.id, "an approval timeout has no GitHub Actions equivalent (an environment's wait timer approves, it does not reject)");
  if (node.if !== undefined && callsFileFunction(node.if, true))
    problems.add(node.id, "its if calls hashFiles(), which GitHub reads in a step's values only, not in a job's if: test the files in its run instead");
  const commandProblem = hashFilesCommandProblem(node.run ?? '', "GitHub's runner");
  if (commandProblem) problems.add(node.id, `${commandProblem}: call hashFiles() in a step's values (a step of its own for files an earlier step writes)`);
  if (hasMatrix(node) && variablesRead(node.run ?? '').has('MAESTRO_NODE_ID'))
    problems.add(node.id, "its run reads $MAESTRO_NODE_ID, an instance's id (build[os=linux]), where GitHub's $GITHUB_JOB is the job's for every instance");
  // Everything that may read other nodes first: what it reads becomes a direct need.
  const condition = node.if !== undefined ? translate(ctx, node.if, true) : undefined;
  const steps = node.kind === 'approval' ? approvalSteps(ctx) : node.kind === 'run' ? runSteps(ctx) : [];
  const name = node.name !== undefined ? translate(ctx, node.name, false) : undefined;
  const { job: env, step: stepEnv } = envByLevel(translatedMap(node.env, (v) => translate(ctx, v, false)) as Record<string, string>);
  const commands = steps.find((step) => step.run !== undefined);
  if (stepEnv && commands) commands.env = stepEnv;
  const needs = [...node.needs, ...[...ctx.reads].filter((id) => !node.needs.includes(id))];
  const outputs = node.outputs?.length ? Object.fromEntries(node.outputs.map((o) => [o, `\${{ steps.${STEP_ID}.outputs.${o} }}`])) : undefined;
  return {
    ...(name !== undefined ? { name } : {}),
    ...(needs.length ? { needs } : {}),
    ...(condition !== undefined ? { if: condition } : {}),
    ...(node.kind === 'approval' ? { environment: node.id } : {}),
    'runs-on': 'ubuntu-latest',
    ...(node.image ? { container: node.image } : {}),
    ...(node.timeoutMs !== undefined && node.kind !== 'approval' ? { 'timeout-minutes': node.timeoutMs / 60_000 } : {}),
    ...(node.continueOnError === true ? { 'continue-on-error': true } : {}),
    ...(typeof node.continueOnError === 'string' ? { 'continue-on-error': translate(ctx, node.continueOnError, false) } : {}),
    ...(hasMatrix(node)
      ? {
          strategy: {
            'fail-fast': node.failFast,
            ...(node.maxParallel !== undefined ? { 'max-parallel': node.maxParallel } : {}),
            matrix: node.matrix ? githubMatrix(node.matrix) : translatedTemplate(ctx, node.matrixTemplate),
          },
        }
      : {}),
    ...(env ? { env } : {}),
    ...(outputs ? { outputs } : {}),
    steps,
  };
}

/** A matrix made at run time, its expressions in GitHub's terms: GitHub makes a job's matrix when the job is reached too. */
function translatedTemplate(ctx: JobContext, template: unknown): unknown {
  if (typeof template === 'string') return translate(ctx, template, false);
  if (Array.isArray(template)) return template.map((v) => translatedTemplate(ctx, v));
  return isObject(template) ? Object.fromEntries(Object.entries(template).map(([k, v]) => [k, translatedTemplate(ctx, v)])) : template;
}

/** A matrix as `strategy.matrix` writes it: the axes, then `exclude` and `include` where there are some. */
const githubMatrix = (matrix: MatrixSpec): Json => ({
  ...matrix.axes,
  ...(matrix.exclude.length ? { exclude: matrix.exclude } : {}),
  ...(matrix.include.length ? { include: matrix.include } : {}),
});

function approvalSteps(ctx: JobContext): Json[] {
  const prompt = ctx.node.approval?.prompt;
  return [{ name: prompt !== undefined ? `Approval: ${translate(ctx, prompt, false)}` : 'Approval', run: APPROVAL_STEP_RUN }];
}

function runSteps(ctx: JobContext): Json[] {
  const { node, options } = ctx;
  let script = toGithubVariables(translate(ctx, node.run ?? '', false));
  const command = shellText(shellWords(node.shell));
  let shell = takesScriptFile(node.shell) ? command : `${command} {0}`;
  const [program, ...own] = shellWords(node.shell);
  if (!takesScriptFile(node.shell) && isPowerShell(program)) {
    // GitHub's named pwsh stops at the first error as the engine's does; a custom command of it does not.
    if (own.length) script = withPowershellLines(script);
    else shell = programName(program);
  }
  if (node.retry.max > 0) {
    script = withRetryLoop(script, node.retry, command, '$RUNNER_TEMP', 'GITHUB_RUN_ATTEMPT');
    shell = 'bash -e {0}';
  }
  const dir = node.cwd !== undefined || options.baseDir ? posix.normalize(posix.join(options.baseDir ?? '', node.cwd ?? '.')) : undefined;
  const steps: Json[] = [{ uses: 'actions/checkout@v4' }, { id: STEP_ID, shell, ...(dir && dir !== '.' ? { 'working-directory': dir } : {}), run: script }];
  if (node.artifacts.length) {
    const paths = node.artifacts.map((a) => (dir && dir !== '.' ? posix.join(dir, a) : a));
    steps.push({ uses: 'actions/upload-artifact@v4', with: { name: node.id, path: paths.join('\n') } });
  }
  return steps;
}

function translate(ctx: JobContext, value: string, isCondition: boolean): string {
  const readsNode = (id: string): string | undefined => {
    const read = ctx.spec.nodes.find((n) => n.id.toLowerCase() === id.toLowerCase());
    if (read && hasMatrix(read)) return `'nodes.${id}.outputs' of a matrix node holds every instance's value; a GitHub job output holds one`;
    if (read) ctx.reads.add(read.id);
    return undefined;
  };
  const results = withJobResults(value, isCondition, (id) => void readsNode(id));
  const result = rewriteExpressions(results, isCondition, toGithubContexts(readsNode, secretInputsOf(ctx.spec)));
  for (const p of result.problems) ctx.problems.add(ctx.node.id, p);
  return result.text;
}

/**
 * A job's env and its commands step's: GitHub reads no `env` context and no hashFiles() in a job's env, only in a
 * step's, so such a value goes to the step that runs the commands. Each undefined where it has nothing.
 */
function envByLevel(env: Record<string, string>): { job?: Record<string, string>; step?: Record<string, string> } {
  const stepOnly = (value: string) => contextsRead(value, false).has('env') || callsFileFunction(value, false);
  const [step, job] = [true, false].map((only) => Object.fromEntries(Object.entries(env).filter(([, v]) => stepOnly(v) === only)));
  return { ...(Object.keys(job).length ? { job } : {}), ...(Object.keys(step).length ? { step } : {}) };
}

const translatedMap = (map: Record<string, string>, translateOne: (v: string) => string): Json =>
  Object.fromEntries(Object.entries(map).map(([k, v]) => [k, translateOne(v)]));

/** Workflow-level values: the same contexts, but no node to read. */
function translateTop(value: string, problems: ProblemList, secretInputs: readonly string[]): string {
  const result = rewriteExpressions(
    value,
    false,
    toGithubContexts(() => 'a workflow-level value cannot read node outputs', secretInputs),
  );
  result.problems.forEach((p) => problems.add(undefined, p));
  return result.text;
}
