// A step that uses a composite action of the repository (`uses: ./.github/actions/setup`) runs that action's steps
// in its job, as GitHub's runner does: they are put in its place, each `${{ inputs.X }}` of the action given what the
// step's `with:` passes (or the input's default), `github.action_path` the action's folder. The import is given the
// actions' files (`action.yml`) by whoever reads files (the CLI, the extension): `readLocalActions` finds them.
import { posix } from 'node:path';
import { parse } from 'yaml';
import { isObject, type Json, textOf } from '../../json';
import { conditionSource, findTemplates } from '../../expressions/template';
import { chainNames } from '../../expressions/references';
import { rewriteExpressions, type RefMapper } from '../expressionMap';
import { LINES, type Lined } from './tokens';

/** By the path a step's `uses:` names (`./.github/actions/setup`, as written), the text of that action's file. */
export type LocalActions = ReadonlyMap<string, string>;

/** The biggest action file read; a bigger one is left as a note. */
export const MAX_ACTION_BYTES = 256 * 1024;
/** How deep composite actions may use one another. */
const MAX_DEPTH = 8;

/** Whether a step's `uses:` names an action of the repository. */
export const isLocalAction = (uses: unknown): uses is string => typeof uses === 'string' && /^\.\/[^@\s]*$/.test(uses.trim());

