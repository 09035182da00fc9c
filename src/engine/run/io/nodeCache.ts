// Results of nodes with `cache`, kept as one small JSON file per key in the runs folder's `.cache`, with copies of
// their artifacts (artifactCopies.ts). The key is an HMAC, under the folder's naming secret (the user's own, see
// cacheSecret.ts; a team's, see entryKeys.ts), of everything the node's run depends on as it declares it, the
// contents of its `cache.files` included; the files are read as streams, so a big one does not hold the engine up.
import { createHash, createHmac } from 'node:crypto';
import { mkdirSync, type Stats, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { artifactOutsideFolder } from '../../artifactPaths';
import { formatBytes } from '../../regularFile';
import type { CacheLookup, CacheLookupOptions, CacheQuery, KeepPreparation, KeptResult, NodeCache } from '../core/ports';
import { artifactFiles, copyFiles, COPIES_FOLDER, sha256OfFile, putBack } from './artifactCopies';
import { CACHE_VERSION, type CopiedFile, type Entry, entryNames, entryPath, readSignedEntry, writeEntry } from './cacheEntries';
import type { EntryKeys } from './entryKeys';
import { copiesFolderBytes, MAX_KEPT_RESULTS, trimCopies } from './cacheTrim';
import { matchFiles, walk, WALK_LIMIT } from './fileGlobs';

export { CACHE_FOLDER } from './cacheEntries';

/** What makes a node's cache files unusable for a key, said in full. */
class CacheFilesError extends Error {}

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

/** A path below a folder, with `/` between its parts on every system. */
export const pathBelow = (base: string, path: string): string => relative(base, path).split(sep).join('/');

const sorted = (record: Record<string, string>): [string, string][] => Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * The key of a node's result: an HMAC under the naming secret `names` of the query and of the contents of the files
 * it names. Without the secret nobody can name the entry a lookup reads, so an entry planted in a repository is never
 * found. With `base`, the workflow's and the working folder's paths are taken relative to it.
 */
export async function cacheKey(query: CacheQuery, names: string, base?: string): Promise<string> {
  const files: [string, string][] = [];
  for (const file of await filesOf(query.cwd, query.files)) files.push([file, await sha256OfFile(join(query.cwd, file))]);
  // Under a base (a checkout's folder, for a cache shared between machines), the paths as they are below it.
  const where = (path: string) => (base === undefined ? path : pathBelow(base, path));
  const material = {
    version: CACHE_VERSION,
    workflow: where(query.workflowPath),
    node: query.instanceId,
    script: query.script,
    shell: query.shell ?? null,
    cwd: where(query.cwd),
    env: sorted(query.env),
    matrix: sorted(query.matrix),
    patterns: query.files,
    files,
    outputs: query.outputs,
    // Only where there is one: the keys of every other node stay as they were.
    ...(query.stdoutAs !== undefined ? { stdoutAs: query.stdoutAs } : {}),
    artifacts: query.artifacts,
  };
  return createHmac('sha256', names).update(JSON.stringify(material)).digest('hex');
}

const stampOfStats = (st: Stats): string => `${st.ino}:${st.size}:${st.mtimeMs}`;

/**
 * What changes when an artifact is written again, replaced or removed: its file's inode, size and time; a folder's,
 * a hash of those of every file under it, with their names. Undefined when it is not there, or is a folder with more
 * entries than are looked at. A result is reused while its artifacts are as the node left them, or once they are put
 * back so from their copies.
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

export interface FileNodeCacheOptions {
  /** Without it, nothing kept is reused, and results are kept afresh. */
  reuse: boolean;
  /** The folder's keys (see entryKeys.ts); without them (`problem` says why), nothing is kept nor reused. */
  keys: () => EntryKeys | { problem: string };
  /** The most the artifacts' copies may take on disk (0: no copies are kept, and a result whose artifacts changed is not reused). */
  copiesMaxBytes: number;
  /** How many results the folder keeps (MAX_KEPT_RESULTS): past it, those kept longest ago are deleted. */
  maxResults?: number;
  /**
   * For a folder shared between machines: the folder a query's paths are keyed relative to (its checkout's), and no
   * entry written again by a lookup (the artifacts' stamps are each machine's own).
   */
  shared?: { base: (query: CacheQuery) => Promise<string> };
  /** Bounds the folder sets itself, in place of copiesMaxBytes and maxResults: read once, at the cache's first use. */
  folderBounds?: () => FolderBounds;
  onProblem?: (message: string) => void;
}

/** A folder's own bounds (a team's shared folder: see sharedFolderSettings.ts), and where they are set. */
export interface FolderBounds {
  copiesMaxBytes?: number;
  maxResults?: number;
  where: string;
}

interface Bounds {
  copiesMaxBytes: number;
  maxResults: number;
  /** What sets the copies' bound, for a node told its artifacts take too much. */
  copiesSetBy: string;
}

