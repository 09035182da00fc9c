import { formatDuration } from '../../engine/duration';
import { defaultRunsDir } from '../../engine/run/io/runsLocation';
import { listRuns, readLogChunk, readRun } from '../../engine/run/io/runStore';
import { allInstanceIds, foldEvents } from '../../engine/runState';
import { parseCommandArgs, UsageError } from '../args';
import type { Output } from '../output';
import { safeLog, safeText, terminalJson } from '../terminalText';

export const RUNS_HELP = `Usage: maestro-dag runs [--json] [--runs-dir DIR]

Lists the runs kept in the runs folder, newest first, with status and duration.

Options:
  --json          a JSON list instead of a table
  --runs-dir DIR  where runs are kept (default: .maestro/runs at the workspace root of the current folder)
  -h, --help      show this help
`;

export const LOGS_HELP = `Usage: maestro-dag logs RUN [NODE] [--runs-dir DIR]

Prints the logs of a run's nodes, or of one node (an instance id such as 'test[shard=1]' for a matrix node).
`;

export function runsCommand(argv: string[], io: Output): number {
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
    if (!ids.includes(nodeId)) {
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
