// Which team's shared cache a run uses (see sharedCache.ts): the settings given, or the environment's; its folder and key.
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { SharedCacheSettings } from '../../protocol';
import { readKeyFile } from './cacheSecret';
import { type EntryKeys, teamKeysOf } from './entryKeys';

/**
 * The settings the environment gives (`MAESTRO_CACHE_SHARED_DIR`, `MAESTRO_CACHE_SHARED_KEY_FILE`,
 * `MAESTRO_CACHE_SHARED_READ_ONLY`): none, or why not; a read-only flag that is not one is said, and taken as set.
 */
export function sharedCacheFromEnv(env: NodeJS.ProcessEnv): { settings?: SharedCacheSettings; problem?: string } {
  const folder = env.MAESTRO_CACHE_SHARED_DIR?.trim();
  const keyFile = env.MAESTRO_CACHE_SHARED_KEY_FILE?.trim();
  if (!folder && !keyFile) return {};
  if (!folder || !keyFile)
    return {
      problem: `the shared cache needs both MAESTRO_CACHE_SHARED_DIR and MAESTRO_CACHE_SHARED_KEY_FILE (${folder ? 'no key file' : 'no folder'}): it is not used`,
    };
  const flag = env.MAESTRO_CACHE_SHARED_READ_ONLY?.trim().toLowerCase() ?? '';
  const readOnly = !['', '0', 'false'].includes(flag);
  const settings = { folder, keyFile, ...(readOnly ? { readOnly } : {}) };
  if (!readOnly || ['1', 'true'].includes(flag)) return { settings };
  return { settings, problem: `MAESTRO_CACHE_SHARED_READ_ONLY is '${env.MAESTRO_CACHE_SHARED_READ_ONLY}', not 1 or 0: the shared cache is read only` };
}

/** The shared cache a run uses: the one given (null: none), else the environment's. */
export function sharedCacheFor(given: SharedCacheSettings | null | undefined, env: NodeJS.ProcessEnv): { settings?: SharedCacheSettings; problem?: string } {
  return given === undefined ? sharedCacheFromEnv(env) : given === null ? {} : { settings: given };
}

/** A path as a setting may write it, `~/` for the home folder. */
export const homePath = (path: string): string => (path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path);

/** The team's keys: from its key file, the team's key or a read key (see entryKeys.ts); nothing here writes it. */
function teamKeysFromFile(keyFile: string): { keys: EntryKeys } | { problem: string } {
  const read = readKeyFile(keyFile);
  const keys = 'text' in read ? teamKeysOf(read.text) : undefined;
  if (keys) return { keys };
  const why = 'problem' in read ? `cannot be read (${read.problem})` : 'holds neither a team key (64 hexadecimal digits) nor a read key';
  return { problem: `the shared cache's key file ${keyFile} ${why} (make one with: maestro-dag runs team-key FILE); the shared cache is not used` };
}

/** The shared cache's folder (`~/` read) and the team's keys, or why the shared cache is not used. */
export function sharedCacheKey(settings: SharedCacheSettings): { folder: string; keys: EntryKeys } | { problem: string } {
  const [folder, keyFile] = [settings.folder, settings.keyFile].map(homePath);
  const notAbsolute = [folder, keyFile].find((path) => !isAbsolute(path));
  if (notAbsolute !== undefined)
    return { problem: `the shared cache's ${notAbsolute === folder ? 'folder' : 'key file'} '${notAbsolute}' is not an absolute path: it is not used` };
  const key = teamKeysFromFile(keyFile);
  return 'problem' in key ? key : { folder, keys: key.keys };
}

/** Whether runs only read the shared folder: by the setting, or with a read key (which signs nothing). */
export const readsSharedCacheOnly = (settings: SharedCacheSettings, keys: EntryKeys): boolean => settings.readOnly === true || keys.sign === undefined;

/** Whether runs with these settings write to the shared folder (keep results there, trim it). */
export function writesSharedCache(settings: SharedCacheSettings): boolean {
  const key = sharedCacheKey(settings);
  return 'keys' in key && !readsSharedCacheOnly(settings, key.keys);
}
