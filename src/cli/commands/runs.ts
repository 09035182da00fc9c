import { resolve } from 'node:path';
import { DURATION_HINT, formatDuration, parseDuration } from '../../engine/duration';
import { machineKeys } from '../../engine/run/io/cacheSecret';
import { forgetResults, keptResultsSigned } from '../../engine/run/io/cacheForget';
import type { EntryKeys } from '../../engine/run/io/entryKeys';
import { forgetSharedResults } from '../../engine/run/io/sharedCache';
import { homePath, sharedCacheFromEnv, sharedCacheKey } from '../../engine/run/io/sharedCacheSource';
import { pruneRuns } from '../../engine/run/io/runPrune';
import { defaultRunsDir } from '../../engine/run/io/runsLocation';
import { listRuns, readLogChunk, readRun } from '../../engine/run/io/runStore';
import { allInstanceIds, foldEvents, hasInstance } from '../../engine/runState';
import { parseCommandArgs, UsageError } from '../args';
import type { Output } from '../output';
import { safeLog, safeText, terminalJson } from '../terminalText';
import { mutexesCommand } from './mutexes';
import { TEAM_HELP, teamKeyCommand, teamSettingsCommand } from './teamCache';

export const RUNS_HELP = `Usage: maestro-dag runs [--json] [--runs-dir DIR]
       maestro-dag runs prune [--keep N] [--older-than DURATION] [--runs-dir DIR]
       maestro-dag runs forget [--workflow FILE] [--older-than DURATION] [--other-keys] [--runs-dir DIR | --shared]
       maestro-dag runs team-key [--read-only TEAM_KEY_FILE] FILE
       maestro-dag runs team-settings [--copies-mb N|default] [--results N|default] [--folder DIR]
       maestro-dag runs mutexes [--json] [--release NAME]

Lists the runs kept in the runs folder, newest first, with status and duration. 'prune' deletes old runs: beyond
the newest N of each workflow, or started longer ago than DURATION (30d, 12h); never a running or paused run.
'forget' deletes the results nodes with 'cache' kept for reuse (a workflow's, or all; those kept longer ago than
DURATION), so that those nodes run next time, with the copies of their artifacts no other result has; with
--shared, those of the team's shared cache (MAESTRO_CACHE_SHARED_DIR) instead, for every teammate; with
--other-keys, those not signed with the key in use (once a team's key is changed: what the old one signed).

${TEAM_HELP.slice(TEAM_HELP.indexOf('\n\n') + 2)}
'mutexes' lists the mutexes held on this machine and who holds each; --release gives one back (see 'runs mutexes --help').

Options:
  --json          a JSON list instead of a table
  --runs-dir DIR  where runs are kept (default: .maestro/runs at the workspace root of the current folder)
  -h, --help      show this help
`;

export const LOGS_HELP = `Usage: maestro-dag logs RUN [NODE] [--runs-dir DIR]

Prints the logs of a run's nodes, or of one node (an instance id such as 'test[shard=1]' for a matrix node).
`;

