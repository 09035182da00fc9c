// A GitHub Actions workflow as ours, read with GitHub's own parser (which also validates it): jobs become nodes.
import { posix } from 'node:path';
import { parse } from 'yaml';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { durationOfCount } from '../../duration';
import { isObject, type Json, textOf } from '../../json';
import { writtenMatrixKeys } from '../../matrix';
import { isPosixShell } from '../../platform/shells';
import {
  type CalledWorkflow,
  ImportError,
  mutexDoc,
  notImportedLine,
  refuseUnreadableData,
  unusedName,
  type ImportProblem,
  type ImportResult,
  type NodeDoc,
} from '../importTypes';
import { contextsRead } from '../expressionMap';
import { retryDoc } from '../retryDoc';
import { yamlText, type KeyComment } from '../yamlOut';
import { fromGithubValue, GithubValueInputs } from './contexts';
import { importSteps, isExportedGate } from './importSteps';
import { shellFromGithub } from './stepPieces';
import { jobOutputs, renameOutputReferences } from './jobOutputs';
import { type UploadedPaths, uploadedPaths } from './artifactSteps';
import type { LocalActions } from './localActions';
import { matrixJobs, matrixOf, matrixOutputsRead } from './matrixImport';
import { otherSystemNote, windowsDefaultShell } from './runnerLabels';
import { withMatrixJobId } from '../scriptVariables';
import { serviceLines } from './services';
import { concurrencyGroupMutex } from './concurrency';
import { calledImportPath, outputsRead, reusableCallNode } from './reusableCall';
import { LINES, type Lined, lineOf, tokenValue } from './tokens';

export interface GithubImportOptions {
  /** The new file's folder relative to the repository's root ('' at the root): working directories become relative to it. */
  baseDir?: string;
  /** The files of the repository's actions the workflow's steps use (see localActions.ts). */
  localActions?: LocalActions;
}

interface Context {
  notes: string[];
  /** The needs of the job being read. */
  needs?: readonly string[];
  /** The values GitHub gives a run, asked for as inputs. */
  inputs: GithubValueInputs;
  comments: KeyComment[];
  defaultShell?: string;
  /** The workflow's default `shell`, as GitHub's (see JobScope.githubShell). */
  githubShell?: string;
  defaultDir?: string;
  baseDir: string;
  /** The jobs' ids and the gates made for them so far: a gate's id must be none of them. */
  nodeIds: Set<string>;
  /** By job, the outputs its node declares under another name (see jobOutputs.ts). */
  renamedOutputs: Map<string, Map<string, string>>;
  /** The jobs that have a matrix, whose outputs GitHub gives as one instance's value. */
  matrixJobs: ReadonlySet<string>;
  /** The nodes that run a called reusable workflow, and what each calls. */
  callers: { id: string; call: CalledWorkflow }[];
  /** Where the jobs upload each artifact from. */
  uploads: UploadedPaths;
  localActions?: LocalActions;
  /** What GitHub calls the workflow (`github.workflow`): its `name`, else the file's path. */
  workflowName: string;
  /** The workflow's own mutexes (its concurrency group's): a job's node does not name them too. */
  runMutex: string[];
}

/** GitHub's errors with their places; the parser's messages start with the file name and place, which we give apart. */
function problemsOf(errors: { message: string; rawMessage: string; range?: { start: { line: number; column: number } } }[]): ImportProblem[] {
  return errors.map((e) => ({ line: e.range?.start.line ?? 1, column: e.range?.start.column ?? 1, message: e.rawMessage.split('\n')[0] }));
}

