// The watchdog of a POSIX engine: a small `sh` process that outlives the engine if it dies, and then ends the
// process groups that were still running. It costs nothing while the engine lives: the engine appends what starts
// and ends to a file of its own (a write to a file wakes nobody, where each line down a pipe woke the watchdog, a
// tenth of a big run's CPU), and the watchdog waits on a pipe the engine never writes to. Only when that pipe closes
// (the engine exited or died, however) does it read the file and end the groups still listed: SIGTERM, then SIGKILL
// once the longest grace period given has passed. It runs in a group of its own, so that a signal to the engine's
// group (Ctrl-C on a terminal) does not reach it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { ProcessGuard } from './platform';

/**
 * `$1` holds lines `+ GROUP GRACE_MS` and `- GROUP`; once stdin closes, the groups added and not removed are ended,
 * after the longest grace.
 */
export const GUARD_SCRIPT = `# maestro: ends this engine's node processes if the engine goes away
f=$1
cat > /dev/null
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

  /** `fd`: the list, open for appending; written at once, so that the engine may die right after any line. */
  constructor(private readonly fd: number) {}

  add(tree: number, graceMs: number): void {
    this.write(`+ ${tree} ${Math.max(0, Math.round(graceMs))}\n`);
  }

  remove(tree: number): void {
    this.write(`- ${tree}\n`);
  }

  /** The watchdog could not start: nothing more is written, and the list goes. */
  abandon(list: string): void {
    if (this.broken) return;
    this.broken = true;
    closeSync(this.fd);
    rmSync(list, { force: true });
  }

  private write(line: string): void {
    if (this.broken) return;
    try {
      writeSync(this.fd, line);
    } catch {
      this.broken = true;
    }
  }
}

let shared: ProcessGuard | undefined | null;

/** The engine's one watchdog, started on first use; undefined when it cannot start (no /bin/sh, no temporary folder). */
export function startShellGuard(): ProcessGuard | undefined {
  if (shared !== undefined) return shared ?? undefined;
  const list = join(tmpdir(), `maestro-guard-${process.pid}-${randomBytes(6).toString('hex')}`);
  let fd: number | undefined;
  try {
    // Created here, only by this engine, readable only by its user.
    fd = openSync(list, 'wx', 0o600);
    const child = spawn('/bin/sh', ['-c', GUARD_SCRIPT, 'maestro-guard', list], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    const guard = new ShellGuard(fd);
    child.on('error', () => guard.abandon(list));
    // Neither the watchdog nor its pipe keeps the engine alive: the engine's exit is what it waits for.
    child.unref();
    (child.stdin as Writable & { unref?(): void }).unref?.();
    shared = guard;
  } catch {
    if (fd !== undefined) closeSync(fd);
    rmSync(list, { force: true });
    shared = null;
  }
  return shared ?? undefined;
}
