// Files matched by paths and globs relative to a folder: a node's artifacts, and the files its cache key reads.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { artifactOutsideFolder } from '../../artifactPaths';

/** At most this many entries are looked at under one folder. */
export const WALK_LIMIT = 10_000;

/**
 * The files matching the patterns under `cwd` (relative to it, sorted), and the patterns that matched none. A glob
 * looks at WALK_LIMIT entries at most (`onLimit` is told when there were more), and not into `node_modules`, `.git`
 * or `.maestro`.
 */
export function matchFiles(cwd: string, patterns: readonly string[], onLimit?: () => void): { files: string[]; unmatched: string[] } {
  const found = new Set<string>();
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    const before = found.size;
    if (artifactOutsideFolder(pattern)) {
      unmatched.push(pattern);
      continue;
    }
    if (!/[*?[]/.test(pattern)) {
      if (existsSync(join(cwd, pattern))) found.add(pattern);
    } else {
      const re = globToRegExp(pattern);
      for (const file of walk(cwd, WALK_LIMIT, onLimit)) if (re.test(file)) found.add(file);
    }
    if (found.size === before && ![...found].some((f) => f === pattern)) unmatched.push(pattern);
  }
  return { files: [...found].sort(), unmatched };
}

/** `**` spans folders, `*` and `?` stay within one. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^(?:\\./)?${re}$`);
}

/** The files under `root` (relative to it), past `node_modules`, `.git` and `.maestro`; `onLimit` when it stops at `limit` entries. */
export function* walk(root: string, limit: number, onLimit?: () => void): Generator<string> {
  const stack = [''];
  let seen = 0;
  while (stack.length) {
    const dir = stack.pop()!;
    let entries: string[];
    try {
      entries = readdirSync(join(root, dir));
    } catch {
      continue;
    }
    for (const name of entries) {
      if (++seen > limit) return onLimit?.();
      if (name === 'node_modules' || name === '.git' || name === '.maestro') continue;
      const rel = dir ? `${dir}/${name}` : name;
      let isDir = false;
      try {
        isDir = statSync(join(root, rel)).isDirectory();
      } catch {
        continue;
      }
      if (isDir) stack.push(rel);
      else yield relative('.', rel);
    }
  }
}
