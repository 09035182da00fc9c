// `maestro-dag runs team-key` and `runs team-settings`: a team's shared cache, its key and the bounds its folder keeps.
import { statSync } from 'node:fs';
import { formatBytes } from '../../engine/regularFile';
import { makeKeyFile } from '../../engine/run/io/cacheSecret';
import { keptUsage } from '../../engine/run/io/cacheTrim';
import { keptResultsSigned } from '../../engine/run/io/cacheForget';
import { homePath, sharedCacheKey } from '../../engine/run/io/sharedCacheSource';
import {
  readSharedFolderSettings,
  settingProblem,
  SHARED_SETTINGS_FILE,
  type SharedFolderSettings,
  writeSharedFolderSettings,
} from '../../engine/run/io/sharedFolderSettings';
import { parseCommandArgs, UsageError } from '../args';
import type { Output } from '../output';
import { safeText } from '../terminalText';

export const TEAM_HELP = `Usage: maestro-dag runs team-key [--read-only TEAM_KEY_FILE] FILE
       maestro-dag runs team-settings [--copies-mb N|default] [--results N|default] [--folder DIR]

'team-key' makes the key file of a team's shared cache (MAESTRO_CACHE_SHARED_KEY_FILE, maestro.cache.sharedKeyFile):
give it to the team only, and keep it out of every repository. With --read-only, it makes the read key of the
team's key in TEAM_KEY_FILE instead: machines given it find and reuse the team's results, and cannot write one that
anyone's runs reuse (developers' machines, when only CI's results are shared).
'team-settings' prints what the shared folder (MAESTRO_CACHE_SHARED_DIR, or --folder) holds, and the bounds it keeps
in its ${SHARED_SETTINGS_FILE}, and with MAESTRO_CACHE_SHARED_KEY_FILE set, which key that is and how many of the
folder's results are signed with it (none: not the key the team uses now); with options, sets them: every
teammate's runs trim it to them. --copies-mb: the most its artifacts' copies take; --results: how many results it
keeps; 'default' takes a bound out (each user's own is then used).
`;

export function teamKeyCommand(argv: string[], io: Output): number {
  const { values, positionals } = parseCommandArgs(argv, { 'read-only': { type: 'string' } });
  if (values.help) {
    io.out(TEAM_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('runs team-key takes the file to write the key to');
  const readOnlyOf = values['read-only'];
  const problem = makeKeyFile(positionals[0], readOnlyOf);
  if (problem) {
    io.err(`maestro-dag: ${safeText(problem)}\n`);
    return 1;
  }
  const made = safeText(positionals[0]);
  io.out(
    readOnlyOf === undefined
      ? `made a team key in ${made}: give it to the team only, and keep it out of every repository\n`
      : `made the read key of ${safeText(readOnlyOf)} in ${made}: machines given it reuse the team's results and keep none there\n`,
  );
  return 0;
}

/** A flag's value as a bound: a whole number, or undefined for `default`. */
function boundOf(flag: string, name: keyof SharedFolderSettings, text: string): number | undefined {
  if (text === 'default') return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : text;
  const problem = settingProblem(name, value);
  if (problem) throw new UsageError(`--${flag}: ${problem.replace(/^'\w+' /, '')}`);
  return value as number;
}

/** Which key the environment names, and how many of the folder's results it finds signed: a key that is not the team's finds none. */
function keyReport(folder: string, keyFile: string): string {
  const key = sharedCacheKey({ folder, keyFile });
  if ('problem' in key) return key.problem;
  const { total, signed } = keptResultsSigned(key.folder, key.keys);
  const kind = key.keys.sign ? "the team's key (runs keep results there)" : 'a read key (runs reuse results and keep none there)';
  return `MAESTRO_CACHE_SHARED_KEY_FILE holds ${kind}: ${signed} of its ${total} result${total === 1 ? '' : 's'} signed with it`;
}

const OWN = "each user's own bound";
const describe = (s: SharedFolderSettings): string =>
  `artifacts' copies up to ${s.copiesMaxMb === undefined ? OWN : `${s.copiesMaxMb} MB`}, results up to ${s.maxResults ?? OWN}`;

export async function teamSettingsCommand(argv: string[], io: Output): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { 'copies-mb': { type: 'string' }, results: { type: 'string' }, folder: { type: 'string' } });
  if (values.help) {
    io.out(TEAM_HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError(`runs team-settings takes no arguments, not '${positionals[0]}'`);
  const folder = homePath(values.folder ?? process.env.MAESTRO_CACHE_SHARED_DIR?.trim() ?? '');
  if (!folder) throw new UsageError('runs team-settings: name the shared folder with --folder or MAESTRO_CACHE_SHARED_DIR');
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
    io.err(`maestro-dag: the shared folder ${safeText(folder)} is not a folder\n`);
    return 1;
  }
  const { settings, problem } = readSharedFolderSettings(folder);
  if (problem && (values['copies-mb'] === undefined || values.results === undefined)) {
    io.err(`maestro-dag: the shared cache in ${safeText(folder)}: ${safeText(problem)}; set both bounds to write them anew\n`);
    return 1;
  }
  if (values['copies-mb'] === undefined && values.results === undefined) {
    const usage = await keptUsage(folder);
    const holds = `${usage.results} result${usage.results === 1 ? '' : 's'}, their artifacts' copies ${formatBytes(usage.copiesBytes)}`;
    io.out(`the shared cache in ${safeText(folder)} keeps ${describe(settings)}; it holds ${holds}\n`);
    const keyFile = process.env.MAESTRO_CACHE_SHARED_KEY_FILE?.trim();
    if (keyFile) io.out(`${safeText(keyReport(folder, keyFile))}\n`);
    return 0;
  }
  const next: SharedFolderSettings = { ...settings };
  const set = (name: keyof SharedFolderSettings, flag: string, text: string | undefined) => {
    if (text === undefined) return;
    const value = boundOf(flag, name, text);
    if (value === undefined) delete next[name];
    else next[name] = value;
  };
  set('copiesMaxMb', 'copies-mb', values['copies-mb']);
  set('maxResults', 'results', values.results);
  try {
    writeSharedFolderSettings(folder, next);
  } catch (e) {
    io.err(`maestro-dag: the shared cache's settings cannot be written in ${safeText(folder)} (${safeText((e as Error).message)})\n`);
    return 1;
  }
  io.out(`the shared cache in ${safeText(folder)} now keeps ${describe(next)}: every teammate's next run trims it so\n`);
  return 0;
}
