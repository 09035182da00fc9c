// One DAG task of an Argo workflow and its template as one of our nodes.
import { isPowerShell, withoutPowershellLines } from '../../platform/powershell';
import { secretKeyRefOf } from './secrets';
import { isObject, type Json, textOf } from '../../json';
import { runsPastFailures, SCRIPT_FILE_PLACEHOLDER, shellFromWords, shellText, shellWord } from '../../platform/shells';
import { mutexDoc, notImportedLine, type NodeDoc } from '../importTypes';
import { WORK_DIR } from './names';
import { isEngineVariable } from './engineVariables';
import { DEFAULT_IMAGE, imageForShell } from './images';
import { argoReference, fromArgoName, fromArgoText, fromArgoWhen, withArguments, type ArgoTextScope } from './importText';
import { mutexNameAround, mutexNameOf } from '../../mutexNames';
import { APPROVAL_PROMPT_ANNOTATION, CONTINUE_ON_ERROR_ANNOTATION, MATRIX_KEY_ANNOTATION, NODE_NAME_ANNOTATION } from './names';
import { scriptFromSource } from './script';
import { sidecarLines } from './sidecars';
import { parseGoDuration, retryFromArgo } from './retry';
import { durationOfCount, durationText } from '../../duration';
import { dependsToNeeds } from './depends';
import { unreadTaskFields, unreadTemplateFields } from './unreadFields';
import { expandMatrix, instanceId, MAX_MATRIX_INSTANCES } from '../../matrix';
import { matrixOfParam } from './fanOut';
import type { Scalar } from '../../model';

export interface TaskInput {
  id: string;
  task: Json;
  template: Json | undefined;
  line: number;
  scope: ArgoTextScope;
  /** The workflow's env: the export wrote it into every script; a script's own value for a name stays the node's. */
  workflowEnv: Readonly<Record<string, string>>;
}

export function taskNode(input: TaskInput): NodeDoc {
  const { task, template, scope, line } = input;
  const where = `task '${textOf(task.name)}' (line ${line})`;
  const node: NodeDoc = {};
  const annotations = isObject(template?.metadata) && isObject(template.metadata.annotations) ? template.metadata.annotations : {};
  if (typeof annotations[NODE_NAME_ANNOTATION] === 'string') node.name = fromArgoText(annotations[NODE_NAME_ANNOTATION], scope, where);
  // First: a matrix of plain values names the key `{{item}}` reads.
  const matrix = matrixOf(task, template, scope, where);
  const { needs, status, problem } = dependsToNeeds(task, scope.ids, scope.neededTasks);
  if (problem) scope.notes.push(`${where}: ${problem}`);
  const unread = unreadTaskFields(task);
  if (unread) scope.notes.push(`${where}: ${unread}`);
  if (needs.length) node.needs = needs;
  const when = typeof task.when === 'string' ? fromArgoWhen(task.when, scope, where) : undefined;
  if (status || when) node.if = status && when ? `${status} && (${when})` : (status ?? when);
  if (continuesOnError(task, template)) node.continueOnError = true;
  Object.assign(node, matrix);
  if (!template) {
    const what =
      task.templateRef !== undefined
        ? 'a templateRef (a template of another WorkflowTemplate)'
        : `the template '${textOf(task.template)}', which the file does not define`;
    return { ...node, run: leftBehind(scope, `${where} runs ${what}: import that template and put its commands here`) };
  }
  if (template.suspend !== undefined) {
    const prompt = annotations[APPROVAL_PROMPT_ANNOTATION];
    return { ...node, approval: typeof prompt === 'string' ? { prompt } : {} };
  }
  const unreadInTemplate = unreadTemplateFields(template).other;
  if (unreadInTemplate.length) scope.notes.push(`${where}: its template's ${unreadInTemplate.join(', ')}: no counterpart here`);
  Object.assign(node, settingsOf(template, scope, where));
  const stdoutAs = scope.results.get(textOf(task.name));
  if (stdoutAs !== undefined) node.stdoutAs = stdoutAs;
  return withSidecars({ ...node, ...commandOf(template, scope, where, input.workflowEnv) }, template, scope, where);
}

