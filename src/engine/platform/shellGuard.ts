// The watchdog of a POSIX engine: a small `sh` process that outlives the engine if it dies, and then ends the
// process groups that were still running. It costs nothing while the engine lives: it copies what the engine
// tells it into a file (`cat`, which reads in large blocks), and only when its input closes (the engine exited or
// died, however) does it read that file and end the groups still listed: SIGTERM, then SIGKILL once the longest
// grace period given has passed. It runs in a group of its own, so that a signal to the engine's group (Ctrl-C on a
// terminal) does not reach it.
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { ProcessGuard } from './platform';

/** Lines `+ GROUP GRACE_MS` and `- GROUP`; at the end, the groups added and not removed, with the longest grace. */
export const GUARD_SCRIPT = `# maestro: ends this engine's node processes if the engine goes away
f=$(mktemp "\${TMPDIR:-/tmp}/maestro-guard.XXXXXX") || exit 1
cat > "$f"
live=$(awk '$1 == "+" { g[$2] = $3 } $1 == "-" { delete g[$2] } END { for (p in g) print p, g[p] }' "$f")
rm -f "$f"
[ -n "$live" ] || exit 0
groups=$(printf '%s\\n' "$live" | awk '{ print $1 }')
tenths=$(printf '%s\\n' "$live" | awk '{ if ($2 > m) m = $2 } END { print int(m / 100) }')
for p in $groups; do kill -TERM -$p 2>/dev/null; done
i=0
while [ "$i" -lt "$tenths" ]; do
  alive=
  for p in $groups; do kill -0 -$p 2>/dev/null && alive=1; done
  [ -n "$alive" ] || exit 0
  sleep 0.1
  i=$((i + 1))
done
for p in $groups; do kill -KILL -$p 2>/dev/null; done
`;

class ShellGuard implements ProcessGuard {
  private broken = false;

  constructor(private readonly input: Writable) {
    input.on('error', () => (this.broken = true));
  }

  add(tree: number, graceMs: number): void {
    this.write(`+ ${tree} ${Math.max(0, Math.round(graceMs))}\n`, true);
  }

  remove(tree: number): void {
    this.write(`- ${tree}\n`, false);
  }

  private pending = '';
  private timer: NodeJS.Timeout | undefined;
  private soon = false;

  /**
   * One write per line cost a tenth of a big run's CPU. A process's `+` leaves at the end of this turn's synchronous
   * work (the engine could die soon after starting it), with whatever waits; a `-` waits up to GUARD_BATCH_MS for
   * company, and all of them leave when the engine exits.
   */
  private write(line: string, urgent: boolean): void {
    if (this.broken) return;
    this.pending += line;
    if (urgent && !this.soon) {
      this.soon = true;
      queueMicrotask(() => this.flush());
    } else if (!urgent && this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), GUARD_BATCH_MS);
      this.timer.unref();
    }
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.soon = false;
    const text = this.pending;
    this.pending = '';
    if (text !== '' && !this.broken) this.input.write(text);
  }
}

const GUARD_BATCH_MS = 20;

let shared: ProcessGuard | undefined | null;

/** The engine's one watchdog, started on first use; undefined when it cannot start (no /bin/sh). */
export function startShellGuard(): ProcessGuard | undefined {
  if (shared !== undefined) return shared ?? undefined;
  try {
    const child = spawn('/bin/sh', ['-c', GUARD_SCRIPT], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', () => undefined);
    // Neither the watchdog nor its pipe keeps the engine alive: the engine's exit is what it waits for.
    child.unref();
    (child.stdin as Writable & { unref?(): void }).unref?.();
    const guard = new ShellGuard(child.stdin);
    process.once('exit', () => guard.flush());
    shared = guard;
  } catch {
    shared = null;
  }
  return shared ?? undefined;
}
