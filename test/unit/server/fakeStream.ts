// An event stream's surroundings, faked: sockets whose unsent bytes a test decides, and an engine whose events and
// notices a test emits.
import { EventEmitter } from 'node:events';
import type { EngineEvent } from '../../../src/engine/protocol';
import type { EngineBridge } from '../../../src/server/engineBridge';

/** A socket whose unsent bytes the test decides. */
export class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  closed?: { code: number; reason: string };
  send(text: string): void {
    this.sent.push(text);
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
    this.readyState = 3;
  }
  terminate(): void {
    this.readyState = 3;
  }
}

export function fakeEngine() {
  let listener: (e: EngineEvent) => void = () => undefined;
  let changed: () => void = () => undefined;
  const results: Record<string, unknown> = {
    listRuns: { runs: [], total: 0 },
    getEvents: { events: [], more: false },
    getRun: { run: { workflowPath: '/w/a.workflow.yaml' } },
  };
  const engine = {
    onEvent: (l: (e: EngineEvent) => void) => ((listener = l), () => undefined),
    onRunsChanged: (l: () => void) => ((changed = l), () => undefined),
    onLogAppended: () => () => undefined,
    request: async (type: string) => results[type],
  } as unknown as EngineBridge;
  return { engine, emit: (e: EngineEvent) => listener(e), runsChanged: () => changed() };
}

/** A run's first event, its workflow the fake engine's. */
export const workflowStarted = (runId: string): EngineEvent => ({
  runId,
  seq: 1,
  ts: 1,
  type: 'workflow:started',
  workflow: { name: 'a', path: '/w/a.workflow.yaml', hash: 'h' },
  inputs: {},
  nodes: [],
  concurrency: 1,
});
