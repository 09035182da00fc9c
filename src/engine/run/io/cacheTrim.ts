// Keeps a `.cache` folder within its bounds. The artifacts' copies: those of the results kept longest ago are dropped
// first (the results stay, reused while their artifacts are as the node left them), and copies no entry names are
// deleted. The results: past MAX_KEPT_RESULTS, those kept longest ago are deleted (their nodes run again when next
// asked). Entries of an older version of the cache, which no lookup reads, are deleted too.
import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { COPIES_FOLDER, isCopyName, isUnfinishedCopyName, ownCopiesFolder } from './artifactCopies';
import { type Entry, entryNames, isOutdatedEntry, isSigned, readEntry, writeEntry } from './cacheEntries';
import type { EntryKeys } from './entryKeys';

/** How many results a runs folder keeps (each entry is a small file; a cached node keeps one per key it met). */
export const MAX_KEPT_RESULTS = 10_000;

/** A copy younger than this is left alone even when no entry names it: the run that wrote it may not have written its entry yet. */
export const COPY_GRACE_MS = 60 * 60 * 1000;

interface Kept {
  path: string;
  entry: Entry;
  shas: Set<string>;
}

/** How many files a trim reads at once: 10,000 entries took 4.5 s read one after the other, 1.2 s read 32 at a time. */
const READS_AT_ONCE = 32;

/** `f` of each item, READS_AT_ONCE at a time, in the items' order. */
async function inBatches<T, R>(items: readonly T[], f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += READS_AT_ONCE) out.push(...(await Promise.all(items.slice(i, i + READS_AT_ONCE).map(f))));
  return out;
}

async function readEntries(cacheDir: string): Promise<Kept[]> {
  const paths = entryNames(cacheDir).map((name) => join(cacheDir, name));
  const entries = await inBatches(paths, readEntry);
  const kept: Kept[] = [];
  for (const [i, entry] of entries.entries()) {
    const path = paths[i];
    if (entry) kept.push({ path, entry, shas: new Set((entry.copies ?? []).map((c) => c.sha)) });
    else if (isOutdatedEntry(path)) await rm(path, { force: true });
  }
  return kept;
}

/** The files in the copies' folder (copies, and temporary files), with their stats; none when it is not a folder of its own. */
async function filesInCopies(copiesDir: string): Promise<{ name: string; size: number; mtimeMs: number }[]> {
  if (!ownCopiesFolder(copiesDir)) return [];
  const names = await readdir(copiesDir).catch(() => [] as string[]);
  const stats = await inBatches(names, (name) => lstat(join(copiesDir, name)).catch(() => undefined));
  return names.flatMap((name, i) => {
    const st = stats[i];
    return st?.isFile() ? [{ name, size: st.size, mtimeMs: st.mtimeMs }] : [];
  });
}

/** The copies in the folder: their size, and whether they are older than the grace (or a temporary file left behind). */
async function readCopies(copiesDir: string, now: number, graceMs: number): Promise<Map<string, { size: number; old: boolean }>> {
  const copies = new Map<string, { size: number; old: boolean }>();
  for (const { name, size, mtimeMs } of await filesInCopies(copiesDir)) {
    const old = now - mtimeMs >= graceMs;
    if (isCopyName(name)) copies.set(name, { size, old });
    else if (isUnfinishedCopyName(name) && old) await rm(join(copiesDir, name), { force: true });
  }
  return copies;
}

/**
 * The bytes the files in a folder of kept results' copies take (named by entries or not, temporary ones too), told
 * without reading an entry: a run trims only once they take more than the bound. Copies no entry names are so
 * deleted once the copies reach their bound (or by a forget), never left to take more than it.
 */
export async function copiesFolderBytes(cacheDir: string): Promise<number> {
  let bytes = 0;
  for (const { size } of await filesInCopies(join(cacheDir, COPIES_FOLDER))) bytes += size;
  return bytes;
}

/** What a folder of kept results holds: how many results, and the bytes their artifacts' copies take. */
export async function keptUsage(cacheDir: string): Promise<{ results: number; copiesBytes: number }> {
  return { results: entryNames(cacheDir).length, copiesBytes: await copiesFolderBytes(cacheDir) };
}

/** Whether the entry at `k.path` is still the result read (another run may have kept a newer one under its key since). */
async function unchanged(k: Kept): Promise<boolean> {
  const now = await readEntry(k.path);
  return now?.runId === k.entry.runId && now.at === k.entry.at;
}

const oldestFirst = (kept: Kept[]): Kept[] => [...kept].sort((a, b) => a.entry.at - b.entry.at);

/**
 * Past `maxResults`, deletes the results kept longest ago (signed with `keys`: the user's own, or the team's) down to
 * nine tenths of it, so that the next thousand results kept do not each call for a trim; returns those left. Only the
 * entries it comes to are checked (a team's signature costs more than the file's read).
 */
async function pruneResults(kept: Kept[], maxResults: number, keys: EntryKeys | undefined): Promise<Kept[]> {
  if (kept.length <= maxResults || keys === undefined) return kept;
  // The result just kept stays, however small the bound.
  let over = kept.length - Math.max(1, Math.floor(maxResults * 0.9));
  const deleted = new Set<Kept>();
  for (const k of oldestFirst(kept)) {
    if (over <= 0) break;
    if (!isSigned(k.path, k.entry, keys)) continue;
    over--;
    if (!(await unchanged(k))) continue;
    await rm(k.path, { force: true });
    deleted.add(k);
  }
  return kept.filter((k) => !deleted.has(k));
}

/**
 * Deletes the results kept longest ago past `maxResults` (MAX_KEPT_RESULTS); drops copies until those named by
 * entries take at most `maxBytes`, oldest results first; and deletes copies no entry names (once older than
 * `graceMs`). Returns the bytes the copies take after. An entry is deleted, or rewritten without its copies, only
 * when it is signed with `keys` (it is signed again): without them, or with a read key, results and the copies they
 * name are kept.
 */
export async function trimCopies(
  cacheDir: string,
  maxBytes: number,
  o: { now?: number; graceMs?: number; keys?: EntryKeys; maxResults?: number } = {},
): Promise<number> {
  const copiesDir = join(cacheDir, COPIES_FOLDER);
  // Nothing is deleted through a link (see ownCopiesFolder).
  if (!(await lstat(cacheDir).catch(() => undefined))?.isDirectory()) return 0;
  // Trimmed by those who keep results: a read key deletes nothing.
  const keys = o.keys?.sign ? o.keys : undefined;
  const kept = await pruneResults(await readEntries(cacheDir), o.maxResults ?? MAX_KEPT_RESULTS, keys);
  const copies = await readCopies(copiesDir, o.now ?? Date.now(), o.graceMs ?? COPY_GRACE_MS);
  const named = new Map<string, number>();
  for (const { shas } of kept) for (const sha of shas) named.set(sha, (named.get(sha) ?? 0) + 1);
  let total = 0;
  for (const [sha, { size, old }] of copies) {
    if (named.has(sha)) total += size;
    else if (old) await rm(join(copiesDir, sha), { force: true });
  }
  const withCopies = keys ? oldestFirst(kept.filter((k) => k.shas.size)) : [];
  for (const k of withCopies) {
    if (total <= maxBytes) break;
    if (!isSigned(k.path, k.entry, keys!)) continue;
    const { copies: _dropped, ...rest } = k.entry;
    if (await unchanged(k)) writeEntry(k.path, rest, keys!);
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
