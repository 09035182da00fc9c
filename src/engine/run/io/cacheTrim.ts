// Keeps the artifacts' copies of a `.cache` folder within their bound: the copies of the results kept longest ago
// are dropped first (the results stay, reused while their artifacts are as the node left them), and copies no entry
// names are deleted. Entries of an older version of the cache, which no lookup reads, are deleted too.
import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { COPIES_FOLDER, isCopyName, isUnfinishedCopyName, ownCopiesFolder } from './artifactCopies';
import { type Entry, entryNames, isOutdatedEntry, isSigned, readEntry, writeEntry } from './cacheEntries';

/** A copy younger than this is left alone even when no entry names it: the run that wrote it may not have written its entry yet. */
export const COPY_GRACE_MS = 60 * 60 * 1000;

interface Kept {
  path: string;
  entry: Entry;
  shas: Set<string>;
}

async function readEntries(cacheDir: string): Promise<Kept[]> {
  const kept: Kept[] = [];
  for (const name of entryNames(cacheDir)) {
    const path = join(cacheDir, name);
    const entry = await readEntry(path);
    if (entry) kept.push({ path, entry, shas: new Set((entry.copies ?? []).map((c) => c.sha)) });
    else if (isOutdatedEntry(path)) await rm(path, { force: true });
  }
  return kept;
}

/** The copies in the folder: their size, and whether they are older than the grace (or a temporary file left behind). */
async function readCopies(copiesDir: string, now: number, graceMs: number): Promise<Map<string, { size: number; old: boolean }>> {
  const copies = new Map<string, { size: number; old: boolean }>();
  if (!ownCopiesFolder(copiesDir)) return copies;
  for (const name of await readdir(copiesDir).catch(() => [] as string[])) {
    const st = await lstat(join(copiesDir, name)).catch(() => undefined);
    if (!st?.isFile()) continue;
    const old = now - st.mtimeMs >= graceMs;
    if (isCopyName(name)) copies.set(name, { size: st.size, old });
    else if (isUnfinishedCopyName(name) && old) await rm(join(copiesDir, name), { force: true });
  }
  return copies;
}

/**
 * Drops copies until those named by entries take at most `maxBytes`, oldest results first, and deletes copies no
 * entry names (once older than `graceMs`). Returns the bytes the copies take after. An entry is rewritten without
 * its copies only when it is signed with `secret` (it is signed again): without one, copies named are kept.
 */
export async function trimCopies(cacheDir: string, maxBytes: number, o: { now?: number; graceMs?: number; secret?: string } = {}): Promise<number> {
  const copiesDir = join(cacheDir, COPIES_FOLDER);
  // Nothing is deleted through a link (see ownCopiesFolder).
  if (!(await lstat(cacheDir).catch(() => undefined))?.isDirectory()) return 0;
  const kept = await readEntries(cacheDir);
  const copies = await readCopies(copiesDir, o.now ?? Date.now(), o.graceMs ?? COPY_GRACE_MS);
  const named = new Map<string, number>();
  for (const { shas } of kept) for (const sha of shas) named.set(sha, (named.get(sha) ?? 0) + 1);
  let total = 0;
  for (const [sha, { size, old }] of copies) {
    if (named.has(sha)) total += size;
    else if (old) await rm(join(copiesDir, sha), { force: true });
  }
  const { secret } = o;
  const oldestFirst = secret === undefined ? [] : kept.filter((k) => k.shas.size && isSigned(k.path, k.entry, secret)).sort((a, b) => a.entry.at - b.entry.at);
  for (const k of oldestFirst) {
    if (total <= maxBytes) break;
    const { copies: _dropped, ...rest } = k.entry;
    // Unless another run kept a newer result under the key since it was read.
    const now = await readEntry(k.path);
    if (now?.runId === k.entry.runId && now.at === k.entry.at) writeEntry(k.path, rest, secret!);
    for (const sha of k.shas) {
      const left = named.get(sha)! - 1;
      named.set(sha, left);
      if (left > 0) continue;
      total -= copies.get(sha)?.size ?? 0;
      await rm(join(copiesDir, sha), { force: true });
    }
  }
  return total;
}