export async function fromGithubActions(content: string, fileName: string, options: GithubImportOptions = {}): Promise<ImportResult> {
  refuseUnreadableData(content, fileName);
  const parsed = parseWorkflow({ name: fileName, content }, new NoOperationTraceWriter());
  if (parsed.context.errors.count === 0 && parsed.value) await convertWorkflowTemplate(parsed.context, parsed.value);
  const errors = parsed.context.errors.getErrors();
  if (errors.length || !parsed.value)
    throw new ImportError(fileName, errors.length ? problemsOf(errors) : [{ line: 1, column: 1, message: 'the file holds no workflow' }]);
  let data: unknown;
  try {
    // What the aliases expand to is bounded above; how often they are used is not.
    data = parse(content, { maxAliasCount: -1 });
  } catch (e) {
    throw new ImportError(fileName, [{ line: 1, column: 1, message: `the YAML cannot be read as data: ${(e as Error).message}` }]);
  }
  const root = tokenValue(parsed.value, data) as Json;
  const defaults = isObject(root.defaults) && isObject(root.defaults.run) ? root.defaults.run : {};
  const declared = inputsOf(root.on);
  const ctx: Context = {
    notes: [],
    inputs: new GithubValueInputs(new Set(Object.keys(declared))),
    comments: [],
    defaultShell: typeof defaults.shell === 'string' ? shellFromGithub(defaults.shell) : undefined,
    githubShell: typeof defaults.shell === 'string' ? defaults.shell : undefined,
    defaultDir: typeof defaults['working-directory'] === 'string' ? defaults['working-directory'] : undefined,
    baseDir: options.baseDir ?? '',
    renamedOutputs: new Map(),
    callers: [],
    nodeIds: new Set(isObject(root.jobs) ? Object.keys(root.jobs) : []),
    matrixJobs: matrixJobs(isObject(root.jobs) ? root.jobs : {}),
    uploads: uploadedPaths(isObject(root.jobs) ? root.jobs : {}),
    localActions: options.localActions,
    workflowName: typeof root.name === 'string' ? root.name : fileName,
    runMutex: [],
  };
  const top = collecting(ctx, () => workflowTop(root, fileName, ctx));
  const nodes: Record<string, NodeDoc> = {};
  const jobs = isObject(root.jobs) ? root.jobs : {};
  for (const [id, job] of Object.entries(jobs)) if (isObject(job)) Object.assign(nodes, jobNodes(id, job, lineOf(jobs, id), ctx));
  renameOutputReferences(nodes, ctx.renamedOutputs);
  for (const { id } of ctx.callers) {
    const read = outputsRead(nodes, id);
    if (read.length) nodes[id] = { ...nodes[id], outputs: read };
  }
  // GitHub runs a job's steps in the workspace: from a file below the repository's root, that is a folder up.
  const workspace = ctx.baseDir && ctx.baseDir !== '.' ? posix.relative(ctx.baseDir, '.') : undefined;
  const defaultsValues = { ...(ctx.defaultShell ? { shell: ctx.defaultShell } : {}), ...(workspace ? { cwd: workspace } : {}) };
  const defaultsDoc = Object.keys(defaultsValues).length ? { defaults: defaultsValues } : {};
  const inputs = { ...declared, ...ctx.inputs.declarations() };
  const { name, ...rest } = top.value;
  const doc: Json = { version: 1, name, ...(Object.keys(inputs).length ? { inputs } : {}), ...rest, ...defaultsDoc, nodes };
  const triggers = isObject(root.on) ? Object.keys(root.on) : typeof root.on === 'string' ? [root.on] : Array.isArray(root.on) ? root.on.map(String) : [];
  const header = [`Imported from the GitHub Actions workflow ${fileName}.`];
  if (triggers.some((t) => t !== 'workflow_dispatch' && t !== 'workflow_call'))
    header.push(`Its triggers (${triggers.join(', ')}) are GitHub's: run this one with Run Workflow or maestro-dag run.`);
  const asked = ctx.inputs.summary();
  if (asked) header.push(`What GitHub gives a run is asked for as required inputs: ${asked}.`);
  header.push(...top.notes.map(notImportedLine).map((l) => l.slice(2)));
  const calls = ctx.callers.map((c) => c.call).filter((c, i, all) => all.findIndex((o) => o.path === c.path) === i);
  return { text: yamlText(doc, { header: header.join('\n'), comments: ctx.comments }), notImported: ctx.notes, ...(calls.length ? { calls } : {}) };
}

