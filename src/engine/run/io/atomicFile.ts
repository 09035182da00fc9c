// Writing the files of a runs folder, which may have come with someone else's repository: a link planted where a
// file of ours goes (`.insights/digested.tsv` → ~/.bashrc) must not lead a write out of it. Files are replaced by
// renaming over them (which replaces a link, never its target), and a link found where a file is appended to or
// opened is replaced by the file.
import { closeSync, constants, lstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';

/** Where there are (POSIX): opening a link fails instead of opening what it points at; a named pipe, instead of waiting. */
const { O_NOFOLLOW: NOFOLLOW = 0, O_NONBLOCK: NONBLOCK = 0 } = constants as { O_NOFOLLOW?: number; O_NONBLOCK?: number };
const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW;
const APPEND = constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | NOFOLLOW | NONBLOCK;
const TRUNCATE = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | NOFOLLOW | NONBLOCK;

/** Opens a file of a runs folder to write, creating it; a link in its place is replaced by the file. */
export function openToWrite(path: string, mode: 'append' | 'truncate'): number {
  const flags = mode === 'append' ? APPEND : TRUNCATE;
  // Without O_NOFOLLOW (Windows) the link is looked for before the file is opened.
  if (NOFOLLOW === 0 && isLink(path)) unlinkSync(path);
  try {
    return openSync(path, flags, 0o666);
  } catch (e) {
    if (!isLink(path)) throw e;
    unlinkSync(path);
    return openSync(path, flags, 0o666);
  }
}

const isLink = (path: string): boolean => lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink() === true;

/** Appends to a file of a runs folder, creating it; a link in its place is replaced by the file. */
export function appendToFile(path: string, data: string): void {
  const fd = openToWrite(path, 'append');
  try {
    writeAll(fd, data);
  } finally {
    closeSync(fd);
  }
}

/** Writes a file whole or not at all: written beside it, then renamed over it, so that a reader (another process
 * included) sees the old content or the new, never half of it. */
export function writeFileAtomically(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = createNew(tmp);
  try {
    writeAll(fd, data);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** A new file: whatever has the name already (left by a process that died, or planted) is removed first. */
function createNew(path: string): number {
  try {
    return openSync(path, CREATE_NEW, 0o666);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    unlinkSync(path);
    return openSync(path, CREATE_NEW, 0o666);
  }
}

/** Writes all of the data (a write may take less than it is given). */
function writeAll(fd: number, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
}
