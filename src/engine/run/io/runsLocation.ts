// Where runs are kept: decided here, for the CLI, the editor's engine and a server alike.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { RunsRoot } from '../../protocol';
import { isInside } from '../../paths';

/** Where runs go when nothing says otherwise: `.maestro/runs` of the workspace folder. */
export const DEFAULT_RUNS_DIRECTORY = '.maestro/runs';

/** `.maestro/runs` in the nearest folder above `from` that holds `.maestro` or `.git`, else in `from` itself. */
export function defaultRunsDir(from: string): string {
  const start = dirname(resolve(from));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.maestro')) || existsSync(join(dir, '.git'))) return join(dir, '.maestro', 'runs');
    if (dirname(dir) === dir) return join(start, '.maestro', 'runs');
  }
}

/** The runs folder of a root: its `runsDirectory`, relative to the root or absolute. */
export function runsDirOf(root: RunsRoot): string {
  const setting = root.runsDirectory?.trim() || DEFAULT_RUNS_DIRECTORY;
  return isAbsolute(setting) ? setting : join(root.folder, setting);
}

/**
 * Where the runs of a workflow are kept: the runs folder of the workspace folder that holds it (the innermost, when
 * folders nest), else the folder the CLI would choose for it.
 */
export function runsDirFor(workflowPath: string, roots: readonly RunsRoot[] = []): string {
  const holding = roots.filter((r) => isInside(workflowPath, r.folder)).sort((a, b) => b.folder.length - a.folder.length)[0];
  return holding ? runsDirOf(holding) : defaultRunsDir(workflowPath);
}
