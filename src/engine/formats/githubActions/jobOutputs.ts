// A job's outputs as a node's. GitHub names a job's outputs apart from the step outputs they take
// (`ver: ${{ steps.v.outputs.version }}`); a node's outputs are what its one script writes, so the node declares the
// names its steps write, and the references to the job's own names are written with those.
import { isObject, textOf, type Json } from '../../json';
import { namesWrittenTo } from './stepOutputs';
import { rewriteExpressions, type RefMapper } from '../expressionMap';
import type { NodeDoc } from '../importTypes';

export interface JobOutputs {
  /** What the node declares: the names its steps write. */
  declared: string[];
  /** The job's output names that the node declares under another name, each with that name. */
  renamed: Map<string, string>;
}

const STEP_OUTPUT = /^\$\{\{\s*steps\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}$/;

/** A job output taken from a step's output: the step's id and the output's name. */
export interface TakenOutput {
  step: string;
  output: string;
}

/**
 * The job outputs its script writes itself when its steps have run (see guardedSteps.ts), each with the step output it
 * takes: those a node's one output file would otherwise give another value, because another of the job's outputs
 * takes an output of the same name from another step, or another step's text writes that name too; and one that
 * would be declared under its step output's name where such an output has that name.
 */
export function outputsWrittenAtEnd(outputs: unknown, steps: readonly Json[]): Map<string, TakenOutput> {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  // Only a step that runs here writes anything: an output of any other is noted by jobOutputs.
  const runs = (id: string) => steps.some((s) => typeof s.run === 'string' && typeof s.id === 'string' && same(s.id, id));
  const taken = (isObject(outputs) ? Object.entries(outputs) : []).flatMap(([name, value]) => {
    const m = STEP_OUTPUT.exec(textOf(value));
    return m && runs(m[1]) ? [{ name, step: m[1], output: m[2] }] : [];
  });
  const writtenBy = steps.map((s) => ({ id: typeof s.id === 'string' ? s.id : '', names: namesWrittenTo(textOf(s.run ?? ''), 'GITHUB_OUTPUT') }));
  const atEnd = new Map<string, TakenOutput>();
  for (const t of taken) {
    const rival = taken.some((o) => same(o.output, t.output) && !same(o.step, t.step));
    const overwritten = writtenBy.some((w) => !same(w.id, t.step) && [...w.names].some((n) => same(n, t.output)));
    if (rival || overwritten) atEnd.set(t.name, { step: t.step, output: t.output });
  }
  // One declared under its step output's name, which an output written under its own name has: written too.
  for (let added = true; added;) {
    added = false;
    for (const t of taken)
      if (!atEnd.has(t.name) && !same(t.name, t.output) && [...atEnd.keys()].some((name) => same(name, t.output))) {
        atEnd.set(t.name, { step: t.step, output: t.output });
        added = true;
      }
  }
  return atEnd;
}

/**
 * The outputs of a job whose values are step outputs; any other is noted, and said to read a step's output where its
 * name is one the node declares. `writtenAtEnd`: the job outputs its script writes under their own names.
 */
export function jobOutputs(outputs: Json, note: (what: string) => void, writtenAtEnd: ReadonlySet<string> = new Set()): JobOutputs {
  /** By step output name, the step that writes it and the job output that took it first. */
  const writers = new Map<string, { step: string; taken: string }>();
  const declared: string[] = [];
  const renamed = new Map<string, string>();
  const unimported: { name: string; why: string }[] = [];
  for (const [name, value] of Object.entries(outputs)) {
    const m = STEP_OUTPUT.exec(textOf(value));
    if (writtenAtEnd.has(name)) {
      declared.push(name);
      if (m && !writers.has(m[2])) writers.set(m[2], { step: m[1], taken: name });
      continue;
    }
    if (!m) {
      unimported.push({ name, why: `is ${textOf(value)}: write it to $MAESTRO_OUTPUT in the script` });
      continue;
    }
    const [, step, output] = m;
    const writer = writers.get(output);
    if (writer && writer.step !== step) {
      const why = `is ${textOf(value)}, but output '${writer.taken}' takes '${output}' from step '${writer.step}': a node's one script keeps one '${output}', so write this one to $MAESTRO_OUTPUT under a name of its own`;
      unimported.push({ name, why });
      continue;
    }
    if (!writer) {
      writers.set(output, { step, taken: name });
      declared.push(output);
    }
    if (name !== output) renamed.set(name, output);
  }
  for (const { name, why } of unimported) {
    const holder = writers.get(name);
    const taken = holder ? ` (the node's '${name}' is what step '${holder.step}' writes for output '${holder.taken}': references to '${name}' read that)` : '';
    note(`output '${name}' ${why}${taken}`);
  }
  return { declared, renamed };
}

/**
 * Writes every reference to a renamed job output (`nodes.build.outputs.ver`) with the name its node declares
 * (`nodes.build.outputs.version`), in every value of every node: the renames of each job apply at once.
 */
export function renameOutputReferences(nodes: Record<string, NodeDoc>, renamedByJob: ReadonlyMap<string, ReadonlyMap<string, string>>): void {
  if (renamedByJob.size === 0) return;
  const map: RefMapper = (segments) => {
    const [root, id, outputs, name] = segments;
    const to = root?.toLowerCase() === 'nodes' && outputs?.toLowerCase() === 'outputs' && name !== undefined ? renamedByJob.get(id)?.get(name) : undefined;
    return to === undefined ? undefined : { length: 4, text: `nodes.${id}.outputs.${to}` };
  };
  const rewrite = (value: unknown, isCondition: boolean): unknown => {
    if (typeof value === 'string') return rewriteExpressions(value, isCondition, map).text;
    if (Array.isArray(value)) return value.map((v) => rewrite(v, false));
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, k === 'if')]));
    return value;
  };
  for (const id of Object.keys(nodes)) nodes[id] = rewrite(nodes[id], false) as NodeDoc;
}
