// An output a node's script gives through a script file it runs (`run: ./release.sh`, which writes
// `echo "version=$v" >> "$MAESTRO_OUTPUT"`): the files a node runs, and the edits that rename the output where such
// a file writes it. Pure: the editor and the CLI read the files.
import { dirname, resolve } from 'node:path';
import type { TextEdit } from '../diagnostics';
import { writesIn } from '../outputMentions';
import type { WorkflowIndex } from '../workflowIndex';

/** A relative path with a `/` in it (`./release.sh`, `scripts/ship.sh`), nothing a shell would expand. */
const SCRIPT_PATH = /^(?:\.{1,2}\/|[A-Za-z0-9_][A-Za-z0-9_.-]*\/)[A-Za-z0-9_./-]*[A-Za-z0-9_]$/;
/** A file in the working folder, named with an extension (`release.sh`): a path where a shell reads a file. */
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.[A-Za-z0-9]+$/;
/** Words that run the file named after them (their options skipped) in the shell that reads the script. */
const RUNNERS = new Set(['bash', 'sh', 'zsh', 'dash', 'source', '.', 'exec']);

/**
 * The script files a `run` runs, as written: a line's first word with a `/` in it, or the first after bash, sh,
 * source or `.` (there a file of the working folder too: `bash release.sh`).
 */
export function calledScripts(run: string): string[] {
  const out: string[] = [];
  for (const line of run.split('\n')) {
    const words = line.trim().split(/[ \t]+/);
    const runner = RUNNERS.has(words[0]);
    const named = runner ? words.slice(1).find((w) => !w.startsWith('-')) : words[0];
    if (named === undefined || out.includes(named)) continue;
    if (SCRIPT_PATH.test(named) || (runner && FILE_NAME.test(named))) out.push(named);
  }
  return out;
}

/** The absolute paths of the script files node `nodeId` of workflow `file` runs, from its working folder. */
export function nodeScriptFiles(index: WorkflowIndex, file: string, nodeId: string): string[] {
  const spec = index.byId.get(nodeId)?.spec;
  if (spec?.kind !== 'run' || spec.run === undefined) return [];
  const cwd = resolve(dirname(file), spec.cwd ?? '.');
  return calledScripts(spec.run).map((p) => resolve(cwd, p));
}

/**
 * The edits that rename output `from` to `to` where a script file's text writes it; none where it does not; why
 * not, where it writes `to` already.
 */
export function scriptOutputEdits(text: string, from: string, to: string): { edits: TextEdit[] } | { error: string } {
  if (!text.includes('MAESTRO_OUTPUT')) return { edits: [] };
  const writes = writesIn(text);
  if (writes.some((w) => w.output !== from && w.output.toLowerCase() === to.toLowerCase())) return { error: `it writes an output '${to}' already` };
  return { edits: writes.filter((w) => w.output === from).map((w) => ({ span: { start: w.at, end: w.at + from.length }, newText: to })) };
}
