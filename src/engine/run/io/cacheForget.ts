// Forgetting kept results: all of a folder's, a workflow's, those kept before a time, or those another key signed.
import { readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { COPIES_FOLDER, isCopyName, isUnfinishedCopyName, ownCopiesFolder } from './artifactCopies';
import { CACHE_FOLDER, type Entry, entryNames, isOutdatedEntry, isSigned, readEntrySync } from './cacheEntries';
import { trimCopies } from './cacheTrim';
import type { EntryKeys } from './entryKeys';

/** Deletes the copies' folder: the copies in it, then it, if that leaves it empty. Nothing through a link. */
function forgetCopies(copiesDir: string): void {
  if (!ownCopiesFolder(copiesDir)) return;
  for (const name of readdirSync(copiesDir)) if (isCopyName(name) || isUnfinishedCopyName(name)) rmSync(join(copiesDir, name), { force: true });
  try {
    rmdirSync(copiesDir);
  } catch {
    // Something else is in it: left as it is.
  }
}

/** Which kept results to forget (all of them when none is said). */
export interface ForgetOptions {
  /** A workflow's, as its entries name it. */
  workflowPath?: string;
  /** Those kept before this time (ms since the epoch). */
  olderThan?: number;
  /** Those not signed with these keys: after a team's key was changed, the results the old one signed. */
  notSignedWith?: EntryKeys;
}

/**
 * Deletes the kept results in a runs folder: all of them (with the artifacts' copies), or those `o` says; returns
 * how many. What cannot be read as an entry is left alone unless all are asked for (or, with `notSignedWith`, it is
 * an older version's entry). Copies no other entry names are
 * deleted with them.
 */
export function forgetResults(runsDir: string, o: ForgetOptions = {}): Promise<number> {
  return forgetKept(join(runsDir, CACHE_FOLDER), o);
}

/** Whether forgetting with `o` would forget the entry at `path`. */
function forgets(path: string, entry: Entry, o: ForgetOptions): boolean {
  if (o.workflowPath !== undefined && entry.workflowPath !== o.workflowPath) return false;
  if (o.olderThan !== undefined && entry.at >= o.olderThan) return false;
  return o.notSignedWith === undefined || !isSigned(path, entry, o.notSignedWith);
}

/** How many results of this cache's version a folder of kept results holds, and how many of them are signed with `keys`. */
export function keptResultsSigned(dir: string, keys: EntryKeys): { total: number; signed: number } {
  let [total, signed] = [0, 0];
  for (const name of entryNames(dir)) {
    const entry = readEntrySync(join(dir, name));
    if (!entry) continue;
    total++;
    if (isSigned(join(dir, name), entry, keys)) signed++;
  }
  return { total, signed };
}

/** forgetResults in a folder of kept results; `workflowPath` as its entries name the workflow. */
export async function forgetKept(dir: string, o: ForgetOptions): Promise<number> {
  const all = o.workflowPath === undefined && o.olderThan === undefined && o.notSignedWith === undefined;
  let removed = 0;
  for (const name of entryNames(dir)) {
    const path = join(dir, name);
    if (!all) {
      const entry = readEntrySync(path);
      // An older version's entry is signed with no key in use (no lookup reads it).
      const forget = entry ? forgets(path, entry, o) : o.notSignedWith !== undefined && isOutdatedEntry(path);
      if (!forget) continue;
    }
    rmSync(path, { force: true });
    removed++;
  }
  if (all) forgetCopies(join(dir, COPIES_FOLDER));
  // Without the grace a trim gives: a run copying artifacts now finds a copy gone when it is to be put back, and runs.
  else if (removed) await trimCopies(dir, Number.POSITIVE_INFINITY, { graceMs: 0 });
  return removed;
}
