// The floor for spawning from Node: run N processes, at most `parallel` at once, with no DAG, no events, no files.
// Usage: node spawnFloor.mjs N PARALLEL SHELL ARGS...
import { spawn } from 'node:child_process';

const [n, parallel, command, ...args] = process.argv.slice(2);
const total = Number(n);
let started = 0;
let finished = 0;

function next() {
  if (started >= total) return;
  started++;
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout.resume();
  child.stderr.resume();
  child.on('close', () => {
    finished++;
    if (finished === total) process.exit(0);
    next();
  });
}
for (let i = 0; i < Number(parallel); i++) next();