/** `inputs.<name>` (or `github.event.inputs.<name>`) of an input the workflow declares, as our expression reads it. */
function inputRead(operand: string, ctx: Context): string | undefined {
  const name = /^(?:github\.event\.)?inputs\.([A-Za-z_][A-Za-z0-9_-]*)$/.exec(operand)?.[1];
  return name !== undefined && ctx.inputs.declares(name) ? `inputs.${name}` : undefined;
}

/** The workflow's own settings: its name, env, and mutex (its concurrency group's, which jobs then do not name too). */
function workflowTop(root: Json, fileName: string, ctx: Context): NodeDoc & { name: string } {
  const name = typeof root.name === 'string' ? fromGithubValue(root.name, false, ctx, lineOf(root, 'name')) : posix.basename(fileName).replace(/\.ya?ml$/, '');
  const env = isObject(root.env) ? { env: valuesOf(root.env, ctx, lineOf(root, 'env')) } : {};
  ctx.runMutex = concurrencyGroupMutex(root.concurrency, {
    of: 'run',
    known: { 'github.workflow': ctx.workflowName },
    reads: (operand) => inputRead(operand, ctx),
    note: (what) => ctx.notes.push(`the workflow (line ${lineOf(root, 'concurrency')}): ${what}`),
  });
  return { name, ...env, ...mutexDoc(ctx.runMutex) };
}

function inputsOf(on: unknown): Record<string, Json> {
  if (!isObject(on)) return {};
  const dispatch = isObject(on.workflow_dispatch) && isObject(on.workflow_dispatch.inputs) ? on.workflow_dispatch.inputs : {};
  const call = isObject(on.workflow_call) && isObject(on.workflow_call.inputs) ? on.workflow_call.inputs : {};
  const inputs: Record<string, Json> = {};
  for (const [name, raw] of Object.entries({ ...call, ...dispatch })) {
    const spec = isObject(raw) ? raw : {};
    const type = spec.type === 'boolean' || spec.type === 'number' ? spec.type : 'string';
    const options = Array.isArray(spec.options) ? ` One of: ${spec.options.join(', ')}.` : '';
    const description = `${typeof spec.description === 'string' ? spec.description : ''}${options}`.trim();
    const dflt = typeof spec.default === 'string' || typeof spec.default === 'number' || typeof spec.default === 'boolean' ? spec.default : undefined;
    inputs[name] = {
      type,
      ...(dflt !== undefined ? { default: dflt } : {}),
      ...(description ? { description } : {}),
      ...(spec.required === true ? { required: true } : {}),
    };
  }
  return inputs;
}

/** An env map's values in our words; `line`: the map's, for an entry whose own line is not known. */
const valuesOf = (map: Json, ctx: Context, line: number): Record<string, string> =>
  Object.fromEntries(Object.entries(map).map(([k, v]) => [k, fromGithubValue(textOf(v), false, ctx, lineOf(map, k) || line)]));

/** The notes made while `make` runs, so that they can go with the node they are about. */
function collecting<T>(ctx: Context, make: () => T): { value: T; notes: string[] } {
  const before = ctx.notes.length;
  const value = make();
  return { value, notes: ctx.notes.slice(before) };
}

function jobNodes(id: string, job: Json, line: number, ctx: Context): Record<string, NodeDoc> {
  const { value: node, notes } = collecting(ctx, () => (typeof job.uses === 'string' ? reusableJob(id, job, line, ctx) : jobNode(id, job, ctx)));
  const gateId = unusedName(ctx.nodeIds, `${id}-approval`);
  const gate = environmentGate(id, gateId, job, node, ctx);
  const commentTarget = gate && !isExportedGate(Array.isArray(job.steps) ? job.steps : []) ? gateId : id;
  for (const made of Object.keys(gate ?? {})) ctx.nodeIds.add(made);
  const nodeNotes = notes.filter((n) => !(typeof node.run === 'string' && node.run.includes(notImportedLine(n))));
  if (nodeNotes.length)
    ctx.comments.push({
      path: ['nodes', commentTarget],
      comment: nodeNotes
        .map(notImportedLine)
        .map((l) => l.slice(2))
        .join('\n'),
    });
  return gate ?? { [id]: node };
}