/** The artifacts' copies, and their stamps as they were copied. */
interface Prepared extends KeepPreparation {
  stamps?: [string, string][];
  copies?: CopiedFile[];
}

/** `dir`: the runs folder's `.cache`. */
export class FileNodeCache implements NodeCache {
  private trimmed: Promise<void> = Promise.resolve();
  /** For a shared folder: each query's base, found at its lookup, for its entry's workflow path. */
  private readonly bases = new WeakMap<CacheQuery, string>();
  /** The results in the folder, as far as this cache knows (undefined: to be counted). */
  private results: number | undefined;
  private resultsTrimmed = false;
  /** The bytes in the copies' folder, as far as this cache knows (undefined: to be summed); more than it holds, never less. */
  private copiesBytes: number | undefined;
  /** Set once a trim leaves the copies past their bound (copies of results other users signed): not trimmed again at each result. */
  private copiesPastAfterTrim = false;
  private boundsRead: Bounds | undefined;

  constructor(
    private readonly dir: string,
    private readonly o: FileNodeCacheOptions,
  ) {}

  private get copiesDir(): string {
    return join(this.dir, COPIES_FOLDER);
  }

  private get bounds(): Bounds {
    if (this.boundsRead) return this.boundsRead;
    const folder = this.o.folderBounds?.();
    const own = folder?.copiesMaxBytes === undefined;
    return (this.boundsRead = {
      copiesMaxBytes: folder?.copiesMaxBytes ?? this.o.copiesMaxBytes,
      maxResults: folder?.maxResults ?? this.o.maxResults ?? MAX_KEPT_RESULTS,
      copiesSetBy: own ? 'maestro.cache.copiesMaxMb or MAESTRO_CACHE_COPIES_MB' : folder.where,
    });
  }

  async lookup(query: CacheQuery, { ttlMs, now, reuse }: CacheLookupOptions): Promise<CacheLookup> {
    // Asked for at the first lookup: a run with no cached node makes nothing in the user's state folder.
    const keys = this.o.keys();
    if ('problem' in keys) return { key: '', problem: keys.problem };
    let key: string;
    try {
      const base = await this.o.shared?.base(query);
      if (base !== undefined) this.bases.set(query, base);
      key = await cacheKey(query, keys.names, base);
    } catch (e) {
      const message = (e as Error).message;
      return { key: '', problem: e instanceof CacheFilesError ? message : `its cache files cannot be read (${message})` };
    }
    if (!reuse || !this.o.reuse) return { key };
    const path = entryPath(this.dir, key);
    const entry = await readSignedEntry(path, keys);
    if (!entry || (ttlMs !== undefined && now - entry.at >= ttlMs)) return { key };
    const changed = entry.artifacts.filter(([artifact, stamp]) => artifactStamp(query.cwd, artifact) !== stamp).map(([artifact]) => artifact);
    const { runId, at, outputs, quality } = entry;
    const hit = { runId, at, outputs, ...(quality !== undefined ? { quality } : {}) };
    const artifacts = entry.artifacts.map(([artifact]) => artifact);
    if (!changed.length) return { key, hit, artifacts };
    if (!entry.copies || !this.bounds.copiesMaxBytes) return { key };
    const refused = await putBack(query.cwd, changed, entry.copies, this.copiesDir);
    if (refused) return { key, note: `the result of run ${runId} is not reused, as its artifacts changed and cannot be put back: ${refused}` };
    const restamped = this.o.shared ? this.stampsOf(query.cwd, artifacts) !== undefined : this.restamp(path, entry, query.cwd, keys);
    return restamped ? { key, hit, restored: changed, artifacts } : { key };
  }

  /** After artifacts were put back, the entry takes their new stamps, so that the next lookup finds them as they are. */
  private restamp(path: string, entry: Entry, cwd: string, keys: EntryKeys): boolean {
    const artifacts = this.stampsOf(
      cwd,
      entry.artifacts.map(([artifact]) => artifact),
    );
    if (!artifacts) return false;
    try {
      writeEntry(path, { ...entry, artifacts }, keys);
    } catch (e) {
      this.o.onProblem?.(`a kept result could not be updated in ${this.dir}: ${(e as Error).message}`);
    }
    return true;
  }

  /** Copies the artifacts the node's process left, and stamps them, for `keep` (see NodeCache.prepare). */
  async prepare(query: CacheQuery): Promise<Prepared> {
    const { copiesMaxBytes, copiesSetBy } = this.bounds;
    if (!copiesMaxBytes || !query.artifacts.length) return {};
    const notCopied = 'the result is kept, but its artifacts are not copied';
    const { files: artifacts } = matchFiles(query.cwd, query.artifacts);
    const stamps = this.stampsOf(query.cwd, artifacts);
    // An artifact that cannot be stamped: keep says so.
    if (!stamps) return {};
    const listed = artifactFiles(query.cwd, artifacts);
    if (typeof listed === 'string') return { note: `${notCopied}: ${listed}` };
    if (listed.bytes > copiesMaxBytes / 2) {
      const bound = `${formatBytes(copiesMaxBytes)}; ${copiesSetBy}`;
      return { note: `${notCopied}: they take ${formatBytes(listed.bytes)}, more than half of what the copies may take (${bound})` };
    }
    try {
      const copies = await copyFiles(query.cwd, listed.files, this.copiesDir);
      const after = this.stampsOf(query.cwd, artifacts);
      if (JSON.stringify(after) !== JSON.stringify(stamps)) return { note: `${notCopied}: they changed while they were copied` };
      return { stamps, copies };
    } catch (e) {
      return { note: `${notCopied}: ${(e as Error).message}` };
    }
  }

