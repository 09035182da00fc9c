// The engine process: `node dist/engine.js`. Reads requests as JSON lines on stdin, writes messages as JSON lines
// on stdout, and nothing else there. When its host goes away (stdin closes), it stops its runs where they stand and
// exits, so that no process it started outlives it.
import { createInterface } from 'node:readline';
import { keepHeapSmall } from '../memory';
import { EngineService } from '../service/engineService';

keepHeapSmall();

// Warnings go to stderr, which the host logs.
const service = new EngineService((m) => process.stdout.write(JSON.stringify(m) + '\n'), { onWarning: (m) => process.stderr.write(`warning: ${m}\n`) });
let stopping = false;

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  try {
    await service.stopAll();
  } catch (e) {
    // The engine exits all the same: one that stays would hold its host's pipes and ignore the next SIGTERM.
    process.stderr.write(`warning: ${(e as Error).message}\n`);
  } finally {
    process.exit(code);
  }
}

const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
// Requests are taken as they come: one that waits (a resume ending what an interrupted run left) holds up no other.
const inFlight = new Set<Promise<unknown>>();
input.on('line', (line) => {
  const handled = service.handleLine(line).then(async (next) => {
    if (next === 'shutdown') await stop(0);
  });
  inFlight.add(handled);
  void handled.finally(() => inFlight.delete(handled));
});
input.on('close', () => void Promise.all(inFlight).then(() => stop(0)));
process.on('SIGTERM', () => void stop(143));
process.on('SIGINT', () => void stop(130));
process.on('uncaughtException', (e) => {
  process.stdout.write(JSON.stringify({ type: 'engine:error', message: `internal error: ${e.stack ?? e.message}` }) + '\n');
});
service.ready(process.pid);