/**
 * A job with `environment:` waits for that environment's reviewers on GitHub: here, a gate before it, `gateId`, a
 * name no job has (a workflow may have a job called `deploy-approval` of its own).
 */
function environmentGate(id: string, gateId: string, job: Json, node: NodeDoc, ctx: Context): Record<string, NodeDoc> | undefined {
  if (job.environment === undefined) return undefined;
  const env = isObject(job.environment) ? job.environment.name : job.environment;
  const steps = Array.isArray(job.steps) ? job.steps : [];
  if (isExportedGate(steps)) {
    const stepName = isObject(steps[0]) && typeof steps[0].name === 'string' ? steps[0].name : '';
    const prompt = stepName.startsWith('Approval: ') ? fromGithubValue(stepName.slice('Approval: '.length), false, ctx, lineOf(job, 'steps')) : undefined;
    const { run: _run, shell: _shell, cwd: _cwd, ...rest } = node;
    return { [id]: { ...rest, approval: prompt !== undefined ? { prompt } : {} } };
  }
  const prompt = `Go ahead with ${id} in the environment '${textOf(env)}'? (GitHub keeps this environment's protection rules in the repository's settings, not in the file.)`;
  const gate: NodeDoc = { ...(node.needs ? { needs: node.needs } : {}), approval: { prompt } };
  return { [gateId]: gate, [id]: { ...node, needs: [gateId] } };
}

function reusableJob(id: string, job: Json, line: number, ctx: Context): NodeDoc {
  const uses = textOf(job.uses);
  const path = calledImportPath(uses);
  const needs = job.needs !== undefined ? needsOf(job.needs) : [];
  if (path === undefined) {
    const note = `job '${id}' (line ${line}) calls the reusable workflow ${uses} of another repository: import that workflow too and make this a 'workflow:' node`;
    ctx.notes.push(note);
    return { ...(needs.length ? { needs } : {}), run: `${notImportedLine(note)}\nexit 1` };
  }
  const jobCtx: Context = { ...ctx, needs };
  const at = (key: string) => lineOf(job, key) || line;
  const note = (what: string) => ctx.notes.push(what);
  ctx.callers.push({ id, call: { uses, path } });
  ctx.comments.push({ path: ['nodes', id], comment: `Runs ${uses.replace(/^\.\//, '')}: import it too, as ${path.slice(2)} beside this file.` });
  return {
    ...(typeof job.name === 'string' ? { name: fromGithubValue(job.name, false, jobCtx, at('name')) } : {}),
    ...(needs.length ? { needs } : {}),
    ...(job.if !== undefined ? { if: fromGithubValue(textOf(job.if), true, jobCtx, at('if')) } : {}),
    ...reusableCallNode(id, job, path, jobCtx, line, note),
  };
}

/** A job's needs, each once (GitHub takes `needs: [a, a]`; our needs list a node once). */
const needsOf = (needs: unknown): string[] => [...new Set(Array.isArray(needs) ? needs.map(String) : [textOf(needs)])];

