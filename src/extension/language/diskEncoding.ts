// Whether the file of an open workflow is UTF-8 on disk. The editor shows a document as VS Code decoded it (as UTF-8
// with U+FFFD in place of other bytes, or in the encoding the user chose), while a run, the CLI and the validation of
// files nobody has open read the file's bytes as UTF-8: a file that is not keeps its `encoding` error once opened,
// until it is saved as UTF-8.
import { constants, promises as fs } from 'node:fs';
import { decodeFileText, notUtf8Place } from '../../engine/fileText';
import type { FileDiagnostic } from '../../engine/validation/worker/protocol';
import { MAX_VALIDATED_BYTES } from '../../engine/validation/worker/fileDiagnostics';

/** Where a named pipe is opened without waiting for a writer (it is then refused as not a file). */
const NONBLOCK = (constants as { O_NONBLOCK?: number }).O_NONBLOCK ?? 0;

/** The encoding error of a regular file of a bounded size; undefined when it is UTF-8 or not such a file. */
async function problemIn(path: string): Promise<FileDiagnostic | undefined> {
  let file: fs.FileHandle;
  try {
    file = await fs.open(path, constants.O_RDONLY | NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stat = await file.stat();
    if (!stat.isFile() || stat.size > MAX_VALIDATED_BYTES) return undefined;
    const place = notUtf8Place(decodeFileText(await file.readFile()));
    return place && { ...place, endLine: place.line, endColumn: place.column + 1, severity: 'error', code: 'encoding' };
  } catch {
    return undefined;
  } finally {
    await file.close();
  }
}

/** The encoding errors of open workflows' files on disk, as last looked at (when opened, saved or changed). */
export class DiskEncoding {
  private readonly known = new Map<string, FileDiagnostic>();
  /** Per file, the number of its latest look: an earlier look that ends after it says nothing. */
  private readonly looks = new Map<string, number>();
  private lookCount = 0;

  /** The encoding error of the file as last looked at (none: UTF-8, or not looked at yet). */
  problemOf(path: string): FileDiagnostic | undefined {
    return this.known.get(path);
  }

  /** Looks at the file again; true when what it says of the file changed. */
  async refresh(path: string): Promise<boolean> {
    const look = ++this.lookCount;
    this.looks.set(path, look);
    const now = await problemIn(path);
    if (this.looks.get(path) !== look) return false;
    this.looks.delete(path);
    const before = this.known.get(path);
    if (now) this.known.set(path, now);
    else this.known.delete(path);
    return JSON.stringify(before) !== JSON.stringify(now);
  }

  forget(path: string): void {
    this.known.delete(path);
    this.looks.delete(path);
  }
}
