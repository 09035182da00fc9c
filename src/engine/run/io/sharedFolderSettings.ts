// A team's shared folder's own bounds, kept in the folder itself so that every teammate's runs trim it alike: without
// them, each user's runs would trim the folder to that user's own bound. `maestro-dag runs team-settings` writes them.
import { join } from 'node:path';
import { isObject, parseJson } from '../../json';
import { MAX_CACHE_COPIES_MB } from '../../protocol';
import { readRegularText } from '../../regularFile';
import { writeFileAtomically } from './atomicFile';

export const SHARED_SETTINGS_FILE = 'maestro-cache.json';
/** The most results a folder may be told to keep (each is a small file, all read at a trim). */
export const MAX_SHARED_RESULTS = 1_000_000;
const MAX_FILE_BYTES = 64 * 1024;

export interface SharedFolderSettings {
  /** The most the artifacts' copies in the folder may take, in megabytes (0: no copies). */
  copiesMaxMb?: number;
  /** How many results the folder keeps: past it, those kept longest ago are deleted. */
  maxResults?: number;
}

const FIELDS: Record<keyof SharedFolderSettings, { min: number; max: number; what: string }> = {
  copiesMaxMb: { min: 0, max: MAX_CACHE_COPIES_MB, what: 'megabytes' },
  maxResults: { min: 1, max: MAX_SHARED_RESULTS, what: 'results' },
};

/** Why a value cannot be the setting `name`, or undefined when it can. */
export function settingProblem(name: keyof SharedFolderSettings, value: unknown): string | undefined {
  const { min, max, what } = FIELDS[name];
  if (Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max) return undefined;
  return `'${name}' must be a whole number of ${what} from ${min} to ${max.toLocaleString('en-US')}, not ${JSON.stringify(value) ?? String(value)}`;
}

/** The settings a file's text gives, or what is wrong with it. */
export function parseSharedFolderSettings(text: string): { settings: SharedFolderSettings } | { problem: string } {
  const value = parseJson(text);
  if (!isObject(value)) return { problem: 'it is not a JSON object' };
  const settings: SharedFolderSettings = {};
  for (const [name, v] of Object.entries(value)) {
    if (!Object.hasOwn(FIELDS, name)) return { problem: `'${name}' is not one of its settings (${Object.keys(FIELDS).join(', ')})` };
    const problem = settingProblem(name as keyof SharedFolderSettings, v);
    if (problem) return { problem };
    settings[name as keyof SharedFolderSettings] = v as number;
  }
  return { settings };
}

/** The folder's settings: none when it has no settings file; when the file cannot be taken, none and why. */
export function readSharedFolderSettings(folder: string): { settings: SharedFolderSettings; problem?: string } {
  const path = join(folder, SHARED_SETTINGS_FILE);
  let text: string;
  try {
    text = readRegularText(path, MAX_FILE_BYTES);
  } catch (e) {
    // No folder yet (the first result kept makes it), or none that can be: the folder's own problem, said when it is written.
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { settings: {} };
    return { settings: {}, problem: `its settings in ${path} cannot be read (${(e as Error).message}): each user's own bounds are used` };
  }
  const parsed = parseSharedFolderSettings(text);
  if ('problem' in parsed) return { settings: {}, problem: `its settings in ${path} are not used: ${parsed.problem}` };
  return parsed;
}

/** Writes the folder's settings whole (a run reading them meanwhile reads the old ones or the new). */
export function writeSharedFolderSettings(folder: string, settings: SharedFolderSettings): void {
  const names = Object.keys(FIELDS) as (keyof SharedFolderSettings)[];
  const ordered = Object.fromEntries(names.flatMap((name) => (settings[name] === undefined ? [] : [[name, settings[name]]])));
  writeFileAtomically(join(folder, SHARED_SETTINGS_FILE), `${JSON.stringify(ordered, null, 2)}\n`);
}
