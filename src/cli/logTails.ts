// The last lines each running node wrote, so that a node that fails can be shown with what it said last, under the
// line saying it failed, without a second command. Pure: the reporter feeds it the run's events.
import type { LogLine } from '../engine/protocol';
import { parseNodeCommand } from '../engine/run/core/nodeCommands';

/** How many of a failed node's last lines are shown. */
export const TAIL_LINES = 15;
/** A line longer than this is cut: one line of output stays about one line on screen. */
export const TAIL_LINE_CHARS = 240;

export interface LogTail {
  /** The node's last lines, oldest first (of its last attempt), cut to `TAIL_LINE_CHARS`. */
  lines: string[];
  /** How many lines the attempt wrote in all (but the reports the run shows otherwise). */
  total: number;
}

/** The commands a node prints on stdout that the run shows as such: a progress bar, a score, a mask (`***` by then). */
const SHOWN_AS_SUCH = new Set(['progress', 'quality', 'add-mask']);
/** A line of the node's own output: not one of those commands (an annotation is output: it says what went wrong). */
const isOutput = (line: LogLine): boolean => line.stream === 'stderr' || !SHOWN_AS_SUCH.has(parseNodeCommand(line.text)?.kind ?? '');

const cut = (text: string): string => (text.length > TAIL_LINE_CHARS ? `${text.slice(0, TAIL_LINE_CHARS - 1)}…` : text);

/** The last `TAIL_LINES` lines of each node instance's attempt, kept while it runs. */
export class LogTails {
  private readonly byNode = new Map<string, LogTail>();

  /** A node's attempt started: what an earlier attempt wrote is not its output. */
  started(nodeId: string): void {
    this.byNode.set(nodeId, { lines: [], total: 0 });
  }

  wrote(nodeId: string, lines: readonly LogLine[]): void {
    let tail = this.byNode.get(nodeId);
    if (!tail) this.byNode.set(nodeId, (tail = { lines: [], total: 0 }));
    const output = lines.filter(isOutput);
    tail.total += output.length;
    for (const line of output.slice(-TAIL_LINES)) tail.lines.push(cut(line.text));
    if (tail.lines.length > TAIL_LINES) tail.lines.splice(0, tail.lines.length - TAIL_LINES);
  }

  /** The node's tail, forgotten here: it ended. */
  take(nodeId: string): LogTail {
    const tail = this.byNode.get(nodeId) ?? { lines: [], total: 0 };
    this.byNode.delete(nodeId);
    return tail;
  }
}
