// Reading the script files a workflow's nodes run, for the outputs they write (see StatCache for when a file is read).
import { writesIn } from './outputMentions';
import { readRegularText } from './regularFile';
import { StatCache } from './statCache';

/** A script file larger than this is not read for the outputs it writes. */
export const MAX_SCRIPT_BYTES = 256 * 1024;
const MAX_CACHED = 64;

/** An output a script file writes to `$MAESTRO_OUTPUT`, where its name is in the file's text. */
export interface ScriptWrite {
  output: string;
  at: number;
}

const scripts = new StatCache(MAX_SCRIPT_BYTES, MAX_CACHED, (path): ScriptWrite[] => {
  const text = readRegularText(path, MAX_SCRIPT_BYTES);
  return text.includes('MAESTRO_OUTPUT') ? writesIn(text).sort((a, b) => a.at - b.at) : [];
});

/**
 * The outputs a script file writes, first write first, as `writesIn` sees them; undefined when it cannot be read: it
 * is missing, not a regular file, or larger than MAX_SCRIPT_BYTES.
 */
export const scriptFileWrites = (path: string): ScriptWrite[] | undefined => scripts.get(path);