  private stampsOf(cwd: string, artifacts: readonly string[]): [string, string][] | undefined {
    const stamps: [string, string][] = [];
    for (const artifact of artifacts) {
      const stamp = artifactStamp(cwd, artifact);
      if (stamp === undefined) return undefined;
      stamps.push([artifact, stamp]);
    }
    return stamps;
  }

  keep(key: string, result: KeptResult & { artifacts: string[]; query: CacheQuery; prepared?: Prepared }): string | undefined {
    const { runId, at, outputs, quality, artifacts, query, prepared } = result;
    // Read at the lookup that came before: a node whose lookup had no keys has nothing to keep, nor has a read key.
    const keys = this.o.keys();
    if ('problem' in keys || !keys.sign) return undefined;
    const stamped = this.stampsOf(query.cwd, artifacts);
    if (!stamped) {
      const artifact = artifacts.find((a) => artifactStamp(query.cwd, a) === undefined);
      return `the result is not kept for reuse: its artifact ${artifact} is gone or has more than ${WALK_LIMIT.toLocaleString('en-US')} entries`;
    }
    // The copies are of the artifacts as they are now, or they are not kept.
    const copied = prepared?.copies && JSON.stringify(prepared.stamps) === JSON.stringify(stamped) ? prepared.copies : undefined;
    const { instanceId } = query;
    const base = this.bases.get(query);
    const entry: Entry = {
      version: CACHE_VERSION,
      // In a shared folder, the workflow as every clone names it (below its checkout).
      workflowPath: base === undefined ? query.workflowPath : pathBelow(base, query.workflowPath),
      instanceId,
      runId,
      at,
      outputs,
      ...(quality !== undefined ? { quality } : {}),
      artifacts: stamped,
      ...(copied ? { copies: copied } : {}),
    };
    try {
      mkdirSync(this.dir, { recursive: true });
      writeEntry(entryPath(this.dir, key), entry, keys);
    } catch (e) {
      this.o.onProblem?.(`a node's result could not be kept for reuse in ${this.dir}: ${(e as Error).message}`);
      return undefined;
    }
    // A trim reads every entry: once past the count, or once the copies take more than their bound.
    const pastCount = this.overResults();
    if (copied && this.copiesBytes !== undefined) for (const { size } of copied) this.copiesBytes += size;
    if (copied || pastCount) this.trim(keys, pastCount);
    return (
      prepared?.note ?? (prepared?.copies && !copied ? 'the result is kept, but its artifacts are not copied: they changed after the node ended' : undefined)
    );
  }

  /**
   * Whether the folder holds more results than it keeps, the one just kept with them: counted once, then followed as
   * results are kept. Once true, never again for this cache (a run's): a trim that cannot go below the bound (other
   * users' results) must not be done again at each result.
   */
  private overResults(): boolean {
    if (this.resultsTrimmed) return false;
    // Counted by the entries' names: nothing is read.
    this.results = this.results === undefined ? entryNames(this.dir).length : this.results + 1;
    return (this.resultsTrimmed = this.results > this.bounds.maxResults);
  }

  /**
   * Trims the folder when it is past its count, or its copies past their bound: summed from the folder's files at the
   * first result with copies and after a trim (no entry read), else followed as copies are kept (a copy kept
   * twice counted twice).
   */
  private trim(keys: EntryKeys, pastCount: boolean): void {
    this.trimmed = this.trimmed
      .then(async () => {
        const { copiesMaxBytes, maxResults } = this.bounds;
        if (!pastCount) {
          if (this.copiesPastAfterTrim) return;
          this.copiesBytes ??= await copiesFolderBytes(this.dir);
          if (this.copiesBytes <= copiesMaxBytes) return;
        }
        this.copiesPastAfterTrim = (await trimCopies(this.dir, copiesMaxBytes, { keys, maxResults })) > copiesMaxBytes;
        this.copiesBytes = undefined;
      })
      .then(
        () => undefined,
        (e: unknown) => this.o.onProblem?.(`the artifacts' copies in ${this.copiesDir} could not be trimmed: ${(e as Error).message}`),
      );
  }

  /** Once the copies are trimmed: a process ending before would leave it half done. */
  async settled(): Promise<void> {
    await this.trimmed;
  }
}
