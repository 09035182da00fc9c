// The DAG panel's graph of a workflow file nobody has open, made where the file is validated (the worker's thread).
import { dagGraphOf } from '../../dagGraph';
import { type FileText, readFileText } from '../../fileText';
import { UnreadableFileError } from '../../regularFile';
import { validateFile } from '../../validateFile';
import { buildIndex } from '../../workflowIndex';
import { MAX_VALIDATED_BYTES } from './fileDiagnostics';
import type { FileGraph } from './protocol';

/** Why a workflow file that is not there cannot be read (following "… cannot be read: "). */
export const FILE_GONE = 'it may have been deleted or moved';

/** The graph of a workflow file; why it cannot be read, in words that follow "… cannot be read: ". */
export function fileGraph(path: string): FileGraph {
  let text: FileText;
  try {
    text = readFileText(path, MAX_VALIDATED_BYTES);
  } catch (e) {
    if (e instanceof UnreadableFileError) return { unreadable: e.message };
    const code = (e as NodeJS.ErrnoException).code;
    return { unreadable: code === 'ENOENT' ? FILE_GONE : (e as Error).message };
  }
  return dagGraphOf(buildIndex(validateFile(path, text)));
}
