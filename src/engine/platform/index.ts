import type { Platform } from './platform';
import { posixPlatform } from './posix';
import { windowsPlatform } from './windows';

export type { Platform, ProcessGuard, RunProcess, ScriptSource, ShellInvocation } from './platform';

/** The platform this process runs on. */
export const currentPlatform: Platform = process.platform === 'win32' ? windowsPlatform() : posixPlatform();
