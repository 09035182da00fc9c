import { strict as assert } from 'node:assert';
import WebSocket from 'ws';
import type { EngineEvent } from '../../../src/engine/protocol';
import type { ServerMessage } from '../../../src/server/streamProtocol';
import { GATED, OPERATOR, serveFixture, until, VIEWER, type Fixture } from './serverFixture';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A stream client that keeps what it receives. */
class StreamClient {
  readonly messages: ServerMessage[] = [];
  closed?: { code: number; reason: string };
  constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => this.messages.push(JSON.parse(data.toString('utf8')) as ServerMessage));
    socket.on('close', (code, reason) => (this.closed = { code, reason: String(reason) }));
  }
  static open(url: string, headers: Record<string, string>): Promise<StreamClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      const client = new StreamClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (req, res) => {
        req.destroy();
        reject(new Error(`refused: ${res.statusCode}`));
      });
      socket.once('error', reject);
    });
  }
  send(m: unknown): void {
    this.socket.send(JSON.stringify(m));
  }
  events(runId?: string): EngineEvent[] {
    return this.messages.flatMap((m) => (m.type === 'events' ? m.events.filter((e) => !runId || e.runId === runId) : []));
  }
  close(): void {
    this.socket.close();
  }
}

describe('serve: the event stream', function () {
  this.timeout(60_000);
  let f: Fixture;
  let url: string;
  before(async () => {
    f = await serveFixture();
    url = (await f.served.app.listen({ host: '127.0.0.1', port: 0 })).replace('http', 'ws') + '/api/stream';
  });
  after(async () => f.close());

  const json = (r: { body: string }) => JSON.parse(r.body) as Record<string, unknown>;
  const start = async (id: string) => json(await f.call('POST', `/api/workflows/${id}/runs`, OPERATOR, {})).runId as string;
  const stored = async (runId: string) =>
    (json(await f.call('GET', `/api/runs/${runId}/events`, VIEWER)).events as EngineEvent[]).filter((e) => e.type !== 'node:log');
  const ended = (c: StreamClient, runId: string) =>
    until(async () => (c.events(runId).some((e) => e.type === 'workflow:completed') ? true : undefined), 'the run to end');
  const withoutLogs = (events: EngineEvent[]) => events.filter((e) => e.type !== 'node:log');

  it('needs a token, and refuses a page of another origin', async () => {
    await assert.rejects(StreamClient.open(url, {}), /refused: 401/);
    await assert.rejects(StreamClient.open(url, { ...VIEWER, origin: 'https://evil.example' }), /refused: 403/);
  });

  it('streams every event of a run in order to a viewer subscribed to everything', async () => {
    const c = await StreamClient.open(url, VIEWER);
    c.send({ type: 'subscribe', id: 'all', all: true });
    await until(async () => (c.messages.some((m) => m.type === 'subscribed') ? true : undefined), 'subscribed');
    const runId = await start(f.ids.quick);
    await ended(c, runId);
    assert.deepEqual(withoutLogs(c.events(runId)), await stored(runId));
    c.close();
  });

  it('gives a client that reconnects with the last seq it saw every event after it, with no gap and no duplicate', async () => {
    writeFileSync(join(f.dir, 'flows', 'gated.workflow.yaml'), GATED);
    const first = await StreamClient.open(url, VIEWER);
    first.send({ type: 'subscribe', id: 'w', workflow: f.ids.gated });
    await until(async () => (first.messages.some((m) => m.type === 'subscribed') ? true : undefined), 'subscribed');
    const runId = await start(f.ids.gated);
    // Gone while the run waits at its gate; the run goes on without it.
    await until(async () => (first.events(runId).some((e) => e.type === 'node:waiting') ? true : undefined), 'the gate');
    first.close();
    const seen = withoutLogs(first.events(runId));
    const lastSeq = seen[seen.length - 1].seq;
    assert.equal((await f.call('POST', `/api/runs/${runId}/nodes/approve/approve`, OPERATOR, {})).statusCode, 200);
    const second = await StreamClient.open(url, VIEWER);
    second.send({ type: 'subscribe', id: 'w', workflow: f.ids.gated, after: { [runId]: lastSeq } });
    await ended(second, runId);
    const rest = withoutLogs(second.events(runId));
    assert.ok(rest.length > 0 && rest[0].seq === lastSeq + 1, `continues at ${lastSeq + 1}, not ${rest[0]?.seq}`);
    assert.deepEqual([...seen, ...rest], await stored(runId));
    second.close();
  });

  it('sends a run subscribed to by id from its start, once, though it is also live', async () => {
    const runId = await start(f.ids.quick);
    const c = await StreamClient.open(url, VIEWER);
    c.send({ type: 'subscribe', id: 'r', runs: [runId] });
    await ended(c, runId);
    await until(async () => (c.messages.some((m) => m.type === 'subscribed') ? true : undefined), 'subscribed');
    assert.deepEqual(withoutLogs(c.events(runId)), await stored(runId));
    c.close();
  });

  it('answers a bad message with an error and keeps the socket; closes it, with a reason, after too many subscriptions', async () => {
    const c = await StreamClient.open(url, VIEWER);
    c.socket.send('not json');
    c.send({ type: 'subscribe', id: 'x', runs: ['../etc'] });
    c.send({ type: 'subscribe', id: 'y', workflow: f.ids.quick, all: true });
    await until(async () => (c.messages.filter((m) => m.type === 'error').length === 3 ? true : undefined), 'three errors');
    assert.deepEqual(
      c.messages.map((m) => (m.type === 'error' ? m.message : m.type)),
      ['hello', 'not JSON', 'runs must be a list of 1 to 100 run ids', 'a subscription names exactly one of runs, workflow or all'],
    );
    for (let i = 0; i < 10_000 && c.socket.readyState === WebSocket.OPEN; i++) c.send({ type: 'subscribe', id: `s${i}`, runs: ['20260101-000000-abcd'] });
    await until(async () => c.closed, 'the socket to close');
    assert.equal(c.closed!.code, 1008);
    assert.match(c.closed!.reason, /too many (messages|subscriptions)/);
    assert.equal((await f.call('GET', '/api/workflows', VIEWER)).statusCode, 200);
  });
});
