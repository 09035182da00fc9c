// What the runs folder held when insights last listed it: its modification time then, and the runs that had not
// ended. While the folder's time is the same, no run folder was added or removed since, so the folder need not be
// listed again (ten thousand entries cost more than the rest of a report). A time is only trusted once the folder
// has been still for a while, so that a file system with coarse times cannot hide a change in the same tick.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readRunText } from './runFiles';
import { writeFileAtomically } from './atomicFile';
import { INSIGHTS_DIR } from './digestCatalog';

const LISTING = 'listing.json';
/** How long the folder must have been still for its time to be trusted (coarse file systems tick every 2 s). */
const STILL_MS = 2_000;

export interface Listing {
  mtimeMs: number;
  /** Runs that had not ended. */
  running: string[];
}

/** The folder's modification time, or undefined when there is no folder. */
export const folderTime = (runsDir: string): number | undefined => (existsSync(runsDir) ? statSync(runsDir).mtimeMs : undefined);

/** The last listing, when the folder has not changed since. */
export function unchangedListing(runsDir: string, mtimeMs: number | undefined): Listing | undefined {
  const path = join(runsDir, INSIGHTS_DIR, LISTING);
  if (mtimeMs === undefined || !existsSync(path)) return undefined;
  try {
    const kept = JSON.parse(readRunText(path)) as Partial<Listing>;
    const running = kept.running;
    if (kept.mtimeMs !== mtimeMs || !Array.isArray(running) || !running.every((r) => typeof r === 'string')) return undefined;
    return { mtimeMs, running };
  } catch {
    return undefined;
  }
}

/** Keeps a listing made now of a folder whose time was `mtimeMs` before it was listed (unless it just changed). */
export function keepListing(runsDir: string, listing: Listing): void {
  if (Date.now() - listing.mtimeMs < STILL_MS) return;
  mkdirSync(join(runsDir, INSIGHTS_DIR), { recursive: true });
  writeFileAtomically(join(runsDir, INSIGHTS_DIR, LISTING), JSON.stringify(listing));
}
