import { strict as assert } from 'node:assert';
import type { EngineEvent } from '../../src/engine/protocol';
import { ShownRun } from '../../src/extension/dag/shownRun';
import type { RunManager } from '../../src/extension/runs/runManager';
import type { HostMessage } from '../../src/webview/protocol';
import { BIG_GRAPH_REDRAW_MS, liveEventsEveryMs } from '../../src/webview/state/bigGraph';

const started = (seq: number, nodeId: string): EngineEvent => ({ type: 'node:started', runId: 'r1', seq, ts: seq, nodeId, attempt: 1 });

/** A run with no events yet, shown; what the panel is sent from then on. */
async function showingRun(batchMs?: () => number): Promise<{ shown: ShownRun; posted: HostMessage[] }> {
  const runs = { get: () => ({ runId: 'r1' }), eventsOf: async () => [] } as unknown as RunManager;
  const posted: HostMessage[] = [];
  const shown = new ShownRun(
    runs,
    (m) => posted.push(m),
    () => undefined,
    batchMs,
  );
  await shown.show('r1', true);
  posted.length = 0;
  return { shown, posted };
}

describe('the run a DAG panel shows', () => {
  it('sends what came while its snapshot was read from the engine, after the snapshot and once', async () => {
    let answer: (events: EngineEvent[]) => void = () => undefined;
    const runs = {
      get: () => ({ runId: 'r1' }),
      eventsOf: () => new Promise<EngineEvent[]>((resolve) => (answer = resolve)),
    } as unknown as RunManager;
    const posted: HostMessage[] = [];
    const shown = new ShownRun(
      runs,
      (m) => posted.push(m),
      () => undefined,
    );
    const showing = shown.show('r1', true);
    // Live while the engine reads the log: one the snapshot will have, two it will not.
    shown.take(started(2, 'a'));
    shown.take(started(3, 'b'));
    shown.take(started(4, 'c'));
    answer([started(1, 'x'), started(2, 'a')]);
    await showing;
    await new Promise((r) => setTimeout(r, 40));
    const sent = posted.flatMap((m) => (m.type === 'runSnapshot' || m.type === 'runEvents' ? m.events.map((e) => e.seq) : []));
    assert.deepEqual(sent, [1, 2, 3, 4]);
    assert.equal(posted[0].type, 'runSnapshot');
    shown.dispose();
  });

  it("sends the run's own events at once, after the events that waited for the next batch", async () => {
    const { shown, posted } = await showingRun();
    shown.take(started(1, 'a'));
    shown.take(started(2, 'b'));
    assert.equal(posted.length, 0, 'node events wait for the batch');
    const summary = { total: 2, completed: 2, failed: 0, skipped: 0, cancelled: 0 } as never;
    shown.take({ type: 'workflow:completed', runId: 'r1', seq: 3, ts: 3, status: 'completed', summary });
    assert.equal(posted.length, 1, 'the end did not wait');
    assert.deepEqual(
      posted.flatMap((m) => (m.type === 'runEvents' ? m.events.map((e) => e.seq) : [])),
      [1, 2, 3],
    );
    shown.take(started(4, 'c'));
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(posted.length, 2, 'later events are batched again');
    shown.dispose();
  });

  it('sends live events to a big graph as often as its page redraws', async () => {
    const { shown, posted } = await showingRun(() => liveEventsEveryMs(1000));
    shown.take(started(1, 'a'));
    await new Promise((r) => setTimeout(r, 40));
    shown.take(started(2, 'b'));
    assert.equal(posted.length, 0, 'sent sooner than the page redraws');
    await new Promise((r) => setTimeout(r, BIG_GRAPH_REDRAW_MS + 40));
    assert.deepEqual(
      posted.map((m) => (m.type === 'runEvents' ? m.events.map((e) => e.seq) : [])),
      [[1, 2]],
    );
    assert.equal(liveEventsEveryMs(10), 16, 'a small graph follows every frame');
    shown.dispose();
  });

  it('counts the log lines of each instance it takes to send, from the moment it shows the run', async () => {
    const { shown } = await showingRun();
    const log = (nodeId: string, n: number, runId = 'r1'): EngineEvent => ({
      type: 'node:log',
      runId,
      seq: 0,
      ts: 0,
      nodeId,
      lines: Array.from({ length: n }, (_, i) => ({ stream: 'stdout' as const, text: `${i}`, ts: 0 })),
    });
    shown.take(log('a', 2));
    shown.take(log('a', 3));
    shown.take(log('b', 1));
    shown.take(log('a', 5, 'other run'));
    // Counted as soon as taken, though the batch has not left yet: the panel will get them all.
    assert.deepEqual([shown.linesSent('a'), shown.linesSent('b'), shown.linesSent('c')], [5, 1, 0]);
    await shown.show('r1', true);
    assert.equal(shown.linesSent('a'), 0, 'a run shown again starts from its snapshot');
    shown.dispose();
  });
});
