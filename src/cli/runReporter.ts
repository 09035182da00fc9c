import { formatDuration } from '../engine/duration';
import { heldMutexText, mutexHolderText } from '../engine/mutexHolder';
import type { EngineEvent, MutexHolding } from '../engine/protocol';
import { allInstanceIds, applyEvent, type RunState } from '../engine/runState';
import { shellWord } from '../engine/platform/shells';
import { reusedText } from '../engine/reusedResult';
import { LogTails } from './logTails';
import type { Output } from './output';
import { safeLog } from './terminalText';

const useColor = (io: Output) => io.isTTY && !process.env.NO_COLOR;
const paint = (io: Output, code: string, text: string) => (useColor(io) ? `\x1b[${code}m${text}\x1b[0m` : text);

const SYMBOL: Record<string, [string, string]> = {
  completed: ['✓', '32'],
  failed: ['✗', '31'],
  skipped: ['○', '90'],
  cancelled: ['■', '33'],
};

function bar(percent: number, width = 20): string {
  const filled = Math.round((percent / 100) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

/** The widest the summary's node column gets: a longer id is cut, so that each row stays a line. */
const NODE_COLUMN = 60;
const shortened = (id: string): string => (id.length > NODE_COLUMN ? `${id.slice(0, NODE_COLUMN - 1)}…` : id);
/** The first few ids of a list, and how many more. */
const clipped = (ids: readonly string[]): string => (ids.length > 4 ? `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more` : ids.join(', '));

export interface RunReporterOptions {
  /** The `--runs-dir` the run was given, if any: the command that prints a whole log names it too. */
  runsDir?: string;
}

/**
 * Shows a run in a terminal: a line for each node as it ends (a failed node's with its last lines of output) and, on
 * a TTY, a live block of the running nodes with progress bars and of what waits for a mutex, redrawn in place; then a
 * summary table.
 */
export class RunReporter {
  private state: RunState | undefined;
  private liveLines = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly tails = new LogTails();
  /** When the run (`''`) and each node began to wait for a mutex, as their first `blocked` events say. */
  private readonly waitStarts = new Map<string, number>();

  constructor(
    private readonly io: Output,
    private readonly options: RunReporterOptions = {},
  ) {}

  seed(state: RunState): void {
    this.state = state;
  }

  event(e: EngineEvent): void {
    this.state = applyEvent(this.state, e);
    const s = this.state;
    if (!s) return;
    this.follow(e);
    const line = this.describe(e, s);
    if (line !== undefined) this.print(line);
    if (this.io.isTTY && !this.timer && e.type !== 'workflow:completed') this.timer = setInterval(() => this.redraw(), 100);
    if (e.type === 'workflow:completed') {
      this.stopLive();
      this.print(this.summary(s));
    }
  }

  message(text: string): void {
    this.print(text);
  }

  stopLive(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clearLive();
  }

  private describe(e: EngineEvent, s: RunState): string | undefined {
    const io = this.io;
    switch (e.type) {
      case 'workflow:started':
        return (
          paint(io, '1', `▶ ${e.workflow.name}`) +
          paint(io, '90', `  run ${e.runId}, ${e.nodes.length} node${e.nodes.length === 1 ? '' : 's'}, up to ${e.concurrency} at once`)
        );
      case 'workflow:resumed':
        return (
          paint(io, '1', `▶ resumed ${s.workflowName}`) +
          (e.reset.length ? paint(io, '90', `  ${e.reset.length} node${e.reset.length === 1 ? '' : 's'} to run`) : '')
        );
      case 'workflow:pausing':
        return paint(io, '33', `⏸ pausing: nothing new starts; ${e.running} running node${e.running === 1 ? '' : 's'} to finish first`);
      case 'workflow:paused':
        return paint(io, '33', '⏸ paused: running nodes finished, nothing new starts');
      case 'node:matrix':
        return paint(io, '90', `  ${e.nodeId}: matrix of ${e.nodes.length} instance${e.nodes.length === 1 ? '' : 's'} (${clipped(e.nodes.map((n) => n.id))})`);
      case 'node:started':
        return io.isTTY ? undefined : `  … ${e.nodeId} started${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`;
      case 'node:retrying':
        return paint(io, '33', `  ↻ ${e.nodeId}: ${e.error}; retrying in ${formatDuration(e.delayMs)}`);
      case 'node:waiting':
        return paint(io, '36', `  ? ${e.nodeId} waits for approval: ${e.prompt}`);
      case 'workflow:blocked':
        return paint(io, '90', `  ⧗ the run waits for ${heldMutexText(e)}`);
      case 'node:blocked':
        return paint(io, '90', `  ⧗ ${e.nodeId} waits for ${heldMutexText(e)}`);
      case 'node:diagnostic':
        return (
          paint(io, e.severity === 'error' ? '31' : '33', `  ${e.severity}: ${e.file ? `${e.file}${e.line ? `:${e.line}` : ''}: ` : ''}${e.message}`) +
          paint(io, '90', ` (${e.nodeId})`)
        );
      case 'node:completed': {
        const [sym, color] = SYMBOL.completed;
        const extra = [
          e.cached ? reusedText(e.cached) : formatDuration(e.durationMs),
          e.attempt > 1 ? `attempt ${e.attempt}` : '',
          e.quality !== undefined ? `quality ${e.quality}` : '',
        ]
          .filter(Boolean)
          .join(', ');
        return `  ${paint(io, color, sym)} ${e.nodeId} ${paint(io, '90', `(${extra})`)}`;
      }
      case 'node:failed':
        return this.failure(e, s.runId);
      case 'node:skipped':
        return `  ${paint(io, SYMBOL.skipped[1], SYMBOL.skipped[0])} ${e.nodeId} ${paint(io, '90', `skipped: ${e.reason}`)}`;
      case 'node:cancelled':
        return `  ${paint(io, SYMBOL.cancelled[1], SYMBOL.cancelled[0])} ${e.nodeId} ${paint(io, '90', `cancelled: ${e.reason}`)}`;
      default:
        return undefined;
    }
  }

  /** Keeps each running node's last lines, for as long as it runs. */
  private follow(e: EngineEvent): void {
    if (e.type === 'node:blocked' || e.type === 'workflow:blocked') {
      const who = e.type === 'node:blocked' ? e.nodeId : '';
      if (!this.waitStarts.has(who)) this.waitStarts.set(who, e.ts);
    }
    if (e.type === 'node:started') this.tails.started(e.nodeId);
    else if (e.type === 'node:log') this.tails.wrote(e.nodeId, e.lines);
    else if (e.type === 'node:completed' || e.type === 'node:skipped' || e.type === 'node:cancelled') this.tails.take(e.nodeId);
  }

  /** A failed node's line, then the last lines it wrote, and how to read the rest when there is more. */
  private failure(e: Extract<EngineEvent, { type: 'node:failed' }>, runId: string): string {
    const io = this.io;
    const head = `  ${paint(io, SYMBOL.failed[1], SYMBOL.failed[0])} ${e.nodeId}: ${e.error}${e.continueOnError ? paint(io, '90', ' (continueOnError)') : ''}`;
    const tail = this.tails.take(e.nodeId);
    if (tail.lines.length === 0) return head;
    const lines = [head];
    const earlier = tail.total - tail.lines.length;
    if (earlier > 0) {
      const runsDir = this.options.runsDir === undefined ? '' : ` --runs-dir ${shellWord(this.options.runsDir)}`;
      const command = `maestro-dag logs ${runId} ${shellWord(e.nodeId)}${runsDir}`;
      lines.push(paint(io, '90', `    │ … ${earlier} line${earlier === 1 ? '' : 's'} before these (the whole log: ${command})`));
    }
    // A colour the node's line leaves on ends with it.
    for (const text of tail.lines) lines.push(`${paint(io, '90', '    │')} ${text}${text.includes('\x1b[') ? '\x1b[0m' : ''}`);
    return lines.join('\n');
  }

  private summary(s: RunState): string {
    const io = this.io;
    // The sub-runs' nodes under the node that ran them, by their ids in the run, as the lines above name them.
    const nodes = allInstanceIds(s)
      .map((id) => s.nodes.get(id) ?? s.nestedNodes[id])
      .filter((n) => n !== undefined);
    const rows = nodes.map((n) => [
      shortened(n.info.id),
      n.status,
      n.cached ? 'reused' : n.durationMs !== undefined ? formatDuration(n.durationMs) : '',
      n.attempt > 1 ? String(n.attempt) : '',
    ]);
    const width = Math.max(4, ...rows.map((r) => r[0].length));
    const lines = ['', `  ${'node'.padEnd(width)}  ${'status'.padEnd(9)}  ${'duration'.padStart(8)}  attempts`];
    for (const [id, status, duration, attempts] of rows)
      lines.push(`  ${id.padEnd(width)}  ${paint(io, SYMBOL[status]?.[1] ?? '0', status.padEnd(9))}  ${duration.padStart(8)}  ${attempts}`);
    const reused = nodes.filter((n) => n.cached).length;
    const shared = nodes.filter((n) => n.cached?.shared).length;
    const fromTeam = shared ? ` (${shared} from the team's shared cache)` : '';
    const total = (s.summary ? formatDuration(s.summary.durationMs) : '') + (reused ? `, ${reused} of ${rows.length} nodes reused${fromTeam}` : '');
    const color = s.status === 'completed' ? '32' : s.status === 'failed' ? '31' : '33';
    lines.push(
      '',
      paint(
        io,
        color,
        `${s.status === 'completed' ? '✓' : s.status === 'failed' ? '✗' : '■'} ${s.workflowName} ${s.status} in ${total}${s.error ? `: ${s.error}` : ''}`,
      ) + paint(io, '90', `  (run ${s.runId})`),
    );
    return lines.join('\n');
  }

  private print(text: string): void {
    this.clearLive();
    // Names, errors and messages come from files and node output: only the reporter's own colours stay.
    this.io.out(safeLog(text) + '\n');
    this.redraw();
  }

  private clearLive(): void {
    if (this.liveLines > 0) this.io.out(`\x1b[${this.liveLines}A\x1b[J`);
    this.liveLines = 0;
  }

  private redraw(): void {
    if (!this.io.isTTY || !this.state || !this.timer) return;
    this.clearLive();
    const now = Date.now();
    const running = [...this.state.nodes.values()].filter((n) => n.status === 'running' || n.status === 'retrying');
    const lines = running.slice(0, 12).map((n) => {
      const elapsed = n.startedAt !== undefined ? formatDuration(now - n.startedAt) : '';
      const progress =
        n.progress !== undefined ? `${bar(n.progress)} ${String(Math.round(n.progress)).padStart(3)}%` : paint(this.io, '90', '·'.repeat(20) + '     ');
      return `  ${paint(this.io, '36', '●')} ${n.info.id.padEnd(24).slice(0, 24)} ${progress} ${paint(this.io, '90', `${elapsed}${n.message ? `  ${n.message}` : ''}`)}`.slice(
        0,
        160,
      );
    });
    if (running.length > 12) lines.push(paint(this.io, '90', `  … and ${running.length - 12} more running`));
    lines.push(...this.waitLines(now));
    if (lines.length) this.io.out(safeLog(lines.join('\n')) + '\n');
    this.liveLines = lines.length;
  }

  /** The run and the pending nodes that wait for a mutex another run holds, with the holder and how long so far. */
  private waitLines(now: number): string[] {
    const s = this.state;
    if (!s) return [];
    const waits: { who: string; key: string; held: { mutex: string; holder: MutexHolding } }[] = [];
    if (s.blockedBy) waits.push({ who: 'the run', key: '', held: s.blockedBy });
    for (const n of s.nodes.values()) if (n.blockedBy && n.status === 'pending') waits.push({ who: n.info.id, key: n.info.id, held: n.blockedBy });
    for (const key of this.waitStarts.keys()) if (!waits.some((w) => w.key === key)) this.waitStarts.delete(key);
    const lines = waits.slice(0, 4).map(({ who, key, held }) => {
      const since = this.waitStarts.get(key);
      const text = `waits for ${held.mutex}, held by ${mutexHolderText(held.holder)}${since === undefined ? '' : `  ${formatDuration(Math.max(0, now - since))}`}`;
      return `  ${paint(this.io, '90', '⧗')} ${who.padEnd(24).slice(0, 24)} ${paint(this.io, '90', text.slice(0, 130))}`;
    });
    if (waits.length > 4) lines.push(paint(this.io, '90', `  … and ${waits.length - 4} more waiting for a mutex`));
    return lines;
  }
}
