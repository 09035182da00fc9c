// The DAG panel's graph of a workflow file nobody has open, made where the file is validated (the worker's thread).
// The last few graphs are kept while the file and every sub-workflow file its validation read stay as they were, so
// that showing a workflow again (a panel moved back to it) does not validate it again. A file validated in the
// background keeps its graph too when the host asks (a panel is open, or the workflow was shown before): the panel's
// first move to it does not validate it again either.
import { statSync } from 'node:fs';
import { dagGraphOf } from '../../dagGraph';
import { type FileText, readFileText } from '../../fileText';
import { UnreadableFileError } from '../../regularFile';
import { dependencyFiles, validateFile } from '../../validateFile';
import type { ValidationResult } from '../validate';
import { buildIndex } from '../../workflowIndex';
import { MAX_VALIDATED_BYTES } from './fileDiagnostics';
import type { FileGraph } from './protocol';

/** Why a workflow file that is not there cannot be read (following "… cannot be read: "). */
export const FILE_GONE = 'it may have been deleted or moved';

/** How many graphs are kept: each is a few hundred KB for a 1,000-node workflow. */
const KEPT_GRAPHS = 8;

interface KeptGraph {
  /** The file's stamp when it was read, and the stamps of the files its validation depended on. */
  stamps: string[];
  depends: string[];
  found: FileGraph;
}

const kept = new Map<string, KeptGraph>();

/** What changes when a file is written, replaced or removed; and when it was last written (0 when it is not there). */
function stampOf(path: string): { stamp: string; writtenAt: number } {
  try {
    const s = statSync(path);
    return { stamp: `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`, writtenAt: s.mtimeMs };
  } catch {
    return { stamp: 'none', writtenAt: 0 };
  }
}

const stampsOf = (paths: readonly string[]): string[] => paths.map((p) => stampOf(p).stamp);

/** When and how a file was stamped before it was read: a write during the read makes the stamp stale, never a stale graph current. */
export interface ReadStamp {
  began: number;
  stamp: string;
}

export const stampBeforeRead = (path: string): ReadStamp => ({ began: Date.now(), stamp: stampOf(path).stamp });

/** The graph of a workflow file; why it cannot be read, in words that follow "… cannot be read: ". */
export function fileGraph(path: string): FileGraph {
  const read = stampBeforeRead(path);
  const { stamp } = read;
  const hit = kept.get(path);
  if (hit && hit.stamps.join('\n') === [stamp, ...stampsOf(hit.depends)].join('\n')) {
    kept.delete(path);
    kept.set(path, hit);
    return hit.found;
  }
  let text: FileText;
  try {
    text = readFileText(path, MAX_VALIDATED_BYTES);
  } catch (e) {
    kept.delete(path);
    if (e instanceof UnreadableFileError) return { unreadable: e.message };
    const code = (e as NodeJS.ErrnoException).code;
    return { unreadable: code === 'ENOENT' ? FILE_GONE : (e as Error).message };
  }
  return graphOfValidated(path, read, validateFile(path, text));
}

/** The graph of a file just validated, kept for its next Show DAG while it and the files its validation read stay as they were. */
export function graphOfValidated(path: string, { began, stamp }: ReadStamp, result: ValidationResult): FileGraph {
  const found = dagGraphOf(buildIndex(result));
  const depends = dependencyFiles(path, result.workflow);
  const stamps = depends.map(stampOf);
  // A sub-workflow written since the read began may have been read before or after the write: nothing is kept then.
  if (stamps.every((s) => s.writtenAt < began)) keep(path, { stamps: [stamp, ...stamps.map((s) => s.stamp)], depends, found });
  else kept.delete(path);
  return found;
}

function keep(path: string, graph: KeptGraph): void {
  kept.delete(path);
  if (kept.size >= KEPT_GRAPHS) kept.delete(kept.keys().next().value!);
  kept.set(path, graph);
}
