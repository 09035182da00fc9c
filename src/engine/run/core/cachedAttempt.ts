// An attempt of a node with `cache`: the kept result is looked up first, and the node's process starts only when
// there is none. Until then nothing has started, so a cancel just ends the attempt.
import type { EvaluationScope } from '../../expressions/evaluate';
import { interpolate } from '../../expressions/interpolate';
import type { Instance } from './instances';
import type { AttemptResult, CacheLookupOptions, CacheQuery, NodeCache, RunningAttempt } from './ports';
import type { SchedulerOptions } from './schedulerCore';
import { matrixValueText } from '../../matrix';

export interface CachedAttemptHooks {
  /** Starts the node's process (a miss). */
  start(): RunningAttempt;
  /** The attempt started: the process (with its pid), or the reuse of a kept result (none). */
  started(pid: number | undefined): void;
  /** A line for the node's log about the cache. */
  note(text: string): void;
}

const cancelled = (): AttemptResult => ({ exitCode: null, signal: null, stoppedBy: 'cancel', outputs: {}, outputProblems: [] });

export class CachedAttempt implements RunningAttempt {
  readonly done: Promise<AttemptResult>;
  private process: RunningAttempt | undefined;
  private stoppedBefore: AttemptResult | undefined;
  private settle!: (result: AttemptResult) => void;

  /** The process ended well, and its artifacts are being copied: a stop completes it at once, without copies. */
  private preparing: AttemptResult | undefined;

  constructor(
    private readonly cache: NodeCache,
    private readonly query: CacheQuery,
    lookup: CacheLookupOptions,
    hooks: CachedAttemptHooks,
  ) {
    this.done = new Promise((resolve) => (this.settle = resolve));
    void this.cache.lookup(query, lookup).then(
      (found) => this.found(found, hooks),
      (e: unknown) => this.found({ key: '', problem: String(e) }, hooks),
    );
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  stop(reason: 'timeout' | 'cancel', message?: string, hard?: boolean): void {
    if (this.preparing) return this.settle(this.preparing);
    if (this.process) return this.process.stop(reason, message, hard);
    this.stoppedBefore ??= reason === 'timeout' ? { ...cancelled(), stoppedBy: 'timeout' } : cancelled();
  }

  private found(found: Awaited<ReturnType<NodeCache['lookup']>>, hooks: CachedAttemptHooks): void {
    if (this.stoppedBefore) return this.settle(this.stoppedBefore);
    if (found.hit) {
      const { runId, at } = found.hit;
      hooks.started(undefined);
      const restored = found.restored?.length ? `; its artifacts ${found.restored.join(', ')} were put back from the copies kept with it` : '';
      const where = found.where ? `, found in ${found.where},` : '';
      hooks.note(
        `maestro: not run: the result of run ${runId} (${new Date(at).toISOString()})${where} is reused, as the node would run with the same script, settings and files${restored}`,
      );
      const kept = { ...found.hit, ...(found.restored?.length ? { restored: found.restored } : {}), ...(found.where ? { shared: true } : {}) };
      return this.settle({ exitCode: 0, signal: null, outputs: found.hit.outputs, outputProblems: [], kept });
    }
    if (found.problem) hooks.note(`maestro: no result is reused or kept for this node: ${found.problem}`);
    else if (found.note) hooks.note(`maestro: ${found.note}`);
    const process = hooks.start();
    this.process = process;
    hooks.started(process.pid);
    const keepAs = found.problem ? undefined : { key: found.key, query: this.query };
    process.done.then(
      (result) => (keepAs ? this.ended({ ...result, keepAs }) : this.settle(result)),
      (e: unknown) => this.settle({ exitCode: null, signal: null, outputs: {}, outputProblems: [], spawnError: String(e) }),
    );
  }

  /** The process ended: when it ended well, its artifacts are copied before the node completes. */
  private ended(result: AttemptResult & { keepAs: NonNullable<AttemptResult['keepAs']> }): void {
    if (!this.cache.prepare || result.exitCode !== 0 || result.stoppedBy || result.spawnError) return this.settle(result);
    this.preparing = result;
    void this.cache.prepare(this.query).then(
      (prepared) => this.settle({ ...result, keepAs: { ...result.keepAs, prepared } }),
      () => this.settle(result),
    );
  }
}

/** For a node with `cache` in a run that keeps results: its cache, and what its result is looked up by. */
export function cacheQueryOf(
  inst: Instance,
  request: { script: string; env: Record<string, string>; cwd: string },
  options: Pick<SchedulerOptions, 'cache' | 'workflow' | 'workflowPath'>,
  scope: EvaluationScope,
): { store: NodeCache; query: CacheQuery } | undefined {
  const spec = inst.spec;
  if (!spec.cache || !options.cache) return undefined;
  // The environment as declared, not the engine's own, which differs between a terminal and the editor.
  const declared = new Set([...Object.keys(options.workflow.env), ...Object.keys(spec.env)]);
  const query: CacheQuery = {
    workflowPath: options.workflowPath,
    instanceId: inst.id,
    script: request.script,
    ...(spec.shell !== undefined ? { shell: spec.shell } : {}),
    cwd: request.cwd,
    env: Object.fromEntries(Object.entries(request.env).filter(([k]) => declared.has(k))),
    matrix: Object.fromEntries(Object.entries(inst.matrix).map(([k, v]) => [k, matrixValueText(v)])),
    files: spec.cache.files.map((p) => interpolate(p, scope)),
    outputs: spec.outputs ?? [],
    ...(spec.stdoutAs !== undefined ? { stdoutAs: spec.stdoutAs } : {}),
    artifacts: inst.artifactsIn?.patterns ?? [],
  };
  return { store: options.cache, query };
}
