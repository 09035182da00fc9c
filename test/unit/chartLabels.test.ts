import { strict as assert } from 'node:assert';
import { clock, dayAndMonth, hourAndMinute, monthAndYear } from '../../src/webview/dateTime';
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
});
