// A spawn helper: `node dist/spawnHelper.js`, started by the engine. It starts the processes the engine asks for and
// reports their pids, output lines and exits. Forking from this small process costs less than forking from the
// engine, whose memory every fork must copy the page tables of, and it keeps the engine's event loop free while the
// kernel forks and execs. It exits when its stdin closes: the engine closed it, having nothing in flight, or the engine
// died, and then it kills what it started that still runs, so that no node's process outlives the engine.
import { createInterface } from 'node:readline';
import { currentPlatform } from '../../../platform';
import { launchProcess } from '../launch';
import { parseHelperRequest, requestEnv, SPAWN_HELPER_PROTOCOL_VERSION, type HelperMessage } from './protocol';

let queued: string[] = [];
function send(m: HelperMessage): void {
  // Messages that arise in one turn of the event loop leave in one write.
  if (queued.length === 0) setImmediate(flush);
  queued.push(JSON.stringify(m) + '\n');
}
function flush(): void {
  const text = queued.join('');
  queued = [];
  process.stdout.write(text);
}

const baseEnv = { ...process.env };
const live = new Set<number>();
const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on('line', (line) => {
  const request = parseHelperRequest(line);
  if (!request) {
    send({ type: 'error', message: `not a spawn request: ${line.slice(0, 200)}` });
    return;
  }
  const { id } = request;
  let started: number | undefined;
  launchProcess(
    {
      file: request.file,
      args: request.args,
      ...(request.argv0 !== undefined ? { argv0: request.argv0 } : {}),
      cwd: request.cwd,
      env: requestEnv(baseEnv, request),
    },
    {
      onSpawn: (pid) => {
        started = pid;
        live.add(pid);
        send({ type: 'spawned', id, pid });
      },
      onProcessGone: () => send({ type: 'gone', id }),
      onLines: (stream, lines, continues) => send({ type: 'lines', id, stream, lines, ...(continues ? { continues } : {}) }),
      onExit: (exit) => {
        if (started !== undefined) live.delete(started);
        send({ type: 'exited', id, ...exit });
      },
    },
  );
});
input.on('close', () => {
  for (const pid of live) currentPlatform.killTree(pid, 'SIGKILL');
  flush();
  process.exit(0);
});
process.stdout.on('error', () => process.exit(0));
send({ type: 'ready', protocolVersion: SPAWN_HELPER_PROTOCOL_VERSION });
