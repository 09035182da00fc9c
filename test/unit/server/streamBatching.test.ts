import { strict as assert } from 'node:assert';
import type { WebSocket } from 'ws';
import type { EngineEvent } from '../../../src/engine/protocol';
import { EventStream } from '../../../src/server/eventStream';
import type { ServerMessage } from '../../../src/server/streamProtocol';
import { fakeEngine, FakeSocket, workflowStarted } from './fakeStream';

const R1 = '20261201-101500-ab12';
const R2 = '20261201-101501-cd34';
const nodeStarted = (runId: string, seq: number): EngineEvent => ({ type: 'node:started', runId, seq, ts: seq, nodeId: 'a', attempt: 1 });
const turn = () => new Promise((r) => setImmediate(r));

/** What a socket was sent after its hello and subscription: events as `runId:seq`, other messages by their type. */
const received = (s: FakeSocket) =>
  s.sent
    .map((t) => JSON.parse(t) as ServerMessage)
    .filter((m) => m.type !== 'hello' && m.type !== 'subscribed')
    .map((m) => (m.type === 'events' ? m.events.map((e) => `${e.runId.slice(-4)}:${e.seq}`) : m.type));

describe('serve: events batched per turn', () => {
  async function subscribed(...subscriptions: object[]) {
    const fake = fakeEngine();
    const stream = new EventStream(fake.engine, '/w', { maxBuffered: 1e6, maxSubscriptions: 8, maxMessagesPerSecond: 50, maxRequestsPerSecond: 200 });
    const sockets = subscriptions.map((subscription) => {
      const socket = new FakeSocket();
      stream.attach(socket as unknown as WebSocket, { name: 'vic', role: 'viewer', token: 'x'.repeat(16) });
      socket.emit('message', Buffer.from(JSON.stringify({ type: 'subscribe', id: 's', ...subscription })), false);
      return socket;
    });
    for (let i = 0; i < 4; i++) await turn();
    return { ...fake, sockets };
  }

  it('sends each client the events of its runs that came in one turn as one message, in the order they came', async () => {
    const { emit, sockets } = await subscribed({ all: true }, { runs: [R2] }, { all: true });
    const [all, second, alsoAll] = sockets;
    emit(workflowStarted(R1));
    emit(workflowStarted(R2));
    emit(nodeStarted(R1, 2));
    emit(nodeStarted(R2, 2));
    assert.deepEqual(received(all), [], 'nothing before the turn ends');
    await turn();
    emit(nodeStarted(R1, 3));
    await turn();
    assert.deepEqual(received(all), [['ab12:1', 'cd34:1', 'ab12:2', 'cd34:2'], ['ab12:3']]);
    assert.deepEqual(received(second), [['cd34:1', 'cd34:2']]);
    assert.deepEqual(received(alsoAll), received(all));
  });

  it('sends the events a client has waiting before any message that follows them', async () => {
    const { emit, runsChanged, sockets } = await subscribed({ all: true, notices: true });
    const [client] = sockets;
    emit(workflowStarted(R1));
    emit(nodeStarted(R1, 2));
    runsChanged();
    emit(nodeStarted(R1, 3));
    await turn();
    assert.deepEqual(received(client), [['ab12:1', 'ab12:2'], 'notice', ['ab12:3']]);
  });
});
