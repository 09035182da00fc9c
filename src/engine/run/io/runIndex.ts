// Run digests on disk: each ended run's `summary.json`, and per workflow an index (`.insights/<key>.jsonl`, a line
// per run appended as it ends, its graph kept once in `<key>.graphs.jsonl`) that insights read from the end instead
// of every run's events. The event logs stay the truth: a run without a summary gets one, a damaged summary is made
// again from its events, and a missing or damaged index is made again from the summaries.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { digestRun, packDigest, unpackDigest, type RunDigest } from '../../insights/digest';
import { packGraph, packIndexLine, RUN_LINE, unpackGraph } from '../../insights/indexLine';
import { GraphPool, tableOfRows, type RunGraph, type RunTable, type TableRow } from '../../insights/table';
import { readRemadeText, readRunText } from './runFiles';
import { appendToFile, writeFileAtomically } from './atomicFile';
import { addToCatalog, Catalog, forgetReadCatalogs, INSIGHTS_DIR, readCatalog, writeCatalog } from './digestCatalog';
import { folderTime, keepListing, unchangedListing } from './runListing';
import { isRunId, parseRunRecord, readRun } from './runStore';
import { forgetReadIndexes, newestRuns } from './indexTail';

const SUMMARY = 'summary.json';

/** The key of a workflow's index: its path's hash. */
export const indexKey = (workflowPath: string): string => createHash('sha1').update(resolve(workflowPath)).digest('hex').slice(0, 16);
/** The index of a workflow's runs in a runs folder. */
export const indexPath = (runsDir: string, workflowPath: string): string => join(runsDir, INSIGHTS_DIR, `${indexKey(workflowPath)}.jsonl`);
const graphsPath = (runsDir: string, key: string) => join(runsDir, INSIGHTS_DIR, `${key}.graphs.jsonl`);

/** The graphs of a workflow's index by id; a damaged line is passed over (its runs' lines then fail to read). */
function readGraphs(runsDir: string, key: string): Map<string, RunGraph> {
  const path = graphsPath(runsDir, key);
  const out = new Map<string, RunGraph>();
  for (const line of (readRemadeText(path) ?? '').split('\n')) {
    const g = line ? unpackGraph(line) : undefined;
    if (g) out.set(g.id, g.graph);
  }
  return out;
}

/** Appends a digest's line to its workflow's index (and its graph, the first time). */
function appendToIndex(runsDir: string, digest: RunDigest): void {
  const key = indexKey(digest.workflowPath);
  mkdirSync(join(runsDir, INSIGHTS_DIR), { recursive: true });
  const { line, graphId, row } = packIndexLine(digest);
  if (!readGraphs(runsDir, key).has(graphId)) appendToFile(graphsPath(runsDir, key), packGraph(graphId, row.head.graph) + '\n');
  appendToFile(join(runsDir, INSIGHTS_DIR, `${key}.jsonl`), line + '\n');
}

/** Keeps an ended run's digest: its summary, a line of its workflow's index, and its entry in the catalog. */
export function recordDigest(runsDir: string, digest: RunDigest): void {
  writeFileAtomically(join(runsDir, digest.runId, SUMMARY), packDigest(digest));
  appendToIndex(runsDir, digest);
  addToCatalog(runsDir, [[digest.runId, indexKey(digest.workflowPath)]]);
}

/** A run's digest from its summary, or made again from its events (and kept) when the summary is missing or damaged;
 * `running` for a run that has not ended, undefined for one with nothing to digest. */
function summaryOf(runsDir: string, runId: string): RunDigest | 'running' | undefined {
  const path = join(runsDir, runId, SUMMARY);
  const summary = readRemadeText(path);
  const kept = summary === undefined ? undefined : unpackDigest(summary);
  if (kept) return kept;
  try {
    // A run still going (or left interrupted) has no digest yet: its record says so without reading its events.
    if (parseRunRecord(readRunText(join(runsDir, runId, 'run.json'))).status === 'running') return 'running';
  } catch {
    // No readable run.json: the events decide.
  }
  try {
    const stored = readRun(runsDir, runId);
    if (stored.record.status === 'running') return 'running';
    const digest = digestRun(stored.events);
    if (digest) writeFileAtomically(path, packDigest(digest));
    return digest;
  } catch {
    return undefined;
  }
}

export const runIds = (runsDir: string): string[] => (existsSync(runsDir) ? readdirSync(runsDir).filter(isRunId) : []);

/**
 * The catalog, brought up to date with the runs folder: a run it does not know gets its summary (from its events
 * when it has none: a run from before digests, or one whose engine stopped before writing it) and its index line.
 * Without a catalog (a folder from before it), every run's summary is read once to make it.
 */
function catalogUpToDate(runsDir: string, ids: readonly string[], known = readCatalog(runsDir)): { catalog: Catalog; running: string[]; listed: number } {
  const catalog = known ?? new Catalog();
  const added: [string, string][] = [];
  const running: string[] = [];
  let listed = 0;
  for (const runId of ids) {
    if (catalog.has(runId)) {
      listed++;
      continue;
    }
    const hadSummary = existsSync(join(runsDir, runId, SUMMARY));
    const digest = summaryOf(runsDir, runId);
    if (digest === 'running') {
      running.push(runId);
      continue;
    }
    // A summary that was there is in its index already, unless its engine stopped between the two (the run's last
    // line then comes twice, which reading takes as one).
    if (digest && (!hadSummary || known)) appendToIndex(runsDir, digest);
    const key = digest ? indexKey(digest.workflowPath) : '';
    catalog.set(runId, key);
    added.push([runId, key]);
    listed++;
  }
  if (!known) writeCatalog(runsDir, catalog.entries());
  else addToCatalog(runsDir, added);
  return { catalog, running, listed };
}

