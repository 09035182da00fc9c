// Reading the script files a workflow's nodes run, for the outputs they write: validation runs per keystroke, so each
// file is read once while its size and time stay the same, and only a regular file of a bounded size is read.
import { statSync } from 'node:fs';
import { writesIn } from './outputMentions';
import { readRegularText } from './regularFile';

/** A script file larger than this is not read for the outputs it writes. */
export const MAX_SCRIPT_BYTES = 256 * 1024;
const MAX_CACHED = 64;

/** An output a script file writes to `$MAESTRO_OUTPUT`, where its name is in the file's text. */
export interface ScriptWrite {
  output: string;
  at: number;
}

const cache = new Map<string, { mtimeMs: number; size: number; writes: ScriptWrite[] | undefined }>();

/**
 * The outputs a script file writes, first write first, as `writesIn` sees them; undefined when it cannot be read: it
 * is missing, not a regular file, or larger than MAX_SCRIPT_BYTES.
 */
export function scriptFileWrites(path: string): ScriptWrite[] | undefined {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return undefined;
  }
  if (!stat.isFile() || stat.size > MAX_SCRIPT_BYTES) return undefined;
  const hit = cache.get(path);
  if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) return hit.writes;
  let writes: ScriptWrite[] | undefined;
  try {
    const text = readRegularText(path, MAX_SCRIPT_BYTES);
    writes = text.includes('MAESTRO_OUTPUT') ? writesIn(text).sort((a, b) => a.at - b.at) : [];
  } catch {
    writes = undefined;
  }
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, writes });
  return writes;
}