/** The folder a local action is in, relative to the repository (`.github/actions/setup`). */
const folderOf = (uses: string): string => uses.trim().replace(/^\.\//, '').replace(/\/+$/, '');

/** The local actions the steps of a workflow's jobs (or of a composite action) use. */
function localUses(data: unknown): string[] {
  const stepsOf = (owner: unknown): unknown[] => (isObject(owner) && Array.isArray(owner.steps) ? owner.steps : []);
  const owners = isObject(data) && isObject(data.jobs) ? Object.values(data.jobs) : isObject(data) && isObject(data.runs) ? [data.runs] : [];
  return owners.flatMap(stepsOf).flatMap((s) => (isObject(s) && isLocalAction(s.uses) ? [s.uses.trim()] : []));
}

/**
 * The files of the local actions a workflow uses, and those they use in turn, read with `read` (a path relative to the
 * repository: `.github/actions/setup/action.yml`, then `action.yaml`; undefined where there is none).
 */
export async function readLocalActions(workflowText: string, read: (path: string) => Promise<string | undefined>): Promise<LocalActions> {
  const found = new Map<string, string>();
  let pending = usesIn(workflowText);
  for (let depth = 0; pending.length && depth <= MAX_DEPTH; depth++) {
    const next: string[] = [];
    for (const uses of pending) {
      if (found.has(uses)) continue;
      const folder = folderOf(uses);
      const text = (await read(`${folder}/action.yml`)) ?? (await read(`${folder}/action.yaml`));
      if (text === undefined || text.length > MAX_ACTION_BYTES) continue;
      found.set(uses, text);
      next.push(...usesIn(text));
    }
    pending = next;
  }
  return found;
}

function usesIn(text: string): string[] {
  try {
    return localUses(parse(text, { maxAliasCount: 100 }));
  } catch {
    return [];
  }
}

/** A composite action: its inputs' defaults, its steps, and its outputs' values (`${{ steps.x.outputs.y }}`). */
interface Composite {
  name?: string;
  defaults: Map<string, string>;
  steps: Json[];
  outputs: Map<string, string>;
}

/** An action file read as a composite action; or why it is none. */
function compositeOf(text: string): Composite | { problem: string } {
  let data: unknown;
  try {
    data = parse(text, { maxAliasCount: 100 });
  } catch (e) {
    return { problem: `whose action file cannot be read as YAML (${(e as Error).message.split('\n')[0]})` };
  }
  const runs = isObject(data) && isObject(data.runs) ? data.runs : undefined;
  if (!runs || runs.using !== 'composite' || !Array.isArray(runs.steps))
    return { problem: `which runs with '${textOf(runs?.using ?? 'nothing')}', not as a composite action of steps` };
  const defaults = new Map<string, string>();
  if (isObject(data) && isObject(data.inputs))
    for (const [name, input] of Object.entries(data.inputs))
      if (isObject(input) && input.default !== undefined) defaults.set(name.toLowerCase(), textOf(input.default));
  const outputs = new Map<string, string>();
  if (isObject(data) && isObject(data.outputs))
    for (const [name, output] of Object.entries(data.outputs)) if (isObject(output) && output.value !== undefined) outputs.set(name, textOf(output.value));
  const name = isObject(data) && typeof data.name === 'string' ? data.name : undefined;
  return { name, defaults, steps: runs.steps.filter(isObject), outputs };
}

/** A `with:` value as an expression: a text as a literal, one `${{ }}` as its expression, a mix as a `format()`. */
function asExpression(value: string): string {
  // A `${{` that does not parse is text, as it is in the value GitHub gives.
  const parts = findTemplates(value).filter((p) => p.parsed);
  const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
  if (!parts.length) return literal(value);
  if (parts.length === 1 && parts[0].span.start === 0 && parts[0].span.end === value.length) return `(${parts[0].source.trim()})`;
  let format = '';
  let last = 0;
  const args: string[] = [];
  for (const part of parts) {
    format += value.slice(last, part.span.start).replace(/[{}]/g, '$&$&') + `{${args.length}}`;
    args.push(part.source.trim());
    last = part.span.end;
  }
  format += value.slice(last).replace(/[{}]/g, '$&$&');
  return `format(${literal(format)}, ${args.join(', ')})`;
}

/**
 * What an action's `inputs.X` and `github.action_path` are where its steps are put, and the ids its steps take there
 * (after the using step's: `setup-node` for the step `node` of the step `setup`), apart from the job's own.
 */
class ActionValues {
  /** The action's folder from the folder the job's steps run in. */
  readonly path: string;

  constructor(
    private readonly given: ReadonlyMap<string, string>,
    folder: string,
    jobFolder: string | undefined,
    readonly ids: ReadonlyMap<string, string>,
  ) {
    const path = posix.relative(jobFolder ?? '.', folder) || '.';
    this.path = path === '..' || path.startsWith('../') ? path : `./${path}`.replace(/^\.\/\.$/, '.');
  }

  /** The value's text, for a `${{ }}` that is nothing but the reference. */
  textOf(chain: readonly string[] | undefined): string | undefined {
    if (!chain || chain.length !== 2) return undefined;
    const [root, name] = chain.map((c) => c.toLowerCase());
    if (root === 'inputs') return this.given.get(name) ?? '';
    if (root === 'github' && name === 'action_path') return this.path;
    return undefined;
  }

  /**
   * Every value of a step's text with the action's values put in, each reference read once: what a value brings in
   * (the using step's own `${{ inputs.X }}`, its workflow's) is not read again as the action's.
   */
  apply(text: string, isCondition: boolean): string {
    const map: RefMapper = (segments) => {
      const id = segments[0].toLowerCase() === 'steps' && segments[1] !== undefined ? this.ids.get(segments[1].toLowerCase()) : undefined;
      if (id !== undefined) return { length: 2, text: `steps.${id}` };
      const value = this.textOf(segments.slice(0, 2));
      return value === undefined ? undefined : { length: 2, text: asExpression(value) };
    };
    if (isCondition) return rewriteExpressions(text, true, map).text;
    let out = '';
    let last = 0;
    for (const part of findTemplates(text)) {
      if (!part.parsed) continue;
      // A `${{ inputs.X }}` alone is the value's own text, as GitHub writes it there.
      const alone = this.textOf(chainNames(part.parsed.expr));
      const rewritten =
        text.slice(part.span.start, part.exprSpan.start) + rewriteExpressions(part.source, true, map).text + text.slice(part.exprSpan.end, part.span.end);
      out += text.slice(last, part.span.start) + (alone ?? rewritten);
      last = part.span.end;
    }
    return out + text.slice(last);
  }
}

/** A condition's expression, `${{ }}` taken off. */
const conditionText = (value: unknown): string => conditionSource(textOf(value)).source.trim();

/** One step of the action as a step of the job: the action's values put in, the using step's `if` and `env` added. */
function placedStep(step: Json, index: number, user: Json, values: ActionValues, actionName: string | undefined): Json {
  const placed: Json = { ...step };
  if (typeof step.id === 'string') placed.id = values.ids.get(step.id.toLowerCase());
  const label = typeof step.name === 'string' ? step.name : typeof step.id === 'string' ? step.id : `step ${index + 1}`;
  placed.name = `${values.apply(textOf(user.name ?? actionName ?? user.uses), false)}: ${values.apply(label, false)}`;
  for (const key of ['run', 'working-directory', 'shell', 'continue-on-error'] as const)
    if (typeof step[key] === 'string') placed[key] = values.apply(step[key], false);
  const env = { ...(isObject(user.env) ? user.env : {}), ...(isObject(step.env) ? step.env : {}) } as Record<string, unknown>;
  const ownEnv = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, values.apply(textOf(v), false)]));
  if (typeof step.run === 'string') ownEnv.GITHUB_ACTION_PATH = values.path;
  if (Object.keys(ownEnv).length) placed.env = ownEnv;
  if (isObject(step.with)) placed.with = Object.fromEntries(Object.entries(step.with).map(([k, v]) => [k, values.apply(textOf(v), false)]));
  const conditions = [user.if, step.if].filter((c) => c !== undefined).map((c) => conditionText(values.apply(textOf(c), true)));
  if (conditions.length) placed.if = conditions.length === 1 ? conditions[0] : conditions.map((c) => `(${c})`).join(' && ');
  if (user['continue-on-error'] !== undefined && step['continue-on-error'] === undefined) placed['continue-on-error'] = user['continue-on-error'];
  return placed;
}

