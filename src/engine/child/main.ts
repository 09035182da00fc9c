// The engine process: `node dist/engine.js`. Reads commands as JSON lines on stdin, writes messages as JSON lines
// on stdout, and nothing else there. When its host goes away (stdin closes), it cancels its runs and exits, so that
// no process it started outlives it.
import { createInterface } from 'node:readline';
import { EngineServer } from './engineServer';

// Warnings go to stderr, which the host logs.
const server = new EngineServer((m) => process.stdout.write(JSON.stringify(m) + '\n'), { onWarning: (m) => process.stderr.write(`warning: ${m}\n`) });
let stopping = false;

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await server.stopAll();
  process.exit(code);
}

const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
// Lines are handled one at a time, in order.
let queue = Promise.resolve();
input.on('line', (line) => {
  queue = queue.then(async () => {
    if ((await server.handleLine(line)) === 'shutdown') await stop(0);
  });
});
input.on('close', () => void queue.then(() => stop(0)));
process.on('SIGTERM', () => void stop(143));
process.on('SIGINT', () => void stop(130));
process.on('uncaughtException', (e) => {
  process.stdout.write(JSON.stringify({ type: 'engine:error', message: `internal error: ${e.stack ?? e.message}` }) + '\n');
});
server.ready(process.pid);
