import { closeSync, readSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { LogChunk } from '../../protocol';
import { openRunFile } from './runFiles';

const UNSAFE_IN_FILE_NAMES = /[^A-Za-z0-9_.=,[\]-]/g;

/** The longest file name file systems take (in bytes; a log's name is ASCII). */
const MAX_FILE_NAME = 255;

/**
 * The log file of a node instance. An id with characters a file name cannot take (`deploy/push` in a sub-workflow,
 * a matrix value with a space) gets a hash of itself, so that it cannot share a file with an id like `deploy_push`;
 * so does an id too long for a file name, cut short (a node id or matrix value of hundreds of characters).
 */
export function logFileName(instanceId: string): string {
  const safe = instanceId.replace(UNSAFE_IN_FILE_NAMES, '_');
  if (safe === instanceId && safe.length + 4 <= MAX_FILE_NAME) return `${safe}.log`;
  const hash = createHash('sha256').update(instanceId).digest('hex').slice(0, 8);
  return `${safe.slice(0, MAX_FILE_NAME - hash.length - 5)}-${hash}.log`;
}

/** How much of a log one read returns at most, unless asked for less. */
export const MAX_LOG_CHUNK = 1024 * 1024;

/**
 * A piece of a node's log: from `offset` (to at most `maxBytes` further), or its last `tailLines` lines. A log not
 * written yet is empty. The text never starts or ends inside a character.
 */
export function readLog(dir: string, instanceId: string, o: { offset?: number; tailLines?: number; maxBytes?: number } = {}): LogChunk {
  let fd: number;
  let size: number;
  try {
    ({ fd, size } = openRunFile(join(dir, 'logs', logFileName(instanceId))));
  } catch {
    return { text: '', offset: 0, end: 0, size: 0 };
  }
  try {
    const maxBytes = Math.min(o.maxBytes ?? MAX_LOG_CHUNK, MAX_LOG_CHUNK);
    if (o.tailLines !== undefined) return tailOf(fd, size, o.tailLines, maxBytes);
    const offset = Math.min(o.offset ?? 0, size);
    return chunk(fd, offset, Math.min(size, offset + maxBytes), size);
  } finally {
    closeSync(fd);
  }
}

/** Bytes [from, to) of the file, moved back to whole characters (a UTF-8 sequence is never split). */
function chunk(fd: number, from: number, to: number, size: number): LogChunk {
  const buffer = Buffer.alloc(to - from);
  const read = readSync(fd, buffer, 0, buffer.length, from);
  let end = read;
  // Drop a character cut at the end: it comes whole with the next read.
  if (from + end < size) while (end > 0 && (buffer[end - 1] & 0xc0) === 0x80) end--;
  if (from + end < size && end > 0 && buffer[end - 1] >= 0xc0) end--;
  return { text: buffer.subarray(0, end).toString('utf8'), offset: from, end: from + end, size };
}

/** The last `lines` lines, within `maxBytes` of the end. */
function tailOf(fd: number, size: number, lines: number, maxBytes: number): LogChunk {
  const from = Math.max(0, size - maxBytes);
  const whole = chunk(fd, from, size, size);
  const text = whole.text.endsWith('\n') ? whole.text.slice(0, -1) : whole.text;
  const all = text.split('\n');
  // A window that starts mid-file starts mid-line: its first line is not whole.
  const usable = from > 0 ? all.slice(1) : all;
  const kept = usable.slice(-lines).join('\n') + (whole.text.endsWith('\n') ? '\n' : '');
  return { text: kept, offset: size - Buffer.byteLength(kept), end: size, size };
}
