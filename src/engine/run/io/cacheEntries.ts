// The entries of the runs folder's `.cache`: one JSON file per kept result, named by its key. Read as what a stranger
// may have put there (the folder can come with a repository): anything not exactly an entry of this version is none,
// and a lookup takes only an entry signed with the folder's keys (see entryKeys.ts), as its name is made with them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { artifactOutsideFolder } from '../../artifactPaths';
import { isObject } from '../../json';
import type { KeptResult } from '../core/ports';
import { writeFileAtomically } from './atomicFile';
import type { EntryKeys } from './entryKeys';

/** Changes when what goes into a key, or how an entry is written, changes: older entries are then not read. */
export const CACHE_VERSION = 5;
/** The folder of kept results, in the runs folder (run listings skip it: it holds no run). */
export const CACHE_FOLDER = '.cache';
/** Outputs take at most 1 MiB, and the list of an artifact folder's copies at most 10,000 files. */
const MAX_ENTRY_BYTES = 8 * 1024 * 1024;
const ENTRY_NAME = /^[0-9a-f]{64}\.json$/;

/** A file of an artifact as the node left it, kept as a copy named by its SHA-256 (see artifactCopies.ts). */
export interface CopiedFile {
  /** Relative to the node's cwd. */
  path: string;
  sha: string;
  size: number;
  /** Its permission bits. */
  mode: number;
}

export interface Entry extends KeptResult {
  version: number;
  /** Whose result it is: for forgetting one workflow's results, and for people reading the folder. */
  workflowPath: string;
  instanceId: string;
  /** The artifacts the node left (relative to its folder), each with its stamp as it left it (see artifactStamp). */
  artifacts: [string, string][];
  /** Every file of those artifacts, when copies of them are kept: what a lookup puts back when they changed since. */
  copies?: CopiedFile[];
  /** The signature of the rest with the folder's keys (see writeEntry). */
  signature?: string;
}

const isStamped = (v: unknown): v is [string, string] => Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string';

/** A relative path with no `..`, `.` or empty part: a copy is put back under the node's folder and nowhere else. */
const isPlainRelativePath = (p: string): boolean =>
  p.length > 0 && artifactOutsideFolder(p) === undefined && p.split('/').every((part) => part !== '' && part !== '.' && !part.includes('\\'));

const isCopiedFile = (v: unknown): v is CopiedFile =>
  isObject(v) &&
  typeof v.path === 'string' &&
  isPlainRelativePath(v.path) &&
  typeof v.sha === 'string' &&
  /^[0-9a-f]{64}$/.test(v.sha) &&
  Number.isSafeInteger(v.size) &&
  (v.size as number) >= 0 &&
  Number.isInteger(v.mode) &&
  (v.mode as number) >= 0 &&
  (v.mode as number) <= 0o777;

export function entryOf(text: string): Entry | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(v) || v.version !== CACHE_VERSION || typeof v.runId !== 'string' || typeof v.at !== 'number') return undefined;
  if (typeof v.workflowPath !== 'string' || typeof v.instanceId !== 'string') return undefined;
  if (!isObject(v.outputs) || !Object.values(v.outputs).every((x) => typeof x === 'string')) return undefined;
  if (!Array.isArray(v.artifacts) || !v.artifacts.every(isStamped)) return undefined;
  if (v.quality !== undefined && typeof v.quality !== 'number') return undefined;
  if (v.copies !== undefined && !(Array.isArray(v.copies) && v.copies.every(isCopiedFile))) return undefined;
  if (v.signature !== undefined && typeof v.signature !== 'string') return undefined;
  return v as unknown as Entry;
}

/** An entry, when its file is one this cache could have written: a regular file no bigger than an entry may be. */
export async function readEntry(path: string): Promise<Entry | undefined> {
  try {
    const st = await stat(path);
    if (!st.isFile() || st.size > MAX_ENTRY_BYTES) return undefined;
    return entryOf(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export function readEntrySync(path: string): Entry | undefined {
  try {
    const st = statSync(path);
    return st.isFile() && st.size <= MAX_ENTRY_BYTES ? entryOf(readFileSync(path, 'utf8')) : undefined;
  } catch {
    return undefined;
  }
}

/** JSON with every object's keys in one order, whatever order they were written or read in. */
const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (isObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));

/** What an entry's signature signs: the entry with the key it is kept under (its file's name), so that an entry moved under another key is none. */
const signedText = (path: string, entry: Omit<Entry, 'signature'>): string => canonicalJson({ key: basename(path, '.json'), entry });

/**
 * Whether the entry at `path` was written there by an engine with the folder's keys, and not changed since: a runs
 * folder committed with its results lets others know the entries' names, not sign what they would put in one
 * (outputs a later script reads, copies put back).
 */
export function isSigned(path: string, entry: Entry, keys: EntryKeys): boolean {
  const { signature, ...rest } = entry;
  return signature !== undefined && keys.verify(signedText(path, rest), signature);
}

/** An entry a lookup may take: one this cache could have written, signed with the folder's keys. */
export async function readSignedEntry(path: string, keys: EntryKeys): Promise<Entry | undefined> {
  const entry = await readEntry(path);
  return entry && isSigned(path, entry, keys) ? entry : undefined;
}

/**
 * Signed, and written whole (never through a link planted in its place), at once, so that a run started after finds
 * it. Throws with a read key, which signs nothing.
 */
export function writeEntry(path: string, entry: Entry, keys: EntryKeys): void {
  if (!keys.sign) throw new Error('a read key writes no kept result');
  const { signature: _old, ...rest } = entry;
  writeFileAtomically(path, JSON.stringify({ ...rest, signature: keys.sign(signedText(path, rest)) }));
}

/** The names of the entry files in a `.cache` folder (none when there is no folder). */
export function entryNames(cacheDir: string): string[] {
  try {
    return readdirSync(cacheDir).filter((n) => ENTRY_NAME.test(n));
  } catch {
    return [];
  }
}

/** Whether an entry file was written by an older version of this cache (no lookup reads it again). */
export function isOutdatedEntry(path: string): boolean {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > MAX_ENTRY_BYTES) return false;
    const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return isObject(v) && typeof v.version === 'number' && v.version < CACHE_VERSION;
  } catch {
    return false;
  }
}

export const entryPath = (cacheDir: string, key: string): string => join(cacheDir, `${key}.json`);
