// The runs an engine can see: the runs folders of its roots and of the runs it started, read on request. Lists are
// newest first, filtered and paged; a run's folder is found from its id alone.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EngineEvent, LogChunk, RunListEntry, RunListStatus, RunsRoot } from '../protocol';
import { foldEvents, hasInstance, toSnapshot, type RunStateSnapshot } from '../runState';
import { isRunId, listRuns, readLogChunk, readRun, RunReadError, type RunRecord } from '../run/io/runStore';
import { runsDirOf } from '../run/io/runsLocation';

type Listed = RunRecord & { interrupted: boolean };

/** A run's status as lists show it. */
export const listStatusOf = (r: Listed): RunListStatus => (r.interrupted ? 'interrupted' : r.status);

const entryOf = (r: Listed, live: boolean): RunListEntry => ({
  runId: r.runId,
  workflowPath: r.workflowPath,
  workflowName: r.workflowName,
  status: listStatusOf(r),
  startedAt: r.startedAt,
  ...(r.endedAt !== undefined ? { endedAt: r.endedAt } : {}),
  live,
});

/** The most events one getEvents answer carries. */
export const MAX_EVENTS_PAGE = 5000;

export class RunCatalog {
  private roots: RunsRoot[] = [];
  /** Runs folders beyond the roots': those of runs started or resumed here. */
  private readonly extraDirs = new Set<string>();
  /** Where each run seen so far lives. */
  private readonly dirOf = new Map<string, string>();
  /** The events of the run read last, while its log stays the same size: pages of one run read it once. */
  private cachedEvents: { runId: string; size: number; events: EngineEvent[] } | undefined;

  configure(roots: RunsRoot[]): void {
    this.roots = roots.map((r) => ({ ...r, folder: resolve(r.folder) }));
  }

  get rootsConfigured(): readonly RunsRoot[] {
    return this.roots;
  }

  /** A runs folder that holds runs of this engine. */
  remember(runId: string, runsDir: string): void {
    const dir = resolve(runsDir);
    this.extraDirs.add(dir);
    this.dirOf.set(runId, dir);
  }

  /** Every runs folder this engine knows of. */
  get runsDirs(): string[] {
    return [...new Set([...this.roots.map(runsDirOf).map((d) => resolve(d)), ...this.extraDirs])];
  }

  /** Runs newest first, with the engine's own live statuses over what their records say. */
  list(
    p: { workflowPath?: string; statuses?: RunListStatus[]; offset?: number; limit?: number },
    live: (runId: string) => RunListEntry | undefined,
  ): { runs: RunListEntry[]; total: number } {
    const byId = new Map<string, RunListEntry>();
    for (const dir of this.runsDirs) {
      for (const r of listRuns(dir)) {
        this.dirOf.set(r.runId, dir);
        byId.set(r.runId, live(r.runId) ?? entryOf(r, false));
      }
    }
    const path = p.workflowPath === undefined ? undefined : resolve(p.workflowPath);
    const all = [...byId.values()]
      .filter((r) => (path === undefined || resolve(r.workflowPath) === path) && (p.statuses === undefined || p.statuses.includes(r.status)))
      .sort((a, b) => b.startedAt - a.startedAt || b.runId.localeCompare(a.runId));
    const offset = p.offset ?? 0;
    return { runs: all.slice(offset, p.limit === undefined ? undefined : offset + p.limit), total: all.length };
  }

  /** The folder of a run's runs folder, found by its id. */
  runsDirOfRun(runId: string): string {
    if (!isRunId(runId)) throw new RunReadError(`'${runId.slice(0, 80)}' is not a run id`);
    const known = this.dirOf.get(runId);
    if (known) return known;
    const found = this.runsDirs.find((d) => existsSync(join(d, runId)));
    if (!found) throw new RunReadError(`no run '${runId}' in ${this.runsDirs.join(', ') || 'any runs folder'}`);
    this.dirOf.set(runId, found);
    return found;
  }

  /** A stored run, its entry and its state folded from its events. */
  get(runId: string): { run: RunListEntry; state?: RunStateSnapshot } {
    const runsDir = this.runsDirOfRun(runId);
    const stored = readRun(runsDir, runId);
    const state = foldEvents(stored.events);
    return { run: entryOf({ ...stored.record, interrupted: stored.interrupted }, false), ...(state ? { state: toSnapshot(state) } : {}) };
  }

  events(runId: string, afterSeq = -1, limit = MAX_EVENTS_PAGE): { events: EngineEvent[]; more: boolean } {
    const all = this.storedEvents(runId);
    let first = 0;
    while (first < all.length && all[first].seq <= afterSeq) first++;
    const page = all.slice(first, first + Math.min(limit, MAX_EVENTS_PAGE));
    return { events: page, more: first + page.length < all.length };
  }

  /** A node's log; an empty one of a node the run does not have is an error (a mistyped id is not an empty log). */
  log(runId: string, nodeId: string, o: { offset?: number; tailLines?: number; maxBytes?: number }): LogChunk {
    const chunk = readLogChunk(this.runsDirOfRun(runId), runId, nodeId, o);
    if (chunk.size > 0) return chunk;
    const state = foldEvents(this.storedEvents(runId));
    if (!state || hasInstance(state, nodeId)) return chunk;
    const instances = [...state.nodes.keys()].filter((id) => id.startsWith(`${nodeId}[`));
    const matrix = instances.length
      ? `: '${nodeId}' is a matrix node, whose instances have the logs (${instances.slice(0, 5).join(', ')}${instances.length > 5 ? ', …' : ''})`
      : '';
    throw new RunReadError(`no node '${nodeId.slice(0, 200)}' in run '${runId}'${matrix}`);
  }

  private storedEvents(runId: string): EngineEvent[] {
    const dir = join(this.runsDirOfRun(runId), runId);
    let size = -1;
    try {
      size = statSync(join(dir, 'events.jsonl')).size;
    } catch {
      // No events yet: read gives none.
    }
    if (this.cachedEvents?.runId === runId && this.cachedEvents.size === size) return this.cachedEvents.events;
    const events = readRun(this.runsDirOfRun(runId), runId).events;
    this.cachedEvents = { runId, size, events };
    return events;
  }
}
