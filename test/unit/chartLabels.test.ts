import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { clock, clockFine, dayAndMonth, hourAndMinute, monthAndYear, runStartLabels, when } from '../../src/webview/dateTime';
import { durationLabels, timeLabels } from '../../src/webview/insights/chartLabels';

describe("the runs chart's axis labels", () => {
  // Two seconds before a midnight of the machine's own time zone.
  const midnight = new Date(2026, 11, 2).getTime() / 1000;

  it('ticks seconds apart: times to the second, the day on the first tick and where it changes', () => {
    const ticks = [midnight - 2, midnight - 1, midnight, midnight + 1];
    const s = (t: number) => clock(t * 1000);
    assert.deepEqual(timeLabels(ticks, 1), [
      `${dayAndMonth((midnight - 2) * 1000)}, ${s(midnight - 2)}`,
      s(midnight - 1),
      `${dayAndMonth(midnight * 1000)}, ${s(midnight)}`,
      s(midnight + 1),
    ]);
  });

  it('ticks less than a second apart: times to the fraction of a second that tells them apart', () => {
    const ticks = [midnight + 0.25, midnight + 0.5, midnight + 0.75];
    const hundredths = (t: number) => clockFine[1](Math.round(t * 1000));
    assert.deepEqual(timeLabels(ticks, 0.25), [
      `${dayAndMonth((midnight + 0.25) * 1000)}, ${hundredths(midnight + 0.25)}`,
      hundredths(midnight + 0.5),
      hundredths(midnight + 0.75),
    ]);
    assert.match(timeLabels([midnight + 0.5], 0.5)[0], /[.,]5\b/);
  });

  it('no two ticks of an axis under a day read alike, with the day last written', () => {
    // uPlot's steps for time axes under a day, in seconds.
    const steps = [0.001, 0.002, 0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 5, 10, 15, 30, 60, 300, 600, 900, 1800, 3600, 10_800, 21_600, 43_200];
    fc.assert(
      fc.property(fc.constantFrom(...steps), fc.integer({ min: -100_000, max: 100_000 }), fc.integer({ min: 2, max: 12 }), (incr, at, count) => {
        // Ticks as uPlot places them: multiples of the step, in floating point.
        const first = Math.round((midnight + at * 0.001) / incr) * incr;
        const ticks = Array.from({ length: count }, (_, i) => first + i * incr);
        const labels = timeLabels(ticks, incr);
        // A label without a day is read with the last day written before it.
        let day = '';
        const read = labels.map((l) => {
          const parts = l.split(', ');
          if (parts.length === 2) day = parts[0];
          return `${day} ${parts[parts.length - 1]}`;
        });
        assert.equal(new Set(read).size, read.length, labels.join(' | '));
      }),
    );
  });

  it('ticks minutes or hours apart: times to the minute; days or months apart: dates', () => {
    assert.deepEqual(timeLabels([midnight + 600, midnight + 1200], 600), [
      `${dayAndMonth((midnight + 600) * 1000)}, ${hourAndMinute((midnight + 600) * 1000)}`,
      hourAndMinute((midnight + 1200) * 1000),
    ]);
    assert.deepEqual(timeLabels([midnight, midnight + 86_400], 86_400), [dayAndMonth(midnight * 1000), dayAndMonth((midnight + 86_400) * 1000)]);
    assert.deepEqual(timeLabels([midnight], 30 * 86_400), [monthAndYear(midnight * 1000)]);
  });

  it('durations as the rest of the view writes them', () => {
    assert.deepEqual(durationLabels([0.05, 0.075, 0.1, 0.125], 0.025), ['50 ms', '75 ms', '100 ms', '125 ms']);
    assert.deepEqual(durationLabels([8, 10, 12], 2), ['8 s', '10 s', '12 s']);
    assert.deepEqual(durationLabels([2, 2.5, 3], 0.5), ['2.0 s', '2.5 s', '3.0 s']);
    assert.deepEqual(durationLabels([60, 90, 120], 30), ['1 min 0 s', '1 min 30 s', '2 min 0 s']);
  });

  it('labels runs by when they started, to the millisecond where two share a second, numbered where they share one', () => {
    const t = midnight * 1000 + 5_000;
    const labels = runStartLabels([t, t + 1_000, t + 1_250, t + 1_250]);
    assert.equal(labels[0], when(t), 'a run alone in its second reads as the others of the view do');
    assert.match(labels[1], /[.,]000\b/);
    assert.match(labels[2], /[.,]250\b.* \(1\)$/);
    assert.match(labels[3], /[.,]250\b.* \(2\)$/);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5_000 }), { maxLength: 12 }), (offsets) => {
        const read = runStartLabels(offsets.map((o) => t + o));
        assert.equal(new Set(read).size, read.length, read.join(' | '));
      }),
    );
  });
});
