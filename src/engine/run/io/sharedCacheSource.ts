// Which team's shared cache a run uses (see sharedCache.ts): the settings given, or the environment's.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SharedCacheSettings } from '../../protocol';

/** The settings the environment gives (`MAESTRO_CACHE_SHARED_DIR`, `MAESTRO_CACHE_SHARED_KEY_FILE`): none, or why not. */
export function sharedCacheFromEnv(env: NodeJS.ProcessEnv): { settings?: SharedCacheSettings; problem?: string } {
  const folder = env.MAESTRO_CACHE_SHARED_DIR?.trim();
  const keyFile = env.MAESTRO_CACHE_SHARED_KEY_FILE?.trim();
  if (!folder && !keyFile) return {};
  if (!folder || !keyFile)
    return {
      problem: `the shared cache needs both MAESTRO_CACHE_SHARED_DIR and MAESTRO_CACHE_SHARED_KEY_FILE (${folder ? 'no key file' : 'no folder'}): it is not used`,
    };
  return { settings: { folder, keyFile } };
}

/** The shared cache a run uses: the one given (null: none), else the environment's. */
export function sharedCacheFor(given: SharedCacheSettings | null | undefined, env: NodeJS.ProcessEnv): { settings?: SharedCacheSettings; problem?: string } {
  return given === undefined ? sharedCacheFromEnv(env) : given === null ? {} : { settings: given };
}

/** A path as a setting may write it, `~/` for the home folder. */
export const homePath = (path: string): string => (path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path);
