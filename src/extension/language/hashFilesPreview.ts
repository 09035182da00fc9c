// What a hashFiles() call of a saved workflow reads now, for its hover: the files its patterns match below the
// folder the engine reads them below, and their hash. Read when hovered, within bounds that keep the editor's host
// responsive: a walk stops after PREVIEW_LOOK_LIMIT files and folders, and files of more than PREVIEW_HASH_BYTES in
// all are listed, not hashed. No vscode import.
import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { filesToHash, hashOfFiles } from '../../engine/run/io/hashFiles';

const PREVIEW_LOOK_LIMIT = 20_000;
const PREVIEW_HASH_BYTES = 64 * 1024 * 1024;

/** What a call reads now: the files (from the folder, `/` between parts), their size in all and hash; or why it fails. */
export type FilesReadNow = { folder: string; files: string[]; bytes: number; hash?: string } | { folder: string; problem: string };

/** What hashFiles(...args) reads now below `folder`. */
export function filesReadNow(folder: string, args: readonly string[]): FilesReadNow {
  const workspace = resolve(folder).replace(/\\/g, '/');
  try {
    const files = filesToHash(workspace, args, PREVIEW_LOOK_LIMIT);
    const bytes = files.reduce((total, file) => total + statSync(file).size, 0);
    const shown = files.map((file) => relative(workspace, file).replace(/\\/g, '/'));
    return { folder, files: shown, bytes, ...(bytes <= PREVIEW_HASH_BYTES ? { hash: hashOfFiles(files) } : {}) };
  } catch (e) {
    return { folder, problem: (e as Error).message };
  }
}