/** The steps of a job with the local actions put in, and what the using steps' outputs are there. */
export interface PlacedSteps {
  steps: Json[];
  /**
   * By `id.name` (lower case) of a using step's output, the output of the step of the action that writes it
   * (`steps.setup-node.outputs.version`).
   */
  outputs: ReadonlyMap<string, string>;
}

/**
 * The steps of a job with each use of a local composite action replaced by the action's steps, `jobFolder` being the
 * folder the job's steps run in (relative to the repository); `note` hears why one cannot be (its file not given, not a
 * composite action, used too deep), and that step is left as it is. A reference to a using step's output reads the
 * output of the action's step it is.
 */
export function withLocalActions(
  steps: readonly Json[],
  actions: LocalActions,
  jobFolder: string | undefined,
  note: (step: Json, what: string) => void,
): PlacedSteps {
  const outputs = new Map<string, string>();
  const noted: [Json, string][] = [];
  const placed = placeActions(steps, { actions, jobFolder, note: (step, what) => noted.push([step, what]), outputs }, 0);
  // An output of an action that is an output of an action it uses is that one's.
  for (let round = 0; round < MAX_DEPTH; round++)
    for (const [key, chain] of outputs) outputs.set(key, rewriteActionOutputs(`\${{ ${chain} }}`, false, outputs).slice(3, -2).trim());
  const read = placed.map((s) => withOutputsRead(s, outputs));
  // What is noted is said of the step as it is given back.
  for (const [step, what] of noted) note(read[placed.indexOf(step)] ?? step, what);
  return { steps: read, outputs };
}

interface Placing {
  actions: LocalActions;
  jobFolder: string | undefined;
  note: (step: Json, what: string) => void;
  outputs: Map<string, string>;
}

