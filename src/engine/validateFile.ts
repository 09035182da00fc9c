import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { type FileText, notUtf8Diagnostic, readFileText } from './fileText';
import type { NodeScripts } from './calledScripts';
import { buildWorkflow, MAX_SUB_WORKFLOW_DEPTH, type InputSpec, type WorkflowSpec } from './model';
import { runOutputs } from './outputMentions';
import { readRegularText } from './regularFile';
import { scriptFileWrites, scriptReadBudget, scriptsRunFrom } from './scriptFiles';
import { type ReadBudget, StatCache } from './statCache';
import { parseWorkflowText } from './validation/document';
import type { SemanticOptions } from './validation/semantics';
import { validateWorkflow, type ValidationResult } from './validation/validate';

/** A sub-workflow larger than this is not read to check `with:` (it is read when it runs). */
export const MAX_SUB_WORKFLOW_BYTES = 256 * 1024;
const MAX_CACHED = 64;

interface SubWorkflowFile {
  /** Its inputs; undefined when it does not parse as a workflow. */
  inputs: Record<string, InputSpec> | undefined;
  /**
   * The outputs its nodes declare or write, the script files they run (absolute paths), which may write more, and the
   * sub-workflows (absolute paths) of those that list none, whose sub-runs give theirs; undefined when it does not
   * parse as a workflow, or where a script it runs cannot be placed.
   */
  outputs: { names: string[]; scripts: NodeScripts[]; through: string[] } | undefined;
  /** What it says of itself, for a hover over a path to it; undefined when it does not parse as a workflow. */
  summary: SubWorkflowSummary | undefined;
  /** The sub-workflows it runs in turn, as absolute paths. */
  runs: string[];
}

/** What validation needs of a sub-workflow file; undefined when it is not a regular file of a bounded size. */
const subWorkflows = new StatCache(MAX_SUB_WORKFLOW_BYTES, MAX_CACHED, (path): SubWorkflowFile => {
  const parsed = parseWorkflowText(readRegularText(path, MAX_SUB_WORKFLOW_BYTES));
  const workflow = parsed.value === undefined ? undefined : buildWorkflow(parsed.value);
  const folder = dirname(path);
  const runs = (workflow?.nodes ?? []).flatMap((n) => (n.workflow === undefined ? [] : [resolve(folder, n.workflow)]));
  const summary = workflow && { name: workflow.name, description: workflow.description, nodes: workflow.nodes.length, inputs: workflow.inputs };
  // What a file with syntax errors gives is not known: its nodes may be cut short.
  const given = workflow && parsed.doc.errors.length === 0 ? runOutputs(parsed, workflow) : undefined;
  const outputs =
    given && given.scripts !== 'unknown'
      ? { names: given.names, scripts: given.scripts.map((s) => placed(folder, s)), through: given.through.map((p) => resolve(folder, p)) }
      : undefined;
  return { inputs: workflow?.inputs, outputs, summary, runs };
});

/** A node's scripts and working folder as absolute paths. */
const placed = (folder: string, scripts: NodeScripts): NodeScripts => ({
  cwd: resolve(folder, scripts.cwd),
  scripts: scripts.scripts.map((c) => ({ ...c, path: resolve(folder, c.path) })),
});

/** What one question about the files beside a workflow (a validation, say) may read: see ReadBudget. */
interface Reads {
  workflows: ReadBudget;
  scripts: ReadBudget;
}

const newReads = (): Reads => ({ workflows: subWorkflows.budget(), scripts: scriptReadBudget() });

const readSubWorkflow = (path: string, reads?: Reads): SubWorkflowFile | undefined => subWorkflows.get(path, reads?.workflows);

export interface SubWorkflowSummary {
  name: string;
  description?: string;
  nodes: number;
  inputs: Record<string, InputSpec>;
}

/** What a workflow file says of itself; undefined when it is not a regular file of a bounded size that parses. */
export const describeWorkflowFile = (path: string): SubWorkflowSummary | undefined => readSubWorkflow(path)?.summary;

/** The inputs a workflow file declares; undefined when it is not a regular file of a bounded size that parses. */
export const declaredInputs = (path: string): Record<string, InputSpec> | undefined => readSubWorkflow(path)?.inputs;

/**
 * The outputs a sub-run of a workflow file gives: what its nodes declare or write, what the script files they run
 * write, and what the sub-runs of its nodes that list no outputs give, followed as a run nests them. Undefined when
 * that cannot be known: a file on the way is not a regular file of a bounded size that parses, runs one before it
 * again, or runs scripts not all of which can be read (see scriptsRunFrom).
 */
export function givenOutputs(
  path: string,
  within: readonly string[] = [],
  known = new Map<string, string[] | undefined>(),
  reads = newReads(),
): string[] | undefined {
  if (known.has(path)) return known.get(path);
  const outputs = readSubWorkflow(path, reads)?.outputs;
  if (!outputs || within.includes(path) || within.length >= MAX_SUB_WORKFLOW_DEPTH) return undefined;
  const run = outputs.scripts.map((s) => scriptsRunFrom(s.scripts, s.cwd, reads.scripts));
  if (run.some((r) => !r.complete)) return undefined;
  const written = run.flatMap((r) => r.scripts.flatMap((c) => scriptFileWrites(c) ?? []));
  let names: Set<string> | undefined = new Set([...outputs.names, ...written.map((w) => w.output)]);
  for (const nested of new Set(outputs.through)) {
    const more = givenOutputs(nested, [...within, path], known, reads);
    if (!more) {
      names = undefined;
      break;
    }
    for (const name of more) names.add(name);
  }
  // Each file once per question, however many of the files on the way run it.
  const answer = names && [...names];
  known.set(path, answer);
  return answer;
}

