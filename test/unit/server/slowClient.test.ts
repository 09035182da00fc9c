import { strict as assert } from 'node:assert';
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import type { EngineEvent } from '../../../src/engine/protocol';
import type { EngineBridge } from '../../../src/server/engineBridge';
import { EventStream } from '../../../src/server/eventStream';

/** A socket whose unsent bytes the test decides. */
class FakeSocket extends EventEmitter {
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

function fakeEngine() {
  let listener: (e: EngineEvent) => void = () => undefined;
  const engine = {
    onEvent: (l: (e: EngineEvent) => void) => ((listener = l), () => undefined),
    onRunsChanged: () => () => undefined,
    onLogAppended: () => () => undefined,
    request: async (type: string) => (type === 'listRuns' ? { runs: [], total: 0 } : { run: { workflowPath: '/w/a.workflow.yaml' } }),
  } as unknown as EngineBridge;
  return { engine, emit: (e: EngineEvent) => listener(e) };
}

const event = (seq: number): EngineEvent => ({ type: 'node:started', runId: 'r1', seq, ts: seq, nodeId: 'a', attempt: 1 });
const flush = () => new Promise((r) => setImmediate(r));

describe('serve: a client that falls behind', () => {
  it('is told and dropped once its unsent bytes pass the limit, while another client gets every event', async () => {
    const { engine, emit } = fakeEngine();
    const stream = new EventStream(engine, '/w', { maxBuffered: 1000, maxSubscriptions: 8, maxMessagesPerSecond: 50, maxRequestsPerSecond: 200 });
    const slow = new FakeSocket();
    const fast = new FakeSocket();
    const who = { name: 'vic', role: 'viewer' as const, token: 'x'.repeat(16) };
    stream.attach(slow as unknown as WebSocket, who);
    stream.attach(fast as unknown as WebSocket, who);
    for (const s of [slow, fast]) s.emit('message', Buffer.from(JSON.stringify({ type: 'subscribe', id: 'all', all: true })), false);
    await flush();
    await flush();
    emit({
      runId: 'r1',
      seq: 1,
      ts: 1,
      type: 'workflow:started',
      workflow: { name: 'a', path: '/w/a.workflow.yaml', hash: 'h' },
      inputs: {},
      nodes: [],
      concurrency: 1,
    });
    emit(event(2));
    slow.bufferedAmount = 5000;
    emit(event(3));
    emit(event(4));
    assert.deepEqual(slow.closed, { code: 4008, reason: 'too far behind: reconnect with the last seq of each run you saw' });
    const seqs = (s: FakeSocket) => s.sent.map((t) => JSON.parse(t) as { type: string; event?: EngineEvent }).flatMap((m) => (m.event ? [m.event.seq] : []));
    assert.deepEqual(seqs(slow), [1, 2]);
    assert.deepEqual(seqs(fast), [1, 2, 3, 4]);
    assert.equal(stream.clientCount, 1);
  });
});
