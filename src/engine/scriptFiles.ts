// Reading the script files a workflow's nodes run, for the outputs they write (see StatCache for when a file is read),
// and the scripts those run or source in turn, one level down.
import { dirname, resolve } from 'node:path';
import { calledScripts, nodeScriptsOf, type ScriptCall } from './calledScripts';
import { readRegularText } from './regularFile';
import { type ScriptDialect, scriptDialect, writesInDialect } from './scriptDialect';
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

/** What a script file says, read in one language. */
interface ScriptReading {
  writes: ScriptWrite[];
  /** The scripts it runs or sources, as written (see calledScripts); undefined when a `cd` makes where they are unknown. */
  calls: ScriptCall[] | undefined;
}

/** A script file's readings by language: its own (see scriptDialect) when read, another's when first asked for. */
interface ScriptFile {
  own: ScriptDialect;
  readings: Map<ScriptDialect, ScriptReading>;
}

/**
 * A command that changes the shell's working folder (`cd`, first on a line or after `;`, `&&`, `(`, `then`…): the
 * scripts named after it are not where the node's folder says.
 */
const CHANGES_FOLDER = /(?:^|[;&|(`{]|\b(?:then|do|else)\b)\s*(?:cd|pushd|popd)(?=[\s;)&|]|$)/m;

// The text is not kept: most files are read in their own language only.
const scripts = new StatCache(MAX_SCRIPT_BYTES, MAX_CACHED, (path): ScriptFile => {
  const text = readRegularText(path, MAX_SCRIPT_BYTES);
  const own = scriptDialect(path, text);
  return { own, readings: new Map([[own, readingOf(text, own)]]) };
});

function readingOf(text: string, dialect: ScriptDialect): ScriptReading {
  const writes = writesInDialect(text, dialect);
  // A program in another language runs nothing the way a shell's words would say.
  const calls = dialect === 'shell' ? calledScripts(text) : [];
  return { writes, calls: calls.length && CHANGES_FOLDER.test(text) ? undefined : calls };
}

/**
 * The script file `script` names read in the language it is run in (its reader's, else its own: see scriptDialect);
 * undefined when it cannot be read: it is missing, not a regular file, larger than MAX_SCRIPT_BYTES, or past `budget`.
 */
function scriptReading(script: ScriptCall, budget?: ReadBudget): ScriptReading | undefined {
  const file = scripts.get(script.path, budget);
  if (!file) return undefined;
  const dialect = script.reader ?? file.own;
  let reading = file.readings.get(dialect);
  if (!reading) {
    try {
      reading = readingOf(readRegularText(script.path, MAX_SCRIPT_BYTES), dialect);
    } catch {
      return undefined;
    }
    file.readings.set(dialect, reading);
  }
  return reading;
}

/**
 * The outputs the script file `script` names (an absolute path) writes, first write first, read in the language it
 * is run in; undefined when it cannot be read (see scriptReading).
 */
export const scriptFileWrites = (script: ScriptCall): ScriptWrite[] | undefined => scriptReading(script)?.writes;

/** A budget for the script files one question reads (see ReadBudget). */
export const scriptReadBudget = (): ReadBudget => scripts.budget();

/** The script files a node runs, and those they run or source (`. ./lib.sh`), one level down. */
export interface ScriptsRun {
  /** Absolute paths with what reads them, each once, those the node runs first. */
  scripts: ScriptCall[];
  /**
   * Whether these are all the scripts that may write its outputs: false when one cannot be read (or is past the
   * question's budget), one changes folder before it runs another, or one a level down runs or sources yet another.
   */
  complete: boolean;
}

const sameCall = (a: ScriptCall, b: ScriptCall): boolean => a.path === b.path && a.reader === b.reader;

/**
 * The script files a node runs (`calls`, absolute paths) and those they run or source in turn, resolved from the
 * node's working folder `cwd` (absolute), where the shell looks for them.
 */
export function scriptsRunFrom(calls: readonly ScriptCall[], cwd: string, budget = scripts.budget()): ScriptsRun {
  const first = calls.filter((c, i) => calls.findIndex((d) => sameCall(c, d)) === i);
  const found = [...first];
  const placed = (c: ScriptCall): ScriptCall => ({ ...c, path: resolve(cwd, c.path) });
  let complete = true;
  for (const script of first) {
    const next = scriptReading(script, budget)?.calls;
    if (!next) complete = false;
    for (const call of (next ?? []).map(placed)) if (!found.some((f) => sameCall(f, call))) found.push(call);
  }
  for (const script of found.slice(first.length)) {
    const below = scriptReading(script, budget)?.calls;
    if (!below || below.some((c) => !found.some((f) => sameCall(f, placed(c))))) complete = false;
  }
  return { scripts: found, complete };
}

/**
 * The script files node `nodeId` of workflow `file` runs from its working folder (absolute paths, with what reads
 * them), and those they run or source in turn (see scriptsRunFrom); those within `budget`, which a question about
 * many nodes shares.
 */
export function nodeScriptFiles(index: WorkflowIndex, file: string, nodeId: string, budget = scripts.budget()): ScriptCall[] {
  const spec = index.byId.get(nodeId)?.spec;
  const called = spec && nodeScriptsOf(spec);
  if (!called) return [];
  const folder = dirname(file);
  const run = scriptsRunFrom(
    called.scripts.map((c) => ({ ...c, path: resolve(folder, c.path) })),
    resolve(folder, called.cwd),
    budget,
  );
  // Each is read by those who ask: no more than the budget allows.
  return run.scripts.filter((c) => budget.allows(c.path));
}