/** The node with its template's sidecars started before its script (see sidecars.ts), their ports among its mutexes. */
function withSidecars(node: NodeDoc, template: Json, scope: ArgoTextScope, where: string): NodeDoc {
  const sidecars = typeof node.run === 'string' ? sidecarLines(template, scope, where) : undefined;
  if (!sidecars) return node;
  const env = { ...(node.env as Record<string, string> | undefined), ...sidecars.env };
  return {
    ...node,
    ...(Object.keys(env).length ? { env } : {}),
    ...mutexDoc([...[node.mutex ?? []].flat().map(String), ...sidecars.mutex]),
    run: `${sidecars.lines.join('\n')}\n${String(node.run)}`,
  };
}

function axesOf(items: Json[]): Record<string, unknown[]> {
  const keys = Object.keys(items[0] ?? {});
  return Object.fromEntries(keys.map((k) => [k, [...new Set(items.map((i) => i[k]))]]));
}

/** Items of maps that are every combination of their keys' values, each once: what a matrix's axes make. */
function isFullProduct(items: Json[]): boolean {
  const axes = axesOf(items);
  const keys = Object.keys(axes);
  if (items.some((i) => Object.keys(i).length !== keys.length || keys.some((k) => !(k in i)))) return false;
  if (Object.values(axes).reduce((n, values) => n * values.length, 1) !== items.length) return false;
  const made = new Set(expandMatrix({ id: '', matrix: { axes: axes as Record<string, Scalar[]>, exclude: [], include: [] } }, Infinity).map((m) => m.id));
  const given = new Set(items.map((i) => instanceId('', Object.fromEntries(keys.map((k) => [k, i[k] as Scalar])))));
  return made.size === items.length && given.size === items.length && [...given].every((id) => made.has(id));
}

function matrixOf(task: Json, template: Json | undefined, scope: ArgoTextScope, where: string): NodeDoc {
  if (task.withParam !== undefined) return paramMatrixOf(task, template, scope, where);
  if (task.withSequence !== undefined) return sequenceMatrixOf(task.withSequence, scope, where);
  if (!Array.isArray(task.withItems)) return {};
  const items = task.withItems;
  if (!items.every(isObject)) return { matrix: { item: items } };
  return { matrix: isFullProduct(items) ? axesOf(items) : { include: items } };
}

/**
 * `withParam` over another task's output parameter or a workflow parameter: a matrix made at run time, of `include`
 * entries where the task reads `{{item.k}}`, else of plain values under the key `item`.
 */
function paramMatrixOf(task: Json, template: Json | undefined, scope: ArgoTextScope, where: string): NodeDoc {
  const variable = typeof task.withParam === 'string' ? /^\s*\{\{\s*([^{}]+?)\s*\}\}\s*$/.exec(task.withParam)?.[1] : undefined;
  const reference = variable !== undefined ? argoReference(variable, scope) : undefined;
  if (!reference) {
    scope.notes.push(`${where} fans out with withParam over ${textOf(task.withParam)}, which has no local value`);
    return {};
  }
  // A text with a whole `{{item}}` (not only `{{item.k}}`) reads plain values.
  const readsPlainItems = /\{\{\s*item\s*\}\}/.test(JSON.stringify([task.arguments ?? null, task.when ?? null, template ?? null]));
  const annotations = isObject(template?.metadata) && isObject(template.metadata.annotations) ? template.metadata.annotations : {};
  const key = typeof annotations[MATRIX_KEY_ANNOTATION] === 'string' ? annotations[MATRIX_KEY_ANNOTATION] : 'item';
  if (readsPlainItems) scope.itemKey = key;
  return { matrix: matrixOfParam(reference, readsPlainItems ? key : undefined) };
}

/** `withSequence` of literal numbers: a matrix of one key, `item`, over the numbers it counts (as text, as Argo gives them). */
function sequenceMatrixOf(sequence: unknown, scope: ArgoTextScope, where: string): NodeDoc {
  const number = (v: unknown): number | undefined => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : undefined;
    return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
  };
  const s = isObject(sequence) ? sequence : {};
  const count = number(s.count);
  const start = number(s.start) ?? 0;
  const end = count !== undefined ? start + count - 1 : number(s.end);
  const literal =
    isObject(sequence) &&
    s.format === undefined &&
    end !== undefined &&
    (s.count === undefined) !== (s.end === undefined) &&
    (count === undefined || count >= 1);
  if (!literal || Math.abs(end - start) + 1 > MAX_MATRIX_INSTANCES) {
    scope.notes.push(
      `${where} fans out with withSequence ${textOf(sequence)}: write the values as a matrix (literal counts from 1 to ${MAX_MATRIX_INSTANCES}, without format, are imported)`,
    );
    return {};
  }
  const step = end >= start ? 1 : -1;
  const values = Array.from({ length: Math.abs(end - start) + 1 }, (_, i) => String(start + i * step));
  return { matrix: { item: values } };
}

