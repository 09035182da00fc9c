import type * as vscode from 'vscode';
import type { EngineEvent, LogLine } from '../../src/engine/protocol';
import type { AttemptRequest, AttemptResult, Clock, ProcessRunner, RunningAttempt, RunSink, TimerHandle } from '../../src/engine/run/core/ports';

/** A clock that moves only when told to, firing due timers in order. */
export class FakeClock implements Clock {
  private time = 1_000_000;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle as number);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing each due timer (and letting promises settle after each). */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await flush();
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fn();
    }
    this.time = end;
    await flush();
  }
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** How a fake node behaves on one attempt. */
export interface FakeBehaviour {
  durationMs?: number;
  exitCode?: number;
  outputs?: Record<string, string>;
  /** Lines, or pieces of a long line: `{ piece, continues: true }` goes on in the next entry. */
  stdout?: (string | { piece: string; continues: boolean })[];
  /** Never ends on its own (only stop() ends it). */
  hang?: boolean;
}

export type Behaviour = (request: AttemptRequest) => FakeBehaviour;

/** A process runner whose processes are scripted per node; it records what was started and stopped. */
export class FakeRunner implements ProcessRunner {
  readonly started: AttemptRequest[] = [];
  readonly stopped: { instanceId: string; reason: string }[] = [];
  running = 0;
  maxRunning = 0;

  constructor(
    private readonly clock: FakeClock,
    public behaviours: Record<string, Behaviour> = {},
  ) {}

  start(request: AttemptRequest, onLine: (stream: LogLine['stream'], text: string, continues: boolean) => void): RunningAttempt {
    this.started.push(request);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    const behaviour = (this.behaviours[request.instanceId] ?? this.behaviours['*'] ?? (() => ({})))(request);
    let resolve!: (r: AttemptResult) => void;
    const done = new Promise<AttemptResult>((r) => (resolve = r));
    let ended = false;
    const end = (r: AttemptResult) => {
      if (ended) return;
      ended = true;
      this.running--;
      resolve(r);
    };
    for (const line of behaviour.stdout ?? []) typeof line === 'string' ? onLine('stdout', line, false) : onLine('stdout', line.piece, line.continues);
    if (!behaviour.hang) {
      this.clock.setTimeout(
        () => end({ exitCode: behaviour.exitCode ?? 0, signal: null, outputs: behaviour.outputs ?? {}, outputProblems: [] }),
        behaviour.durationMs ?? 100,
      );
    }
    return {
      pid: 1000 + this.started.length,
      done,
      stop: (reason) => {
        this.stopped.push({ instanceId: request.instanceId, reason });
        this.clock.setTimeout(() => end({ exitCode: null, signal: 'SIGTERM', stoppedBy: reason, outputs: {}, outputProblems: [] }), 5);
      },
    };
  }

  /** The folders and patterns artifacts were looked for with; each pattern is "found" as itself. */
  readonly artifactSearches: { cwd: string; patterns: readonly string[] }[] = [];

  killedAll = false;

  killAll(): void {
    this.killedAll = true;
  }

  /** Patterns that find no file. */
  readonly missingArtifacts = new Set<string>();

  findArtifacts(cwd: string, patterns: readonly string[]): { files: string[]; unmatched: string[] } {
    this.artifactSearches.push({ cwd, patterns });
    return { files: patterns.filter((p) => !this.missingArtifacts.has(p)), unmatched: patterns.filter((p) => this.missingArtifacts.has(p)) };
  }

  startsOf(id: string): AttemptRequest[] {
    return this.started.filter((r) => r.instanceId === id);
  }
}

export class MemorySink implements RunSink {
  readonly events: EngineEvent[] = [];
  readonly logs: { id: string; line: LogLine }[] = [];

  event(e: EngineEvent): void {
    this.events.push(e);
  }

  log(instanceId: string, line: LogLine): void {
    this.logs.push({ id: instanceId, line });
  }

  of<T extends EngineEvent['type']>(type: T): Extract<EngineEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === type);
  }

  statusOf(id: string): string | undefined {
    let status: string | undefined;
    for (const e of this.events) {
      if (!('nodeId' in e) || e.nodeId !== id) continue;
      if (e.type === 'node:completed') status = 'completed';
      if (e.type === 'node:failed') status = 'failed';
      if (e.type === 'node:skipped') status = 'skipped';
      if (e.type === 'node:cancelled') status = 'cancelled';
      if (e.type === 'node:started') status = 'running';
      if (e.type === 'node:waiting') status = 'waiting';
    }
    return status;
  }
}

/** A workspace state in memory, as VS Code's: values go through JSON. */
export class MemoryState {
  private readonly values = new Map<string, string>();
  get<T>(key: string): T | undefined {
    const v = this.values.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }
  update(key: string, value: unknown): Promise<void> {
    // As VS Code's: undefined deletes the key.
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
}

/** VS Code's secret storage, as a map. */
export function memorySecretStorage(): { values: Map<string, string>; storage: vscode.SecretStorage } {
  const values = new Map<string, string>();
  const storage = {
    get: async (key: string) => values.get(key),
    store: async (key: string, value: string) => void values.set(key, value),
    delete: async (key: string) => void values.delete(key),
  } as unknown as vscode.SecretStorage;
  return { values, storage };
}
