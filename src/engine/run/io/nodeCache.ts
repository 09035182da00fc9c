// Results of nodes with `cache`, kept as one small JSON file per key in the runs folder's `.cache`. The key is an
// HMAC, under the user's own secret (see cacheSecret.ts), of everything the node's run depends on as it declares it,
// the contents of its `cache.files` included; the files are read as streams, so a big one does not hold the engine up.
import { createHash, createHmac } from 'node:crypto';
import { createReadStream, mkdirSync, type Stats, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { artifactOutsideFolder } from '../../artifactPaths';
import { isObject } from '../../json';
import type { CacheLookup, CacheLookupOptions, CacheQuery, KeptResult, NodeCache } from '../core/ports';
import { writeFileAtomically } from './atomicFile';
import type { MachineSecret } from './cacheSecret';
import { matchFiles, walk, WALK_LIMIT } from './fileGlobs';

/** Changes when what goes into a key, or how an entry is written, changes: older entries are then not read. */
const CACHE_VERSION = 3;
/** The folder of kept results, in the runs folder (run listings skip it: it holds no run). */
export const CACHE_FOLDER = '.cache';
/** Outputs take at most 1 MiB; an entry is that and a few names. */
const MAX_ENTRY_BYTES = 2 * 1024 * 1024;

interface Entry extends KeptResult {
  version: number;
  /** Whose result it is: for forgetting one workflow's results, and for people reading the folder. */
  workflowPath: string;
  instanceId: string;
  /** The artifacts the node left (relative to its folder), each with its stamp as it left it (see artifactStamp). */
  artifacts: [string, string][];
}

/** What makes a node's cache files unusable for a key, said in full. */
class CacheFilesError extends Error {}

function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/**
 * The files the patterns name, a folder standing for every file under it. Anything else than a regular file (a FIFO
 * would never end) is refused: the node then runs without its cache.
 */
async function filesOf(cwd: string, patterns: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  const take = async (path: string, known?: Stats) => {
    if (!(known ?? (await stat(join(cwd, path)))).isFile()) throw new CacheFilesError(`cache file ${path} is not a regular file`);
    out.add(path);
  };
  // A key made of some of the files would miss a change to the others.
  const tooMany = (where: string) => () => {
    throw new CacheFilesError(`more than ${WALK_LIMIT.toLocaleString('en-US')} entries under ${where}: name fewer cache files`);
  };
  for (const pattern of patterns) {
    const outside = artifactOutsideFolder(pattern);
    if (outside) throw new CacheFilesError(`cache file '${pattern}' ${outside}`);
  }
  for (const path of matchFiles(cwd, patterns, tooMany(cwd)).files) {
    const st = await stat(join(cwd, path));
    if (!st.isDirectory()) await take(path, st);
    else for (const file of walk(join(cwd, path), WALK_LIMIT, tooMany(path))) await take(`${path}/${file}`);
  }
  return [...out].sort();
}

const sorted = (record: Record<string, string>): [string, string][] => Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * The key of a node's result: an HMAC under `secret` of the query and of the contents of the files it names. Without
 * the secret nobody can name the entry a lookup reads, so an entry planted in a repository is never found.
 */
export async function cacheKey(query: CacheQuery, secret: string): Promise<string> {
  const files: [string, string][] = [];
  for (const file of await filesOf(query.cwd, query.files)) files.push([file, await hashFile(join(query.cwd, file))]);
  const material = {
    version: CACHE_VERSION,
    workflow: query.workflowPath,
    node: query.instanceId,
    script: query.script,
    shell: query.shell ?? null,
    cwd: query.cwd,
    env: sorted(query.env),
    matrix: sorted(query.matrix),
    patterns: query.files,
    files,
    outputs: query.outputs,
    artifacts: query.artifacts,
  };
  return createHmac('sha256', secret).update(JSON.stringify(material)).digest('hex');
}

const stampOfStats = (st: Stats): string => `${st.ino}:${st.size}:${st.mtimeMs}`;

/**
 * What changes when an artifact is written again, replaced or removed: its file's inode, size and time; a folder's,
 * a hash of those of every file under it, with their names. Undefined when it is not there, or is a folder with more
 * entries than are looked at. Artifacts are not copied: a result is reused only while they are as the node left them.
 */
export function artifactStamp(cwd: string, path: string): string | undefined {
  let st: Stats;
  try {
    st = statSync(join(cwd, path));
  } catch {
    return undefined;
  }
  if (!st.isDirectory()) return stampOfStats(st);
  let over = false;
  const hash = createHash('sha256');
  const files = [...walk(join(cwd, path), WALK_LIMIT, () => (over = true))].sort();
  for (const file of files) {
    try {
      hash.update(`${file}\0${stampOfStats(statSync(join(cwd, path, file)))}\n`);
    } catch {
      return undefined;
    }
  }
  return over ? undefined : hash.digest('hex');
}

const isStamped = (v: unknown): v is [string, string] => Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string';

function entryOf(text: string): Entry | undefined {
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
  return v as unknown as Entry;
}

/** An entry, when its file is one this cache could have written: a regular file no bigger than outputs may be. */
async function readEntry(path: string): Promise<Entry | undefined> {
  try {
    const st = await stat(path);
    if (!st.isFile() || st.size > MAX_ENTRY_BYTES) return undefined;
    return entryOf(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}

export class FileNodeCache implements NodeCache {
  /**
   * `dir`: the runs folder's `.cache`; without `reuse`, nothing kept is reused, and results are kept afresh. Without a
   * secret (`problem` says why), nothing is kept nor reused.
   */
  constructor(
    private readonly dir: string,
    private readonly o: { reuse: boolean; secret: () => MachineSecret; onProblem?: (message: string) => void },
  ) {}

  async lookup(query: CacheQuery, { ttlMs, now, reuse }: CacheLookupOptions): Promise<CacheLookup> {
    // Asked for at the first lookup: a run with no cached node makes nothing in the user's state folder.
    const secret = this.o.secret();
    if ('problem' in secret) return { key: '', problem: secret.problem };
    let key: string;
    try {
      key = await cacheKey(query, secret.secret);
    } catch (e) {
      const message = (e as Error).message;
      return { key: '', problem: e instanceof CacheFilesError ? message : `its cache files cannot be read (${message})` };
    }
    if (!reuse || !this.o.reuse) return { key };
    const entry = await readEntry(join(this.dir, `${key}.json`));
    if (!entry || (ttlMs !== undefined && now - entry.at >= ttlMs)) return { key };
    for (const [artifact, stamp] of entry.artifacts) if (artifactStamp(query.cwd, artifact) !== stamp) return { key };
    const { runId, at, outputs, quality } = entry;
    return { key, hit: { runId, at, outputs, ...(quality !== undefined ? { quality } : {}) } };
  }

  keep(key: string, result: KeptResult & { artifacts: string[]; query: CacheQuery }): string | undefined {
    const { runId, at, outputs, quality, artifacts, query } = result;
    const { workflowPath, instanceId } = query;
    const stamped: [string, string][] = [];
    for (const artifact of artifacts) {
      const stamp = artifactStamp(query.cwd, artifact);
      if (stamp === undefined) return `its artifact ${artifact} is gone or has more than ${WALK_LIMIT.toLocaleString('en-US')} entries`;
      stamped.push([artifact, stamp]);
    }
    const entry: Entry = {
      version: CACHE_VERSION,
      workflowPath,
      instanceId,
      runId,
      at,
      outputs,
      ...(quality !== undefined ? { quality } : {}),
      artifacts: stamped,
    };
    const path = join(this.dir, `${key}.json`);
    // Written whole (never through a link planted in its place), at once, as the run's log is, so that a run started
    // after this one ended finds it.
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileAtomically(path, JSON.stringify(entry));
    } catch (e) {
      this.o.onProblem?.(`a node's result could not be kept for reuse in ${this.dir}: ${(e as Error).message}`);
    }
    return undefined;
  }
}

/**
 * Deletes the kept results in a runs folder: all of them, or a workflow's, or those kept before `olderThan` (ms since
 * the epoch); returns how many. What cannot be read as an entry is left alone unless all are asked for.
 */
export function forgetResults(runsDir: string, o: { workflowPath?: string; olderThan?: number } = {}): number {
  const dir = join(runsDir, CACHE_FOLDER);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^[0-9a-f]{64}\.json$/.test(n));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const path = join(dir, name);
    if (o.workflowPath !== undefined || o.olderThan !== undefined) {
      const entry = readEntrySync(path);
      if (!entry) continue;
      if (o.workflowPath !== undefined && entry.workflowPath !== o.workflowPath) continue;
      if (o.olderThan !== undefined && entry.at >= o.olderThan) continue;
    }
    rmSync(path, { force: true });
    removed++;
  }
  return removed;
}

function readEntrySync(path: string): Entry | undefined {
  try {
    const st = statSync(path);
    return st.isFile() && st.size <= MAX_ENTRY_BYTES ? entryOf(readFileSync(path, 'utf8')) : undefined;
  } catch {
    return undefined;
  }
}
