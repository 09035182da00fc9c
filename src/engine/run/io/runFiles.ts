// The files of a runs folder are the engine's own: they are read where the engine wrote them, never through a link
// put in their place (a repository's `run.json` linked to a private key would have its first characters quoted in
// the error that says it is not a run). The folders above them may be links: a runs folder kept on another disk.
import { openRegularFile, readRegularBytes, readRegularText, UnreadableFileError } from '../../regularFile';

export const openRunFile = (path: string): ReturnType<typeof openRegularFile> => openRegularFile(path, Infinity, 'refuse');
export const readRunText = (path: string): string => readRegularText(path, Infinity, 'refuse');
export const readRunBytes = (path: string): Buffer => readRegularBytes(path, Infinity, 'refuse');

/**
 * The text of a file the engine can make again (a summary, an index, a catalog), or undefined when it is missing or
 * is not a file of its own (a link, a folder, a pipe): it is then made again, in place of what was there.
 */
export function readRemadeText(path: string): string | undefined {
  try {
    return readRunText(path);
  } catch (e) {
    if (isMissingOrForeign(e)) return undefined;
    throw e;
  }
}

/** Whether reading failed because the file is not there, or is not a file of the engine's own. */
export const isMissingOrForeign = (e: unknown): boolean => e instanceof UnreadableFileError || (e as NodeJS.ErrnoException).code === 'ENOENT';