function settingsOf(template: Json, scope: ArgoTextScope, where: string): NodeDoc {
  const node: NodeDoc = {};
  if (template.activeDeadlineSeconds !== undefined) {
    const timeout = durationOfCount(template.activeDeadlineSeconds, 1000);
    if (timeout !== undefined) node.timeout = timeout;
    else scope.notes.push(`${where}: activeDeadlineSeconds ${textOf(template.activeDeadlineSeconds)} is not a positive number of seconds`);
  }
  if (isObject(template.retryStrategy)) {
    const { retry, problem } = retryFromArgo(template.retryStrategy);
    if (retry !== undefined) node.retry = retry;
    if (problem) scope.notes.push(`${where}: ${problem}`);
  }
  if (isObject(template.outputs) && Array.isArray(template.outputs.parameters)) {
    node.outputs = template.outputs.parameters.filter(isObject).map((p) => textOf(p.name));
  }
  if (isObject(template.memoize)) node.cache = cacheOfMemoize(template.memoize, scope, where);
  if (template.synchronization !== undefined)
    Object.assign(node, mutexOfSynchronization(template.synchronization, scope.notes, `${where}: its template's`, scope));
  return node;
}

/**
 * A `synchronization`, of a template (its node's) or of the workflow (the run's): its mutexes (`mutex`, or `mutexes`
 * since Argo 3.6) are the node's or the run's, a name written as ours allows (Argo's are shared by the namespace's
 * workflows, ours by the runs of this machine's user); a semaphore, which lets some at once, is noted. `whose`
 * begins each note: `task 'a' (line 4): its template's`, `the workflow's`.
 */
export function mutexOfSynchronization(sync: unknown, notes: string[], whose: string, scope?: ArgoTextScope): NodeDoc {
  const s = isObject(sync) ? sync : {};
  const mutexes: Json[] = [...(isObject(s.mutex) ? [s.mutex] : []), ...(Array.isArray(s.mutexes) ? s.mutexes.filter(isObject) : [])];
  const names: string[] = [];
  for (const written of mutexes.map((m) => textOf(m.name))) {
    if (!written.includes('{{')) {
      names.push(mutexNameOf(written));
      continue;
    }
    // The workflow's parameters (and a template's item), filled in when the run starts here too.
    const ours = fromArgoName(written, scope, scope ? ['inputs', 'matrix'] : ['inputs']);
    const name = ours === undefined ? '' : mutexNameAround(ours);
    if (name) names.push(name);
    else notes.push(`${whose} mutex '${written}' is named by Argo variables with no value here when the run starts: give it a name of its own`);
  }
  if (s.semaphore !== undefined || (Array.isArray(s.semaphores) && s.semaphores.length > 0))
    notes.push(`${whose} semaphore (some at once, as a ConfigMap says) has no counterpart here: give mutex where one at a time will do`);
  return mutexDoc(names);
}

/**
 * Argo reuses a memoized result by a key of the author's choosing, made of the inputs the script is given; here the
 * key is the script with those values in it, and the rest of what it runs with: the same results are reused, or
 * fewer. What the script reads from files is said by cache.files, which Argo has no counterpart of.
 */
function cacheOfMemoize(memoize: Json, scope: ArgoTextScope, where: string): true | { ttl: string } {
  const maxAge = typeof memoize.maxAge === 'string' ? memoize.maxAge.trim() : '';
  const ttl = maxAge ? parseGoDuration(maxAge) : undefined;
  const key = typeof memoize.key === 'string' ? ` (key ${memoize.key})` : '';
  scope.notes.push(
    `${where} is memoized${key}: here its result is reused when it would run with the same script, settings and cache.files; list the files it reads under cache.files`,
  );
  if (maxAge && !ttl) scope.notes.push(`${where}: memoize.maxAge '${maxAge}' is not a positive duration: give cache.ttl`);
  return ttl ? { ttl: durationText(ttl) } : true;
}