export function runsCommand(argv: string[], io: Output): number | Promise<number> {
  if (argv[0] === 'prune') return pruneCommand(argv.slice(1), io);
  if (argv[0] === 'forget') return forgetCommand(argv.slice(1), io);
  if (argv[0] === 'team-key') return teamKeyCommand(argv.slice(1), io);
  if (argv[0] === 'team-settings') return teamSettingsCommand(argv.slice(1), io);
  if (argv[0] === 'mutexes') return mutexesCommand(argv.slice(1), io);
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' }, 'runs-dir': { type: 'string' } });
  if (values.help) {
    io.out(RUNS_HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError(`runs takes no arguments, not '${positionals[0]}'`);
  const runsDir = values['runs-dir'] ?? defaultRunsDir('x');
  // An interrupted run has no end to measure to.
  const runs = listRuns(runsDir).map((r) => ({
    ...r,
    status: r.interrupted ? 'interrupted' : r.status,
    durationMs: r.interrupted ? null : (r.endedAt ?? Date.now()) - r.startedAt,
  }));
  if (values.json) {
    io.out(
      terminalJson(
        JSON.stringify(
          runs.map(({ interrupted: _, pid: __, ...r }) => r),
          null,
          2,
        ),
      ) + '\n',
    );
    return 0;
  }
  if (runs.length === 0) {
    io.out(`no runs in ${runsDir}\n`);
    return 0;
  }
  const w = Math.max(...runs.map((r) => r.runId.length));
  io.out(`${'run'.padEnd(w)}  ${'status'.padEnd(11)}  ${'duration'.padStart(8)}  workflow\n`);
  for (const r of runs)
    io.out(
      `${r.runId.padEnd(w)}  ${r.status.padEnd(11)}  ${(r.durationMs === null ? '–' : formatDuration(r.durationMs)).padStart(8)}  ${safeText(r.workflowName)}\n`,
    );
  return 0;
}

export function logsCommand(argv: string[], io: Output): number {
  const { values, positionals } = parseCommandArgs(argv, { 'runs-dir': { type: 'string' } });
  if (values.help) {
    io.out(LOGS_HELP);
    return 0;
  }
  if (positionals.length < 1 || positionals.length > 2) throw new UsageError('logs takes a run id and, optionally, a node id');
  const runsDir = values['runs-dir'] ?? defaultRunsDir('x');
  const [runId, nodeId] = positionals;
  let stored;
  try {
    stored = readRun(runsDir, runId);
  } catch (e) {
    io.err(`maestro-dag: ${safeText((e as Error).message)}\n`);
    return 1;
  }
  const state = foldEvents(stored.events);
  const ids = state ? allInstanceIds(state) : [];
  if (nodeId !== undefined) {
    if (!state || !hasInstance(state, nodeId)) {
      io.err(safeText(`maestro-dag: run ${runId} has no node '${nodeId}' (nodes: ${ids.join(', ')})`) + '\n');
      return 1;
    }
    printLog(io, runsDir, runId, nodeId);
    return 0;
  }
  for (const id of ids) {
    if (readLogChunk(runsDir, runId, id, { maxBytes: 1 }).size === 0) continue;
    io.out(`── ${safeText(id)} ${'─'.repeat(Math.max(0, 60 - id.length))}\n`);
    printLog(io, runsDir, runId, id);
  }
  return 0;
}

/** A node's log, a piece at a time: a log of any size is printed without being held in memory. */
function printLog(io: Output, runsDir: string, runId: string, nodeId: string): void {
  for (let offset = 0; ;) {
    const piece = readLogChunk(runsDir, runId, nodeId, { offset });
    io.out(safeLog(piece.text));
    if (piece.end >= piece.size || piece.end === offset) return;
    offset = piece.end;
  }
}

/** `--older-than`'s duration as the time that long ago (ms since the epoch). */
function timeBefore(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const age = parseDuration(text);
  if (age === undefined) throw new UsageError(`--older-than must be a duration (${DURATION_HINT}), not '${text}'`);
  return Date.now() - age;
}

function pruneCommand(argv: string[], io: Output): number {
  const { values, positionals } = parseCommandArgs(argv, { keep: { type: 'string' }, 'older-than': { type: 'string' }, 'runs-dir': { type: 'string' } });
  if (values.help) {
    io.out(RUNS_HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError(`runs prune takes no arguments, not '${positionals[0]}'`);
  const keep = values.keep === undefined ? undefined : Number(values.keep);
  if (keep !== undefined && (!Number.isInteger(keep) || keep < 0)) throw new UsageError(`--keep must be a whole number ≥ 0, not '${values.keep}'`);
  const olderThan = timeBefore(values['older-than']);
  if (keep === undefined && olderThan === undefined) throw new UsageError('runs prune needs --keep or --older-than');
  const runsDir = values['runs-dir'] ?? defaultRunsDir('x');
  const deleted = pruneRuns(runsDir, { keep, olderThan });
  io.out(
    deleted.length ? `deleted ${deleted.length} run${deleted.length === 1 ? '' : 's'}:\n${deleted.map((d) => `  ${d}\n`).join('')}` : 'no run to delete\n',
  );
  return 0;
}

async function forgetCommand(argv: string[], io: Output): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    workflow: { type: 'string' },
    'older-than': { type: 'string' },
    'runs-dir': { type: 'string' },
    shared: { type: 'boolean' },
    'other-keys': { type: 'boolean' },
  });
  if (values.help) {
    io.out(RUNS_HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError(`runs forget takes no arguments, not '${positionals[0]}'`);
  const olderThan = timeBefore(values['older-than']);
  const workflowPath = values.workflow === undefined ? undefined : resolve(values.workflow);
  let where: string;
  let removed: number;
  if (values.shared) {
    const shared = sharedCacheFromEnv(process.env);
    if (!shared.settings)
      throw new UsageError(`runs forget --shared: ${shared.problem ?? 'MAESTRO_CACHE_SHARED_DIR and MAESTRO_CACHE_SHARED_KEY_FILE name no shared cache'}`);
    where = `the shared cache in ${shared.settings.folder}`;
    const notSignedWith = values['other-keys'] ? keyInUse(sharedCacheKey(shared.settings)) : undefined;
    const { total, signed } = notSignedWith === undefined ? { total: 0, signed: 1 } : keptResultsSigned(homePath(shared.settings.folder), notSignedWith);
    // A key file that is not the team's (an old one) would forget every teammate's results.
    if (total > 0 && signed === 0) {
      const check = `check that ${shared.settings.keyFile} holds the key the team uses now ('runs forget --shared' forgets every result)`;
      io.err(`maestro-dag: none of the ${total} results in ${safeText(where)} is signed with the key in use, so nothing is forgotten: ${safeText(check)}\n`);
      return 1;
    }
    removed = await forgetSharedResults(shared.settings.folder, { workflowPath, olderThan, notSignedWith });
  } else {
    where = values['runs-dir'] ?? defaultRunsDir(workflowPath ?? 'x');
    const notSignedWith = values['other-keys'] ? keyInUse(machineKeys()) : undefined;
    removed = await forgetResults(where, { workflowPath, olderThan, notSignedWith });
  }
  io.out(removed ? `forgot ${removed} kept result${removed === 1 ? '' : 's'}\n` : `no kept result to forget in ${safeText(where)}\n`);
  return 0;
}

/** The key `--other-keys` keeps the results of: without it, nothing could tell which results to keep. */
function keyInUse(key: { keys: EntryKeys } | EntryKeys | { problem: string }): EntryKeys {
  if ('problem' in key) throw new UsageError(`runs forget --other-keys: ${key.problem.replace(/; the shared cache is not used$/, '')}`);
  return 'keys' in key ? key.keys : key;
}
