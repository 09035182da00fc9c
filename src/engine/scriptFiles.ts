// Reading the script files a workflow's nodes run, for the outputs they write (see StatCache for when a file is read),
// and the scripts those run or source in turn, one level down.
import { dirname, resolve } from 'node:path';
import { calledScripts, nodeScriptsOf } from './calledScripts';
import { readRegularText } from './regularFile';
import { scriptDialect, writesInDialect } from './scriptDialect';
import { type ReadBudget, StatCache } from './statCache';
import type { WorkflowIndex } from './workflowIndex';

/** A script file larger than this is not read for the outputs it writes. */
export const MAX_SCRIPT_BYTES = 256 * 1024;
const MAX_CACHED = 64;

/** An output a script file writes to `$MAESTRO_OUTPUT`, where its name is in the file's text. */
export interface ScriptWrite {
  output: string;
  at: number;
}

interface ScriptFile {
  writes: ScriptWrite[];
  /** The scripts it runs or sources, as written (see calledScripts); undefined when a `cd` makes where they are unknown. */
  calls: string[] | undefined;
}

/**
 * A command that changes the shell's working folder (`cd`, first on a line or after `;`, `&&`, `(`, `then`…): the
 * scripts named after it are not where the node's folder says.
 */
const CHANGES_FOLDER = /(?:^|[;&|(`{]|\b(?:then|do|else)\b)\s*(?:cd|pushd|popd)(?=[\s;)&|]|$)/m;

const scripts = new StatCache(MAX_SCRIPT_BYTES, MAX_CACHED, (path): ScriptFile => {
  const text = readRegularText(path, MAX_SCRIPT_BYTES);
  const dialect = scriptDialect(path, text);
  const writes = writesInDialect(text, dialect);
  // A program in another language runs nothing the way a shell's words would say.
  const calls = dialect === 'shell' ? calledScripts(text) : [];
  return { writes, calls: calls.length && CHANGES_FOLDER.test(text) ? undefined : calls };
});

/**
 * The outputs a script file writes, first write first, read in its language (see scriptDialect); undefined when it
 * cannot be read: it is missing, not a regular file, or larger than MAX_SCRIPT_BYTES.
 */
export const scriptFileWrites = (path: string): ScriptWrite[] | undefined => scripts.get(path)?.writes;

/** A budget for the script files one question reads (see ReadBudget). */
export const scriptReadBudget = (): ReadBudget => scripts.budget();

/** The script files a node runs, and those they run or source (`. ./lib.sh`), one level down. */
export interface ScriptsRun {
  /** Absolute paths, each once, those the node runs first. */
  paths: string[];
  /**
   * Whether these are all the scripts that may write its outputs: false when one cannot be read (or is past the
   * question's budget), one changes folder before it runs another, or one a level down runs or sources yet another.
   */
  complete: boolean;
}

/**
 * The script files a node runs (`paths`, absolute) and those they run or source in turn, resolved from the node's
 * working folder `cwd` (absolute), where the shell looks for them.
 */
export function scriptsRunFrom(paths: readonly string[], cwd: string, budget = scripts.budget()): ScriptsRun {
  const first = [...new Set(paths)];
  const found = [...first];
  let complete = true;
  for (const path of first) {
    const calls = scripts.get(path, budget)?.calls;
    if (!calls) complete = false;
    for (const next of (calls ?? []).map((c) => resolve(cwd, c))) if (!found.includes(next)) found.push(next);
  }
  for (const path of found.slice(first.length)) {
    const below = scripts.get(path, budget)?.calls;
    if (!below || below.some((c) => !found.includes(resolve(cwd, c)))) complete = false;
  }
  return { paths: found, complete };
}

/**
 * The absolute paths of the script files node `nodeId` of workflow `file` runs from its working folder, and of those
 * they run or source in turn (see scriptsRunFrom); those within `budget`, which a question about many nodes shares.
 */
export function nodeScriptFiles(index: WorkflowIndex, file: string, nodeId: string, budget = scripts.budget()): string[] {
  const spec = index.byId.get(nodeId)?.spec;
  const called = spec && nodeScriptsOf(spec);
  if (!called) return [];
  const folder = dirname(file);
  const run = scriptsRunFrom(
    called.paths.map((p) => resolve(folder, p)),
    resolve(folder, called.cwd),
    budget,
  );
  // Each is read by those who ask: no more than the budget allows.
  return run.paths.filter((p) => budget.allows(p));
}
