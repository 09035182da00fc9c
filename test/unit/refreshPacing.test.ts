import { strict as assert } from 'node:assert';
import { mock } from 'node:test';
import { LENS_CONFIRM_MS, LENS_REFRESH_MS, LENS_RETRIES, LensRefresh } from '../../src/extension/language/lensRefresh';
import { COST_RATIO, FrameBatcher, MAX_GAP_MS } from '../../src/webview/state/frameBatcher';

describe('how often views follow a streaming run', () => {
  it('code lenses: a change of the runs shows at once, node progress at most once per interval', async () => {
    let refreshed = 0;
    const refresh = new LensRefresh(
      () => refreshed++,
      () => [],
      30,
    );
    refresh.changed('r1 running');
    assert.equal(refreshed, 1, 'a run that starts shows at once');
    for (let i = 0; i < 50; i++) refresh.changed('r1 running');
    assert.equal(refreshed, 1, 'progress waits for the interval');
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(refreshed, 2, 'the progress of the interval is drawn once');
    refresh.changed('r1 running');
    refresh.changed('r1 completed');
    assert.equal(refreshed, 3, 'the end shows at once');
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(refreshed, 3, 'and the progress pending before it is not drawn again');
    refresh.changed('r1 completed');
    refresh.dispose();
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(refreshed, 3, 'nothing after dispose');
  });

  describe('code lenses an editor did not ask for again', () => {
    beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
    afterEach(() => mock.timers.reset());

    it('are told again until every editor in view has asked, at most LENS_RETRIES times', () => {
      let refreshed = 0;
      let inView = ['a.workflow.yaml', 'b.workflow.yaml'];
      const refresh = new LensRefresh(
        () => refreshed++,
        () => inView,
      );
      refresh.changed('r1 paused');
      assert.equal(refreshed, 1);
      refresh.provided('a.workflow.yaml');
      mock.timers.tick(LENS_CONFIRM_MS - 1);
      assert.equal(refreshed, 1, 'the editors have their moment to ask');
      mock.timers.tick(1);
      assert.equal(refreshed, 2, "b's editor dropped its request (it lost focus): told again");
      refresh.provided('a.workflow.yaml');
      refresh.provided('b.workflow.yaml');
      mock.timers.tick(LENS_CONFIRM_MS * 3);
      assert.equal(refreshed, 2, 'both asked: nothing more');

      refresh.changed('r1 completed');
      for (let i = 0; i < LENS_RETRIES + 2; i++) mock.timers.tick(LENS_CONFIRM_MS);
      assert.equal(refreshed, 3 + LENS_RETRIES, 'an editor that never asks (its lenses off another way) is told LENS_RETRIES times more');

      inView = [];
      refresh.changed('r2 running');
      mock.timers.tick(LENS_CONFIRM_MS * 3);
      assert.equal(refreshed, 4 + LENS_RETRIES, 'no editor in view: nothing is waited for');
      refresh.dispose();
    });

    it('a change meanwhile starts the count again; progress keeps its interval; dispose ends the waiting', () => {
      let refreshed = 0;
      const refresh = new LensRefresh(
        () => refreshed++,
        () => ['a.workflow.yaml'],
      );
      refresh.changed('r1 running');
      refresh.changed('r1 running');
      mock.timers.tick(LENS_REFRESH_MS);
      assert.equal(refreshed, 2, 'the progress of the interval');
      refresh.provided('a.workflow.yaml');
      mock.timers.tick(LENS_CONFIRM_MS);
      assert.equal(refreshed, 2, 'asked for: not told again');
      refresh.changed('r1 paused');
      refresh.dispose();
      mock.timers.tick(LENS_CONFIRM_MS * 3);
      assert.equal(refreshed, 3, 'nothing after dispose');
    });
  });

  it("live events: batches at least the gap apart, the first at the next frame, a run's end at once, none lost", () => {
    let now = 0;
    let gap = 100;
    const scheduled: { callback: () => void; delayMs: number; cancelled: boolean }[] = [];
    const batches: number[][] = [];
    const batcher = new FrameBatcher<number>(
      (items) => batches.push(items),
      (callback, delayMs) => {
        const s = { callback, delayMs, cancelled: false };
        scheduled.push(s);
        return () => (s.cancelled = true);
      },
      () => gap,
      () => now,
    );
    batcher.push([1, 2]);
    assert.deepEqual(
      scheduled.map((s) => s.delayMs),
      [0],
    );
    scheduled[0].callback();
    now = 16;
    batcher.push([3]);
    batcher.push([4]);
    assert.equal(scheduled.length, 2, 'one batch scheduled at a time');
    assert.equal(scheduled[1].delayMs, 84, 'the next batch waits for the gap');
    now = 100;
    scheduled[1].callback();
    now = 350;
    batcher.push([5]);
    assert.equal(scheduled[2].delayMs, 0, 'after a quiet spell, at the next frame');
    scheduled[2].callback();
    now = 360;
    batcher.push([6]);
    batcher.push([7], true);
    assert.ok(scheduled[3].cancelled, 'the delayed batch gives way');
    assert.equal(scheduled[4].delayMs, 0, 'an urgent push goes at the next frame');
    scheduled[4].callback();
    gap = 0;
    now = 361;
    batcher.push([8]);
    assert.equal(scheduled[5].delayMs, 0, 'no gap, every frame');
    scheduled[5].callback();
    assert.deepEqual(batches, [[1, 2], [3, 4], [5], [6, 7], [8]]);
  });

  it('live events: a batch slow to draw puts the next one further off, within bounds; a small graph is drawn every frame', () => {
    let now = 0;
    let gap = 250;
    const scheduled: { callback: () => void; delayMs: number }[] = [];
    const drawn: (() => void)[] = [];
    const batcher = new FrameBatcher<number>(
      () => undefined,
      (callback, delayMs) => (scheduled.push({ callback, delayMs }), () => undefined),
      () => gap,
      () => now,
      (callback) => drawn.push(callback),
    );
    /** A batch handed over now, drawn `costMs` later: how long after it the batch pushed as it was drawn is handed over. */
    const nextDelayAfter = (costMs: number): number => {
      batcher.push([1]);
      scheduled.at(-1)!.callback();
      const handedOver = now;
      now += costMs;
      drawn.shift()!();
      batcher.push([2]);
      const delay = scheduled.at(-1)!.delayMs;
      now = handedOver + 10_000;
      scheduled.at(-1)!.callback();
      drawn.shift()!();
      now += 10_000;
      return delay + costMs;
    };
    assert.equal(nextDelayAfter(20), 250, 'quick to draw: the minimum gap');
    assert.equal(nextDelayAfter(100), COST_RATIO * 100, 'slow to draw: that many times its cost');
    assert.equal(nextDelayAfter(1_000), MAX_GAP_MS, 'however slow, within the bound');
    gap = 0;
    assert.equal(nextDelayAfter(100), 100, 'no minimum (a small graph): every frame, however slow');
  });
});
