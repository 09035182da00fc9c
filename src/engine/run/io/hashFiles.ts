// GitHub's hashFiles(), read by the engine as GitHub's runner reads it: the patterns (one per line, `!` to leave out,
// `#` a comment) are globs under GitHub's rules (minimatch with dotfiles matched, no braces or extglobs; a folder
// stands for everything below it), the walk goes depth first with each folder's entries in byte order, and the
// result is the SHA-256 of the SHA-256 of each file found below the workspace, in that order ('' when none is).
// Synchronous, as expressions are: it looks at LOOK_LIMIT entries at most, and not into the engine's `.maestro`.
import { createHash } from 'node:crypto';
import { closeSync, type Dirent, lstatSync, openSync, readdirSync, readSync, realpathSync, type Stats, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { FileReader } from '../../expressions/evaluate';
import { hashFilesLines } from '../../hashFilesArgs';
import { globPattern, matchKind, MATCHES_DIRECTORY, MATCHES_FILE, partlyMatches, searchPaths, type GlobPattern } from './globPatterns';

/** At most this many files and folders are looked at for one call. */
export const LOOK_LIMIT = 100_000;

/** The engine's own folder (its runs, their logs and cache), which changes with every run: not walked into. */
const ENGINE_FOLDER = '.maestro';

/** A hashFiles() that fails says why, in words a node's log shows. */
export class HashFilesError extends Error {}

interface Walk {
  patterns: GlobPattern[];
  followLinks: boolean;
  looked: number;
  limit: number;
  /** The real paths of the folders above the one being looked at, for a link that leads back up. */
  chain: string[];
}

/** A path to look at, and what its folder's listing said it is (a walk's starting folders are looked up). */
interface Item {
  path: string;
  level: number;
  kind?: 'folder' | 'link' | 'other';
}

const kindOf = (entry: Dirent): Item['kind'] => (entry.isDirectory() ? 'folder' : entry.isSymbolicLink() ? 'link' : 'other');

/**
 * Whether an entry is a folder to walk: a link is one only when links are followed and it leads to a folder; undefined
 * when it is gone, or leads back to a folder above it.
 */
function isFolder(item: Item, walk: Walk): boolean | undefined {
  let folder: boolean;
  if (item.kind === 'folder' || item.kind === 'other' || (item.kind === 'link' && !walk.followLinks)) folder = item.kind === 'folder';
  else {
    try {
      folder = (walk.followLinks ? statSync(item.path) : lstatSync(item.path)).isDirectory();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new HashFilesError(`cannot read ${item.path}: ${(e as Error).message}`);
    }
  }
  if (!walk.followLinks || !folder) return folder;
  const real = realpathSync(item.path);
  walk.chain.length = Math.min(walk.chain.length, item.level - 1);
  if (walk.chain.includes(real)) return undefined;
  walk.chain.push(real);
  return true;
}

/** The paths the patterns match, files and folders, in the order GitHub's runner finds them. */
function* matchedPaths(walk: Walk): Generator<string> {
  const stack: Item[] = searchPaths(walk.patterns)
    .map((path) => ({ path, level: 1 }))
    .reverse();
  while (stack.length) {
    const item = stack.pop()!;
    if (++walk.looked > walk.limit)
      throw new HashFilesError(`it looked at ${walk.limit.toLocaleString('en-US')} files and folders without finishing: name the files more narrowly`);
    const kind = matchKind(walk.patterns, item.path);
    if (kind === 0 && !partlyMatches(walk.patterns, item.path)) continue;
    const folder = isFolder(item, walk);
    if (folder === undefined) continue;
    if (!folder) {
      if (kind & MATCHES_FILE) yield item.path;
      continue;
    }
    if (kind & MATCHES_DIRECTORY) yield item.path;
    let entries: Dirent[];
    try {
      entries = readdirSync(item.path, { withFileTypes: true });
    } catch (e) {
      throw new HashFilesError(`cannot read the folder ${item.path}: ${(e as Error).message}`);
    }
    const base = item.path.replace(/\/$/, '');
    for (let i = entries.length - 1; i >= 0; i--)
      if (entries[i].name !== ENGINE_FOLDER) stack.push({ path: `${base}/${entries[i].name}`, level: item.level + 1, kind: kindOf(entries[i]) });
  }
}

/** The SHA-256 of a file's contents, read a piece at a time. */
function fileDigest(path: string): Buffer {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(1 << 20);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
  } catch (e) {
    throw new HashFilesError(`cannot read ${path}: ${(e as Error).message}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return hash.digest();
}

/**
 * The files GitHub's hashFiles() reads below `workspace` (an absolute path with `/` between its parts), in its order:
 * each argument holds patterns, relative to the workspace unless absolute or starting with `~`; files outside the
 * workspace and folders are left out.
 */
export function filesToHash(workspace: string, args: readonly string[], limit = LOOK_LIMIT): string[] {
  const root = workspace.replace(/\/+$/, '') || '/';
  const home = homedir().replace(/\\/g, '/');
  let patterns: GlobPattern[];
  let followLinks: boolean;
  try {
    const read = hashFilesLines(args);
    followLinks = read.followLinks;
    patterns = read.lines.flatMap((line) => globPattern(line, root, home));
  } catch (e) {
    throw new HashFilesError((e as Error).message);
  }
  const files: string[] = [];
  for (const path of matchedPaths({ patterns, followLinks, looked: 0, limit, chain: [] })) {
    if (!path.startsWith(`${root.replace(/\/$/, '')}/`)) continue;
    let stats: Stats;
    try {
      stats = statSync(path);
    } catch (e) {
      throw new HashFilesError(`cannot read ${path}: ${(e as Error).message}`);
    }
    if (stats.isDirectory()) continue;
    // Reading a pipe would wait for a writer for ever; a socket or a device is no file's contents either.
    if (!stats.isFile()) throw new HashFilesError(`cannot read ${path}: it is not a regular file (a pipe, a socket or a device)`);
    files.push(path);
  }
  return files;
}

/** The SHA-256 of the SHA-256 of each file, in order, as GitHub's hashFiles() gives it; '' for none. */
export function hashOfFiles(files: readonly string[]): string {
  if (!files.length) return '';
  const total = createHash('sha256');
  for (const file of files) total.update(fileDigest(file));
  return total.digest('hex');
}

/** GitHub's hashFiles() below `workspace`: the SHA-256 of the SHA-256 of each file it reads, or '' when there is none. */
export function hashFiles(workspace: string, args: readonly string[]): string {
  return hashOfFiles(filesToHash(workspace, args));
}

/** What hashFiles() reads below a folder (made absolute, with `/` between its parts). */
export function folderFiles(folder: string): FileReader {
  const workspace = resolve(folder).replace(/\\/g, '/');
  return { hashFiles: (args) => hashFiles(workspace, args) };
}