function commandOf(template: Json, scope: ArgoTextScope, where: string, workflowEnv: Readonly<Record<string, string>>): NodeDoc {
  const body = isObject(template.script) ? template.script : isObject(template.container) ? template.container : undefined;
  if (!body) {
    const kind = ['resource', 'http', 'dag', 'steps', 'data', 'containerSet', 'plugin'].find((k) => template[k] !== undefined) ?? 'unknown';
    return { run: leftBehind(scope, `${where} runs a '${kind}' template, which the local engine has no counterpart for`) };
  }
  const node: NodeDoc = {};
  const command = Array.isArray(body.command) ? body.command.map(String) : [];
  const shell = isObject(template.script) && command.length ? shellOfCommand(command) : undefined;
  // The image an export gives a node of that shell goes without saying.
  const usual = isObject(template.script) ? (imageForShell(shell) ?? DEFAULT_IMAGE) : DEFAULT_IMAGE;
  if (typeof body.image === 'string' && body.image !== usual) node.image = body.image;
  if (typeof body.workingDir === 'string') {
    const dir = body.workingDir.startsWith(`${WORK_DIR}/`) ? body.workingDir.slice(WORK_DIR.length + 1) : body.workingDir;
    if (dir && body.workingDir !== WORK_DIR) node.cwd = dir;
  }
  const env: Record<string, string> = {};
  for (const e of Array.isArray(body.env) ? body.env.filter(isObject) : []) {
    const name = textOf(e.name);
    // The engine gives every script its own (an export writes them for Argo).
    if (isEngineVariable(name)) continue;
    const secret = secretKeyRefOf(e);
    const value = secret ? `\${{ inputs.${scope.secrets.inputFor(secret)} }}` : e.value;
    if (Object.hasOwn(workflowEnv, name) && workflowEnv[name] === value) continue;
    if (secret) env[name] = value as string;
    else if (typeof e.value === 'string') env[name] = fromArgoText(e.value, scope, where);
    else scope.notes.push(`${where}: the variable ${textOf(e.name)} comes from a field or a ConfigMap (valueFrom): set it in env`);
  }
  if (Object.keys(env).length) node.env = env;
  if (isObject(template.script)) {
    if (shell) node.shell = shell;
    const source = scriptFromSource(textOf(template.script.source ?? ''));
    node.run = fromArgoText(isPowerShell(command[0] ?? '') ? withoutPowershellLines(source) : source, scope, where);
  } else {
    const args = Array.isArray(body.args) ? body.args.map(String) : [];
    const words = [...command, ...args].map((w) => shellWord(withArguments(w, scope)));
    node.run = words.length
      ? fromArgoText(words.join(' '), scope, where)
      : leftBehind(scope, `${where}'s container has no command: it runs its image's entrypoint`);
  }
  return node;
}

/**
 * Our `shell` for a script template's command, which Argo gives the script's file: a POSIX shell without `-e`
 * (`[sh]`, `[bash, -x]`) runs on past a failing command there, as `sh {0}` does here.
 */
function shellOfCommand(command: string[]): string | undefined {
  const withFile = shellText([...command, SCRIPT_FILE_PLACEHOLDER]);
  return runsPastFailures(withFile) ? withFile : shellFromWords(shellText(command));
}

/** A script that stands for what could not be imported: the note, then a failure until someone writes it. */
function leftBehind(scope: ArgoTextScope, note: string): string {
  scope.notes.push(note);
  return `${notImportedLine(note)}\nexit 1`;
}

/** A task under continueOn for a failure, or whose template our export annotated so (Argo has no continueOn beside `depends`). */
export function continuesOnError(task: Json, template: Json | undefined): boolean {
  if (isObject(task.continueOn) && task.continueOn.failed === true) return true;
  const metadata = isObject(template?.metadata) ? template.metadata : {};
  return isObject(metadata.annotations) && metadata.annotations[CONTINUE_ON_ERROR_ANNOTATION] === 'true';
}
