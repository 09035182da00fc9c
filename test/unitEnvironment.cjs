// The unit tests' engines keep their user state (the key of kept results) in a folder of their own, not the user's,
// and their mutexes too (shared by the processes the tests start, which inherit the setting). The process that made
// the folders removes them as it exits.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const made = [];
for (const [variable, prefix] of [
  ['MAESTRO_STATE_DIR', 'maestro-state-'],
  ['MAESTRO_MUTEX_DIR', 'maestro-mutexes-'],
]) {
  if (process.env[variable] !== undefined) continue;
  process.env[variable] = mkdtempSync(join(tmpdir(), prefix));
  made.push(process.env[variable]);
}
process.on('exit', () => {
  for (const folder of made) rmSync(folder, { recursive: true, force: true });
});
