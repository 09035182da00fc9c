import { renameSync, writeFileSync } from 'node:fs';

/** Writes a file whole or not at all: written beside it, then renamed over it, so that a reader (another process
 * included) sees the old content or the new, never half of it. */
export function writeFileAtomically(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
