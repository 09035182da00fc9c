// The script files a node's `run` runs (`./release.sh`, `bash scripts/ship.sh`), as far as the text tells: where an
// output a node gives may be written outside the workflow. Pure.
import { join } from 'node:path';
import type { NodeSpec } from './model';

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

/**
 * The script files a node runs, as paths from its workflow's folder (through its working folder); undefined when
 * where they are cannot be known: the working folder is an expression.
 */
export function scriptPathsOf(node: Pick<NodeSpec, 'kind' | 'run' | 'cwd'>): string[] | undefined {
  if (node.kind !== 'run' || node.run === undefined) return [];
  const scripts = calledScripts(node.run);
  if (!scripts.length) return [];
  if (node.cwd?.includes('${{')) return undefined;
  return scripts.map((p) => join(node.cwd ?? '.', p));
}
