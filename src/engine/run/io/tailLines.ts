// A text file's lines read from its end in chunks (the newest lines of an index that only grows, without reading
// what comes before them), and the lines appended after a known length. A last line without its newline is being
// written: it is left for a later read.
import { closeSync, readSync } from 'node:fs';
import { isMissingOrForeign, openRunFile } from './runFiles';

const NEWLINE = 0x0a;

/** The length of the file up to and including its last newline (0 when it has none), and its inode. */
export function completeLength(path: string): { length: number; ino: number } {
  const { fd, size, ino } = openRunFile(path);
  try {
    const chunk = Buffer.allocUnsafe(4096);
    for (let end = size; end > 0;) {
      const start = Math.max(0, end - chunk.length);
      readSync(fd, chunk, 0, end - start, start);
      const at = chunk.subarray(0, end - start).lastIndexOf(NEWLINE);
      if (at >= 0) return { length: start + at + 1, ino };
      end = start;
    }
    return { length: 0, ino };
  } finally {
    closeSync(fd);
  }
}

/** completeLength of a file the engine can make again, or undefined when it is missing or not a file of its own. */
export function remadeLength(path: string): { length: number; ino: number } | undefined {
  try {
    return completeLength(path);
  } catch (e) {
    if (isMissingOrForeign(e)) return undefined;
    throw e;
  }
}

/** The lines of the file's first `length` bytes, last first, empty ones left out. A newline byte never occurs inside
 * a UTF-8 character, so the chunks are cut at newlines before they are decoded. */
export function* linesFromEnd(path: string, length: number, chunkBytes = 1 << 20): Generator<string> {
  const { fd } = openRunFile(path);
  try {
    let position = length;
    let carry = Buffer.alloc(0);
    while (position > 0) {
      const size = Math.min(chunkBytes, position);
      position -= size;
      const chunk = Buffer.allocUnsafe(size);
      readSync(fd, chunk, 0, size, position);
      const text = carry.length ? Buffer.concat([chunk, carry]) : chunk;
      // Before the first newline is part of a line that starts in the chunk before (unless this is the first).
      const cut = position > 0 ? text.indexOf(NEWLINE) + 1 : 0;
      if (position > 0 && cut === 0) {
        carry = text;
        continue;
      }
      carry = cut > 0 ? Buffer.from(text.subarray(0, cut - 1)) : Buffer.alloc(0);
      const lines = text.toString('utf8', cut).split('\n');
      for (let i = lines.length - 1; i >= 0; i--) if (lines[i]) yield lines[i];
    }
  } finally {
    closeSync(fd);
  }
}

/** The complete lines between byte `from` and the file's end, first first, and where the last one ends. */
export function linesAfter(path: string, from: number): { lines: string[]; end: number } {
  const { text, end } = textAfter(path, from);
  return { lines: text ? text.split('\n').filter(Boolean) : [], end };
}

/** The text of the complete lines between byte `from` and the file's end (without the last newline), and where it ends. */
export function textAfter(path: string, from: number): { text: string; end: number } {
  const { fd, size } = openRunFile(path);
  try {
    if (size <= from) return { text: '', end: from };
    const bytes = Buffer.allocUnsafe(size - from);
    const read = readSync(fd, bytes, 0, bytes.length, from);
    const last = bytes.subarray(0, read).lastIndexOf(NEWLINE);
    if (last < 0) return { text: '', end: from };
    return { text: bytes.toString('utf8', 0, last), end: from + last + 1 };
  } finally {
    closeSync(fd);
  }
}