function jobNode(id: string, job: Json, workflowCtx: Context): NodeDoc {
  const at = (key: string) => lineOf(job, key);
  const needs = job.needs !== undefined ? needsOf(job.needs) : [];
  // The job's values read `needs.*` as its own needs.
  const ctx: Context = { ...workflowCtx, needs };
  const jobDefaults = isObject(job.defaults) && isObject(job.defaults.run) ? job.defaults.run : {};
  const named = typeof jobDefaults.shell === 'string' || ctx.githubShell !== undefined;
  // GitHub's default shell is the runner's: PowerShell on Windows.
  const githubShell = typeof jobDefaults.shell === 'string' ? jobDefaults.shell : (ctx.githubShell ?? windowsDefaultShell(job));
  const shell = typeof jobDefaults.shell === 'string' || !named ? shellFromGithub(githubShell) : ctx.defaultShell;
  const dir = typeof jobDefaults['working-directory'] === 'string' ? jobDefaults['working-directory'] : ctx.defaultDir;
  const envNames = new Set(isObject(job.env) ? Object.keys(job.env) : []);
  const steps = importSteps(Array.isArray(job.steps) ? job.steps : [], job, {
    defaultShell: shell,
    githubShell,
    defaultDir: dir,
    envNames,
    inputs: ctx.inputs,
    needs,
    uploads: ctx.uploads,
    localActions: ctx.localActions,
    outputs: job.outputs,
  });
  ctx.notes.push(...steps.notes);
  const node: NodeDoc = {};
  if (typeof job.name === 'string') node.name = fromGithubValue(job.name, false, ctx, at('name'));
  if (job.needs !== undefined) node.needs = needs;
  if (job.if !== undefined) node.if = fromGithubValue(textOf(job.if), true, ctx, at('if'));
  // The job's outputs as its steps write them (those of a composite action's steps where it names a using step's).
  const outputs = steps.outputsRead;
  Object.assign(node, jobSettings(id, outputs ? { ...job, outputs, [LINES]: (job as Lined)[LINES] } : job, ctx, steps.outputsAtEnd));
  const systemNote = otherSystemNote(job, named);
  if (systemNote) ctx.notes.push(`job '${id}' (line ${at('runs-on')}): ${systemNote}`);
  if (Object.keys(steps.env).length) node.env = { ...(node.env as Record<string, string> | undefined), ...steps.env };
  // The workflow's default shell is written once, in `defaults`; a script of steps in their own shells needs bash.
  if (steps.shell && steps.shell !== ctx.defaultShell) node.shell = steps.shell;
  else if (!steps.shell && !isPosixShell(ctx.defaultShell)) node.shell = 'bash';
  if (steps.workingDirectory) node.cwd = posix.relative(ctx.baseDir || '.', steps.workingDirectory) || undefined;
  if (!node.cwd) delete node.cwd;
  const script = steps.script.trim() ? steps.script : `${notImportedLine(`job '${id}' has no run steps`)}\ntrue`;
  const services = serviceLines(job.services, job.container !== undefined, ctx, at('services'), (what) =>
    ctx.notes.push(`job '${id}' (line ${at('services')}): ${what}`),
  );
  const run = services ? `${services.lines.join('\n')}\n${script}` : script;
  node.run = run;
  if (services && Object.keys(services.env).length) node.env = { ...(node.env as Record<string, string> | undefined), ...services.env };
  const jobId = node.matrix !== undefined ? withMatrixJobId(run, id) : undefined;
  if (jobId) Object.assign(node, { run: jobId.script, env: { ...(node.env as Record<string, string> | undefined), ...jobId.env } });
  const matrixKeys = isObject(job.strategy) ? writtenMatrixKeys(job.strategy.matrix) : [];
  const group = concurrencyGroupMutex(job.concurrency, {
    of: 'job',
    known: { 'github.workflow': ctx.workflowName, 'github.job': id },
    reads: (operand) => inputRead(operand, ctx) ?? (/^matrix\./.test(operand) && matrixKeys.includes(operand.slice(7)) ? operand : undefined),
    note: (what) => ctx.notes.push(`job '${id}' (line ${at('concurrency')}): ${what}`),
  });
  // GitHub cancels a run whose job waits for the group the run holds, as a deadlock; here the run's mutex covers it.
  for (const name of group.filter((n) => ctx.runMutex.includes(n)))
    ctx.notes.push(`job '${id}' (line ${at('concurrency')}): its concurrency group is the workflow's (${name}), which its run holds already`);
  Object.assign(node, mutexDoc([...group, ...(services?.mutex ?? [])].filter((n) => !ctx.runMutex.includes(n))));
  if (steps.retry) node.retry = retryDoc(steps.retry);
  const artifacts = artifactsOf(steps.artifacts, steps.workingDirectory, (what) => ctx.notes.push(`job '${id}' (line ${at('steps')}): ${what}`));
  if (artifacts.length) node.artifacts = artifacts;
  for (const what of matrixOutputsRead(node, ctx.matrixJobs)) ctx.notes.push(`job '${id}' (line ${at('needs')}) ${what}`);
  return node;
}