function placeActions(steps: readonly Json[], placing: Placing, depth: number): Json[] {
  return steps.flatMap((step, position) => {
    if (!isLocalAction(step.uses)) return [step];
    const uses = step.uses.trim();
    const text = placing.actions.get(uses);
    const action = text === undefined ? undefined : compositeOf(text);
    if (!action || 'problem' in action || depth >= MAX_DEPTH) {
      const why = !action
        ? 'whose action.yml was not found in the repository'
        : 'problem' in action
          ? action.problem
          : `used inside ${MAX_DEPTH} composite actions`;
      placing.note(step, `uses the action ${uses} of the repository, ${why}: write what it does as commands here`);
      return [step];
    }
    const given = new Map(action.defaults);
    if (isObject(step.with)) for (const [k, v] of Object.entries(step.with)) given.set(k.toLowerCase(), textOf(v));
    const owner = typeof step.id === 'string' ? step.id : `step${position + 1}`;
    const ids = new Map(action.steps.flatMap((s) => (typeof s.id === 'string' ? [[s.id.toLowerCase(), `${owner}-${s.id}`] as const] : [])));
    const values = new ActionValues(given, folderOf(uses), placing.jobFolder, ids);
    if (typeof step.id === 'string')
      for (const [name, value] of action.outputs) {
        const parts = findTemplates(value);
        const chain = parts.length === 1 && parts[0].span.start === 0 && parts[0].span.end === value.length ? chainOf(values.apply(value, false)) : undefined;
        if (chain) placing.outputs.set(`${step.id}.${name}`.toLowerCase(), chain);
      }
    const placed = action.steps.map((s, i) => placedStep(s, i, step, values, action.name));
    // The steps put in are said to be where the using step is, in what the import notes.
    for (const p of placed) (p as Lined)[LINES] = (step as Lined)[LINES];
    return placeActions(placed, placing, depth + 1);
  });
}

/** `steps.X.outputs.Y` of a value that is one `${{ }}` of it, as written. */
function chainOf(value: string): string | undefined {
  const [part] = findTemplates(value);
  const chain = part?.parsed ? chainNames(part.parsed.expr) : undefined;
  return chain?.length === 4 && chain[0].toLowerCase() === 'steps' && chain[2].toLowerCase() === 'outputs' ? chain.join('.') : undefined;
}

/** A value with each read of a using step's output (`steps.setup.outputs.version`) reading the action's step's. */
export function rewriteActionOutputs(text: string, isCondition: boolean, outputs: ReadonlyMap<string, string>): string {
  if (!outputs.size) return text;
  const map: RefMapper = (segments) => {
    if (segments.length < 4 || segments[0].toLowerCase() !== 'steps' || segments[2].toLowerCase() !== 'outputs') return undefined;
    const to = outputs.get(`${segments[1]}.${segments[3]}`.toLowerCase());
    return to === undefined ? undefined : { length: 4, text: to };
  };
  return rewriteExpressions(text, isCondition, map).text;
}

/** A step whose values read the using steps' outputs where the actions' steps write them. */
function withOutputsRead(step: Json, outputs: ReadonlyMap<string, string>): Json {
  if (!outputs.size) return step;
  const out: Json = { ...step };
  for (const key of ['run', 'working-directory', 'continue-on-error'] as const)
    if (typeof step[key] === 'string') out[key] = rewriteActionOutputs(step[key], false, outputs);
  if (step.if !== undefined) out.if = rewriteActionOutputs(textOf(step.if), true, outputs);
  for (const key of ['env', 'with'] as const)
    if (isObject(step[key])) out[key] = Object.fromEntries(Object.entries(step[key]).map(([k, v]) => [k, rewriteActionOutputs(textOf(v), false, outputs)]));
  if (JSON.stringify(out) === JSON.stringify(step)) return step;
  // The lines the import notes are kept (they are not an enumerable property, which a spread copies).
  (out as Lined)[LINES] = (step as Lined)[LINES];
  return out;
}