/** Makes a workflow's index again from the summaries of its runs. */
function rebuildIndex(runsDir: string, workflowPath: string, ids: readonly string[]): TableRow[] {
  const target = resolve(workflowPath);
  const digests = ids
    .map((id) => summaryOf(runsDir, id))
    .filter((d): d is RunDigest => typeof d === 'object' && resolve(d.workflowPath) === target)
    .sort((a, b) => a.endedAt - b.endedAt || (a.runId < b.runId ? -1 : 1));
  const key = indexKey(workflowPath);
  const pool = new GraphPool();
  const graphs = new Map<string, string>();
  const packed = digests.map((d) => packIndexLine(d, pool));
  for (const p of packed) graphs.set(p.graphId, packGraph(p.graphId, p.row.head.graph));
  mkdirSync(join(runsDir, INSIGHTS_DIR), { recursive: true });
  writeFileAtomically(graphsPath(runsDir, key), [...graphs.values()].map((l) => l + '\n').join(''));
  writeFileAtomically(join(runsDir, INSIGHTS_DIR, `${key}.jsonl`), packed.map((p) => p.line + '\n').join(''));
  // As a line of the index reads back: the workflow's path is the one asked about.
  return packed.map(({ row }) => ({ ...row, head: { ...row.head, workflowPath } }));
}

export interface IndexedRuns {
  /** The runs asked for. */
  runs: RunTable;
  /** How many runs of the workflow there are in all. */
  total: number;
  /** Whether the index had to be made again. */
  rebuilt: boolean;
}

/**
 * A workflow's last `count` runs (all when undefined) by when they ended, from its index. Lines of runs that were
 * deleted are passed over; a run that ended twice (resumed) counts once, as it last ended.
 */
export function readIndexedRuns(runsDir: string, workflowPath: string, count?: number): IndexedRuns {
  const catalog = knownRuns(runsDir);
  const key = indexKey(workflowPath);
  const total = catalog.count(key);
  const path = indexPath(runsDir, workflowPath);
  const wanted = count ?? Infinity;
  const rows = existsSync(path) ? newestRuns(path, workflowPath, readGraphs(runsDir, key), wanted) : undefined;
  // An index that lacks runs the catalog has (lost lines) is made again too.
  if (rows && rows.length >= Math.min(wanted, total)) return { runs: tableOfRows(rows), total, rebuilt: false };
  const rebuilt = rebuildIndex(runsDir, workflowPath, runIds(runsDir));
  return { runs: tableOfRows(rebuilt.slice(-wanted)), total: rebuilt.length, rebuilt: true };
}

/**
 * The catalog of the runs that are there: from the catalog alone while the folder has not changed since it was last
 * listed (the runs that were going then looked at again), else brought up to date with a listing, and the runs that
 * are gone taken out of it and of the indexes.
 */
function knownRuns(runsDir: string): Catalog {
  const mtimeMs = folderTime(runsDir);
  const listing = unchangedListing(runsDir, mtimeMs);
  const kept = listing && readCatalog(runsDir);
  if (listing && kept) return catalogUpToDate(runsDir, listing.running, kept).catalog;
  const ids = runIds(runsDir);
  const { catalog, running, listed } = catalogUpToDate(runsDir, ids);
  // Every run of the catalog that is there was counted: any more in it are gone.
  if (catalog.size > listed) {
    compactIndexes(runsDir);
    const present = new Set(ids);
    for (const id of [...catalog.runIds()]) if (!present.has(id)) catalog.delete(id);
  }
  if (mtimeMs !== undefined) keepListing(runsDir, { mtimeMs, running });
  return catalog;
}

/** Every index of a runs folder made again without the runs that are gone (after runs are deleted), each run once,
 * and the catalog without them. */
export function compactIndexes(runsDir: string): void {
  const folder = join(runsDir, INSIGHTS_DIR);
  if (!existsSync(folder)) return;
  const present = new Set(runIds(runsDir));
  for (const name of readdirSync(folder).filter((n) => n.endsWith('.jsonl') && !n.endsWith('.graphs.jsonl'))) {
    const path = join(folder, name);
    // Each run once, as it last ended (a resumed run has a line per end), in the order it last ended.
    const last = new Map<string, string>();
    for (const line of (readRemadeText(path) ?? '').split('\n')) {
      const runId = RUN_LINE.exec(line)?.[2];
      if (runId === undefined || !present.has(runId)) continue;
      last.delete(runId);
      last.set(runId, line);
    }
    writeFileAtomically(path, [...last.values()].map((l) => l + '\n').join(''));
  }
  const catalog = readCatalog(runsDir);
  if (catalog)
    writeCatalog(
      runsDir,
      [...catalog.entries()].filter(([id]) => present.has(id)),
    );
}

/** Forgets what this process has read of catalogs and indexes, as a process just started (for measuring). */
export function forgetReadRuns(): void {
  forgetReadIndexes();
  forgetReadCatalogs();
}