/**
 * The uploaded paths as artifacts of the node, relative to its working directory; a path outside it (absolute, or
 * beside the directory a job's `working-directory` names) is left out and noted: artifacts are collected under cwd.
 */
function artifactsOf(paths: readonly string[], workingDirectory: string | undefined, note: (what: string) => void): string[] {
  return paths.flatMap((path) => {
    const relative = workingDirectory && !posix.isAbsolute(path) ? posix.relative(workingDirectory, path) : path;
    if (!posix.isAbsolute(relative) && relative !== '..' && !relative.startsWith('../')) return [relative || '.'];
    const where = posix.isAbsolute(path)
      ? 'is an absolute path'
      : workingDirectory
        ? `is outside the working directory '${workingDirectory}'`
        : "climbs out of the workspace with '..'";
    note(`the uploaded artifact '${path}' ${where}: a node's artifacts are paths under its cwd`);
    return [];
  });
}

function jobSettings(id: string, job: Json, ctx: Context, outputsAtEnd: ReadonlySet<string>): NodeDoc {
  const at = (key: string) => lineOf(job, key);
  const note = (key: string, what: string) => ctx.notes.push(`job '${id}' (line ${at(key)}): ${what}`);
  const node: NodeDoc = {};
  const image = typeof job.container === 'string' ? job.container : isObject(job.container) ? job.container.image : undefined;
  if (typeof image === 'string') node.image = image;
  const timeout = job['timeout-minutes'];
  if (timeout !== undefined) {
    const text = typeof timeout === 'number' ? durationOfCount(timeout, 60_000) : undefined;
    if (text !== undefined) node.timeout = text;
    else if (typeof timeout === 'number') note('timeout-minutes', `timeout-minutes ${textOf(timeout)} is not a positive number of minutes: write a duration`);
    else note('timeout-minutes', `timeout-minutes is an expression (${textOf(timeout)}): write a duration`);
  }
  const keepsGoing = job['continue-on-error'];
  if (keepsGoing === true || keepsGoing === 'true') node.continueOnError = true;
  else if (keepsGoing !== undefined && keepsGoing !== false && keepsGoing !== 'false') {
    const decided = continueOnErrorOf(textOf(keepsGoing), ctx, at('continue-on-error'));
    if ('problem' in decided) note('continue-on-error', decided.problem);
    else node.continueOnError = decided.expression;
  }
  if (job.strategy !== undefined)
    Object.assign(
      node,
      matrixOf(
        job.strategy,
        (what) => note('strategy', what),
        (text) => fromGithubValue(text, false, ctx, at('strategy')),
      ),
    );
  if (isObject(job.env)) node.env = valuesOf(job.env, ctx, at('env'));
  if (isObject(job.outputs)) {
    const { declared, renamed } = jobOutputs(job.outputs, (what) => note('outputs', what), outputsAtEnd);
    if (declared.length) node.outputs = declared;
    if (renamed.size) ctx.renamedOutputs.set(id, renamed);
  }
  return node;
}

/**
 * A job's `continue-on-error` expression as a node's `continueOnError`, which reads only `inputs` and `matrix`
 * (decided when the run starts); else what to write instead.
 */
function continueOnErrorOf(value: string, ctx: Context, line: number): { expression: string } | { problem: string } {
  const notes: string[] = [];
  const text = fromGithubValue(value, false, { notes, inputs: ctx.inputs, needs: ctx.needs }, line);
  const other = [...contextsRead(text, false)].find((root) => root !== 'inputs' && root !== 'matrix');
  if (notes.length || other !== undefined || !text.trim().startsWith('${{'))
    return { problem: `continue-on-error is ${value}: a node's continueOnError reads only inputs and the matrix (write true or false)` };
  return { expression: text };
}