/** The most sub-workflow files followed to find one that runs the file validated again: as many as the cache keeps, so
 * that the next keystroke's validation reads none of them again. */
const MAX_FILES_FOLLOWED = MAX_CACHED;

/**
 * The files running `start` reaches, breadth first, `start` first, each with the sub-workflows it runs, as far as
 * validation follows them; `cameFrom` notes the file each was first reached from.
 */
function* followFrom(start: string, reads: Reads, cameFrom = new Map<string, string | undefined>([[start, undefined]])): Generator<[string, string[]]> {
  const queue = [start];
  for (let i = 0; i < queue.length && i < MAX_FILES_FOLLOWED; i++) {
    const runs = readSubWorkflow(queue[i], reads)?.runs ?? [];
    yield [queue[i], runs];
    for (const next of runs) {
      if (cameFrom.has(next)) continue;
      cameFrom.set(next, queue[i]);
      queue.push(next);
    }
  }
}

/**
 * The files by which running `start` comes back to `target`, `start` first (its own file last, which runs `target`);
 * undefined when it does not within the files followed.
 */
function pathBack(start: string, target: string, reads: Reads): string[] | undefined {
  const cameFrom = new Map<string, string | undefined>([[start, undefined]]);
  for (const [file, runs] of followFrom(start, reads, cameFrom)) {
    if (!runs.includes(target)) continue;
    const chain = [file];
    for (let back = cameFrom.get(file); back !== undefined; back = cameFrom.get(back)) chain.unshift(back);
    return chain;
  }
  return undefined;
}

/**
 * The files a workflow file's validation depends on, as absolute paths: the sub-workflows its nodes run (those
 * missing too) and the files they run in turn, as far as the loop check follows them, and the script files their
 * nodes run (and those scripts run in turn), for the outputs they write.
 */
export function dependencyFiles(file: string, workflow: Pick<WorkflowSpec, 'nodes'>): string[] {
  const folder = dirname(resolve(file));
  const starts = new Set(workflow.nodes.flatMap((n) => (n.workflow === undefined ? [] : [resolve(folder, n.workflow)])));
  const files = new Set<string>();
  const reads = newReads();
  for (const start of starts)
    for (const [reached] of followFrom(start, reads)) {
      files.add(reached);
      for (const { scripts, cwd } of readSubWorkflow(reached, reads)?.outputs?.scripts ?? [])
        for (const script of scriptsRunFrom(scripts, cwd, reads.scripts).scripts) files.add(script.path);
    }
  return [...files];
}

/**
 * How many workflow files deep running `start` nests, `start` included: the longest chain of sub-workflows from it. A
 * loop back (reported on its own) ends a chain, and at most MAX_FILES_FOLLOWED files are read.
 */
function nestingDepth(start: string, reads: Reads): number {
  const depths = new Map<string, number>();
  const onChain = new Set<string>();
  const visit = (file: string): number => {
    const known = depths.get(file);
    if (known !== undefined) return known;
    if (onChain.has(file) || depths.size + onChain.size >= MAX_FILES_FOLLOWED) return 0;
    onChain.add(file);
    let below = 0;
    for (const next of readSubWorkflow(file, reads)?.runs ?? []) below = Math.max(below, visit(next));
    onChain.delete(file);
    depths.set(file, 1 + below);
    return 1 + below;
  };
  return visit(start);
}

function oncePerPath<T>(answer: (path: string) => T): (path: string) => T {
  const answers = new Map<string, T>();
  return (path) => {
    if (!answers.has(path)) answers.set(path, answer(path));
    return answers.get(path)!;
  };
}

/**
 * What validation may look up beside a workflow file: whether sub-workflows exist, the inputs they declare, the
 * outputs they give, and whether one is the file itself or runs it again.
 */
export function filesBeside(file: string): SemanticOptions {
  const self = resolve(file);
  const folder = dirname(self);
  const at = (p: string) => (isAbsolute(p) ? p : resolve(folder, p));
  const named = (p: string) => (dirname(p) === folder ? basename(p) : relative(folder, p) || p);
  // Many nodes may run the same sub-workflow: each file is looked at once per validation, and no more files are read
  // than the caches keep.
  const reads = newReads();
  const exists = oncePerPath((p) => existsSync(p));
  const inputs = oncePerPath((p) => readSubWorkflow(p, reads)?.inputs);
  const outputs = oncePerPath((p) => givenOutputs(p, [], undefined, reads));
  const loopBack = oncePerPath((p) => (p === self ? [] : pathBack(p, self, reads)?.map(named)));
  const nesting = oncePerPath((p) => nestingDepth(p, reads));
  return {
    fileExists: (p) => exists(at(p)),
    workflowInputs: (p) => inputs(at(p)),
    workflowOutputs: (p) => outputs(at(p)),
    runsThisFileAgain: (p) => loopBack(at(p)),
    subWorkflowNesting: (p) => nesting(at(p)),
  };
}

/**
 * Validates a workflow file on disk, resolving sub-workflow paths against its folder; read from disk (or given as
 * read by readFileText), bytes that are not UTF-8 are an error where the first one is.
 */
export function validateFile(path: string, file: string | FileText = readFileText(path)): ValidationResult {
  if (typeof file === 'string') return validateWorkflow(file, filesBeside(path));
  const result = validateWorkflow(file.text, filesBeside(path));
  const encoding = notUtf8Diagnostic(file);
  return encoding ? { ...result, diagnostics: [encoding, ...result.diagnostics] } : result;
}
