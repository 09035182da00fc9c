import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NUMBER_SETTINGS, settingNumber, type NumberSettingName } from '../../src/extension/settingValues';

interface Declared {
  default: unknown;
  minimum?: number;
  maximum?: number;
  type: string | string[];
}

const declared: Record<string, Declared> = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).contributes.configuration.properties;

describe('numeric settings', () => {
  it('have the bounds and defaults package.json declares', () => {
    for (const [name, s] of Object.entries(NUMBER_SETTINGS)) {
      const d = declared[`maestro.${name}`];
      assert.ok(d, `maestro.${name} is declared`);
      assert.deepEqual(
        [s.min, 'max' in s ? s.max : undefined, s.fallback, s.integer],
        [d.minimum, d.maximum, d.default, [d.type].flat().includes('integer')],
        name,
      );
    }
    const numeric = Object.entries(declared).filter(([, d]) => [d.type].flat().some((t) => t === 'number' || t === 'integer'));
    assert.deepEqual(
      numeric.map(([k]) => k.replace(/^maestro\./, '')).sort(),
      Object.keys(NUMBER_SETTINGS).sort(),
      'every numeric setting is read through the table',
    );
  });

  it('take a value of the wrong type or out of bounds as unset', () => {
    const cases: [NumberSettingName, unknown, number | null][] = [
      ['validation.debounce', 300, 300],
      ['validation.debounce', 2_000_000_000, 150],
      ['validation.debounce', -1, 150],
      ['validation.debounce', 12.5, 150],
      ['validation.debounce', '300', 150],
      ['validation.debounce', undefined, 150],
      ['killGracePeriod', 0.5, 0.5],
      ['killGracePeriod', Number.NaN, 5],
      ['maxConcurrency', 4, 4],
      ['maxConcurrency', 0, null],
      ['maxConcurrency', null, null],
      ['dag.collapseAbove', 0, 0],
      ['runs.keep', 'all', null],
      ['cache.copiesMaxMb', 0, 0],
      ['cache.copiesMaxMb', 2048, 2048],
      ['cache.copiesMaxMb', -1, null],
    ];
    for (const [name, value, expected] of cases) assert.equal(settingNumber(name, value), expected, `${name} = ${String(value)}`);
  });
});
