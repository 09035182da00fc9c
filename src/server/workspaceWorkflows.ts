// The workflows of a served workspace, addressed by id (a hash of their path in the workspace), never by a path a
// request gives: nothing outside the workspace can be named. Symbolic links are not followed.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export interface WorkspaceWorkflow {
  id: string;
  /** Relative to the workspace, with '/'. */
  path: string;
  absolute: string;
}

const WORKFLOW_FILE = /\.workflow\.ya?ml$/;
const SKIPPED = new Set(['node_modules', 'dist', 'out']);
const MAX_FILES = 5_000;
const MAX_DEPTH = 12;

export const workflowId = (relativePath: string): string => createHash('sha1').update(relativePath).digest('hex').slice(0, 12);

/** Every workflow file under `root` (not in dot-folders, node_modules, dist or out), sorted by path. */
export function findWorkflows(root: string): WorkspaceWorkflow[] {
  const found: WorkspaceWorkflow[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > MAX_DEPTH || found.length >= MAX_FILES) return;
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (name.startsWith('.') || SKIPPED.has(name)) continue;
      const absolute = join(dir, name);
      const stat = lstatSync(absolute, { throwIfNoEntry: false });
      if (!stat || stat.isSymbolicLink()) continue;
      if (stat.isDirectory()) walk(absolute, depth + 1);
      else if (stat.isFile() && WORKFLOW_FILE.test(name) && found.length < MAX_FILES) {
        const path = relative(root, absolute).split(sep).join('/');
        found.push({ id: workflowId(path), path, absolute });
      }
    }
  };
  walk(root, 0);
  return found;
}

/** The workflow of the workspace with this id, if there is one. */
export const workflowById = (root: string, id: string): WorkspaceWorkflow | undefined => findWorkflows(root).find((w) => w.id === id);
