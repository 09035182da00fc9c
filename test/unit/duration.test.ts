import { strict as assert } from 'node:assert';
import { formatDuration, parseDuration } from '../../src/engine/duration';

describe('durations', () => {
  it('parses seconds and unit strings', () => {
    assert.equal(parseDuration(90), 90_000);
    assert.equal(parseDuration(0.25), 250);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('2d'), 172_800_000);
    assert.equal(parseDuration('1m 30s'), 90_000);
    assert.equal(parseDuration('15'), 15_000);
  });

  it('rejects anything else', () => {
    for (const bad of ['forever', '5 minutes', '', '1.5h', '-3s', 'ms', -1, NaN, null, {}, '10x']) {
      assert.equal(parseDuration(bad), undefined, JSON.stringify(bad));
    }
  });

  it('formats for people', () => {
    assert.equal(formatDuration(250), '250ms');
    assert.equal(formatDuration(1500), '1.50s');
    assert.equal(formatDuration(95_000), '1m35s');
    assert.equal(formatDuration(3_700_000), '1h01m');
  });
});
