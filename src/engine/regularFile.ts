// Reading files that someone else may have put there. A repository can hold a link named like a workflow or a run's
// log that points at /dev/zero (read for ever), at a named pipe (read blocks until someone writes) or at a folder:
// each of these is refused at once, with what it is, instead of hanging the process that reads it.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';

/** The file is not a regular file, is a link where links are refused, or is larger than the reader takes. */
export class UnreadableFileError extends Error {
  constructor(
    message: string,
    /** `ENOTREG` for something that is not a regular file, `ELINK` for a refused link, `EFBIG` for one too large. */
    readonly code: 'ENOTREG' | 'ELINK' | 'EFBIG',
    /** Its size, for `EFBIG`. */
    readonly size?: number,
  ) {
    super(message);
    this.name = 'UnreadableFileError';
  }
}

/** Where there is one (POSIX): opening a named pipe does not wait for a writer. */
const NONBLOCK = (constants as { O_NONBLOCK?: number }).O_NONBLOCK ?? 0;
/** Where there is one (POSIX): opening a link fails instead of opening what it points at. */
const NOFOLLOW = (constants as { O_NOFOLLOW?: number }).O_NOFOLLOW;

/** Whether links are followed to the file they name, or refused (the files the engine wrote itself). */
export type Links = 'follow' | 'refuse';

const LINK_REFUSED = 'it is a link, and the engine reads the files it wrote only where it wrote them';

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a named pipe';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function openToRead(path: string, links: Links): number {
  if (links === 'follow') return openSync(path, constants.O_RDONLY | NONBLOCK);
  if (NOFOLLOW === undefined) {
    // No O_NOFOLLOW (Windows): the link is looked at before it is opened.
    if (lstatSync(path).isSymbolicLink()) throw new UnreadableFileError(LINK_REFUSED, 'ELINK');
    return openSync(path, constants.O_RDONLY | NONBLOCK);
  }
  try {
    return openSync(path, constants.O_RDONLY | NONBLOCK | NOFOLLOW);
  } catch (e) {
    // Linux and macOS say ELOOP for a link opened with O_NOFOLLOW, the BSDs EMLINK.
    const code = (e as NodeJS.ErrnoException).code;
    if ((code === 'ELOOP' || code === 'EMLINK') && lstatSync(path).isSymbolicLink()) throw new UnreadableFileError(LINK_REFUSED, 'ELINK');
    throw e;
  }
}

/**
 * Opens a file to read, if it is a regular file (links followed unless refused); throws UnreadableFileError for
 * anything else, and the system's error where it cannot be opened. The caller closes the descriptor.
 */
export function openRegularFile(path: string, maxBytes = Infinity, links: Links = 'follow'): { fd: number; size: number; ino: number } {
  const fd = openToRead(path, links);
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) throw new UnreadableFileError(`it is ${kindOf(s)}, not a file`, 'ENOTREG');
    if (s.size > maxBytes) throw new UnreadableFileError(`it is larger than ${formatBytes(maxBytes)} (${formatBytes(s.size)})`, 'EFBIG', s.size);
    return { fd, size: s.size, ino: s.ino };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** The text of a regular file of at most `maxBytes`; throws as openRegularFile does. */
export function readRegularText(path: string, maxBytes = Infinity, links: Links = 'follow'): string {
  return readRegularBytes(path, maxBytes, links).toString('utf8');
}

/**
 * The bytes of a regular file of at most `maxBytes`, as many as its size said when it was opened (what is appended
 * meanwhile is left for the next read, and a file of the kernel's that says it is empty reads as empty); throws as
 * openRegularFile does.
 */
export function readRegularBytes(path: string, maxBytes = Infinity, links: Links = 'follow'): Buffer {
  const { fd, size } = openRegularFile(path, maxBytes, links);
  try {
    const buffer = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** A size as people read it: `512 bytes`, `12 KB`, `2 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
