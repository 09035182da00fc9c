// The numeric settings as the extension uses them. VS Code checks a settings file against the bounds package.json
// declares only to underline it: whatever a file says reaches the extension (a workspace's `.vscode/settings.json`
// included, in Restricted Mode too). A value of the wrong type or out of bounds is taken as unset.
import { MAX_CACHE_COPIES_MB } from '../engine/protocol';
import { DEFAULT_COLLAPSE_ABOVE } from '../webview/protocol';

interface NumberSetting {
  min: number;
  max?: number;
  integer: boolean;
  /** The value when unset (null: none). */
  fallback: number | null;
}

/** The bounds and defaults package.json declares for each (a unit test holds the two together). */
export const NUMBER_SETTINGS = {
  'validation.debounce': { min: 0, max: 5000, integer: true, fallback: 150 },
  killGracePeriod: { min: 0, integer: false, fallback: 5 },
  'dag.collapseAbove': { min: 0, integer: true, fallback: DEFAULT_COLLAPSE_ABOVE },
  maxConcurrency: { min: 1, integer: true, fallback: null },
  'runs.keep': { min: 1, integer: true, fallback: null },
  'cache.copiesMaxMb': { min: 0, max: MAX_CACHE_COPIES_MB, integer: true, fallback: null },
} as const satisfies Record<string, NumberSetting>;

export type NumberSettingName = keyof typeof NUMBER_SETTINGS;

/** The setting's value when it is a number within its bounds, else its default. */
export function settingNumber<K extends NumberSettingName>(name: K, value: unknown): (typeof NUMBER_SETTINGS)[K]['fallback'] | number {
  const s: NumberSetting = NUMBER_SETTINGS[name];
  const valid =
    typeof value === 'number' && Number.isFinite(value) && value >= s.min && value <= (s.max ?? Infinity) && (!s.integer || Number.isInteger(value));
  return valid ? value : s.fallback;
}
