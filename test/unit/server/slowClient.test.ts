import { strict as assert } from 'node:assert';
import type { WebSocket } from 'ws';
import type { EngineEvent } from '../../../src/engine/protocol';
import { EventStream } from '../../../src/server/eventStream';
import { fakeEngine, FakeSocket, workflowStarted } from './fakeStream';

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
    emit(workflowStarted('r1'));
    emit(event(2));
    await flush();
    slow.bufferedAmount = 5000;
    emit(event(3));
    emit(event(4));
    await flush();
    assert.deepEqual(slow.closed, { code: 4008, reason: 'too far behind: reconnect with the last seq of each run you saw' });
    const batches = (s: FakeSocket) =>
      s.sent.map((t) => JSON.parse(t) as { type: string; events?: EngineEvent[] }).flatMap((m) => (m.events ? [m.events.map((e) => e.seq)] : []));
    // The events of one turn come as one message.
    assert.deepEqual(batches(slow), [[1, 2]]);
    assert.deepEqual(batches(fast), [
      [1, 2],
      [3, 4],
    ]);
    assert.equal(stream.clientCount, 1);
  });
});
