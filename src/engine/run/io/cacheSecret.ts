// The secret this machine's user keys kept results with, kept outside every workspace. A repository's own
// `.maestro/runs/.cache` could hold entries its author wrote, with outputs that a later node's script reads as shell
// code; keyed by an HMAC under this secret, an entry can only be found when this user's engine wrote it.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readRegularText } from '../../regularFile';
import { type EntryKeys, readKeyText, secretKeys, teamKeysOf } from './entryKeys';

const SECRET_FILE = 'cache.key';
const WELL_FORMED = /^[0-9a-f]{64}$/;

/** Where the engine keeps what belongs to the user rather than to a workspace: `MAESTRO_STATE_DIR`, else the platform's state folder. */
export function stateDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.MAESTRO_STATE_DIR) return env.MAESTRO_STATE_DIR;
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'maestro-dag');
  return join(env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state'), 'maestro-dag');
}

export type MachineSecret = { secret: string } | { problem: string };

const known = new Map<string, MachineSecret>();

/** The text of a key file: a regular file (never a pipe, which would not end) of at most 4 KB; or why it cannot be read. */
export function readKeyFile(path: string): { text: string } | { problem: string } {
  try {
    return { text: readRegularText(path, 4096) };
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    return { problem: error.code === 'ENOENT' ? 'there is no such file' : error.message };
  }
}

/** A key file's secret: 64 hexadecimal digits (around them, white space), or undefined. */
export function readSecretFile(path: string): string | undefined {
  const read = readKeyFile(path);
  const text = 'text' in read ? read.text.trim() : '';
  return WELL_FORMED.test(text) ? text : undefined;
}

/** The secret of the state folder `dir`, made the first time (readable by the user alone); why there is none. */
export function machineSecret(dir: string = stateDir()): MachineSecret {
  const had = known.get(dir);
  if (had) return had;
  const path = join(dir, SECRET_FILE);
  let found: MachineSecret;
  const existing = readSecretFile(path);
  if (existing) found = { secret: existing };
  else {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // Written aside and renamed: an engine starting meanwhile reads a whole secret or none. Two engines making one
      // at once each use their own until they start again (their results are then not found by the other).
      const aside = `${path}.${process.pid}.tmp`;
      rmSync(aside, { force: true });
      writeFileSync(aside, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
      renameSync(aside, path);
      const made = readSecretFile(path);
      found = made ? { secret: made } : { problem: `the key of kept results in ${path} cannot be read back` };
    } catch (e) {
      found = { problem: `the key of kept results cannot be kept in ${dir} (${(e as Error).message}): set MAESTRO_STATE_DIR to a folder of yours` };
    }
  }
  // A secret is kept for the process; a problem is looked at again at the next run (a folder made writable meanwhile).
  if ('secret' in found) known.set(dir, found);
  return found;
}

/** The keys of the user's own kept results (see machineSecret), or why there are none. */
export function machineKeys(dir: string = stateDir()): EntryKeys | { problem: string } {
  const found = machineSecret(dir);
  return 'problem' in found ? found : secretKeys(found.secret);
}

/**
 * Makes a new key file for a team's shared cache, readable by the user alone: the team's key (64 hexadecimal digits),
 * or with `readOnlyOf`, the read key of the team's key in that file (see entryKeys.ts). Never over an existing file (a
 * team's key is made once and given to the team): undefined when made, else why not.
 */
export function makeKeyFile(path: string, readOnlyOf?: string): string | undefined {
  let text = `${randomBytes(32).toString('hex')}\n`;
  if (readOnlyOf !== undefined) {
    const read = readKeyFile(readOnlyOf);
    if ('problem' in read) return `${readOnlyOf} cannot be read (${read.problem})`;
    const teamSecret = read.text.trim();
    if (!WELL_FORMED.test(teamSecret))
      return `${readOnlyOf} ${teamKeysOf(read.text) ? 'holds a read key' : "does not hold a team's key (64 hexadecimal digits)"}: a read key is made from the team's key`;
    text = readKeyText(teamSecret);
  }
  try {
    writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
    return undefined;
  } catch (e) {
    const error = e as NodeJS.ErrnoException;
    if (error.code === 'EEXIST') return `${path} exists: a team's key is made once and given to the team (delete the file to make another)`;
    return `${path} cannot be written (${error.message})`;
  }
}
