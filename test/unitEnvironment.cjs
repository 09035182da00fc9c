// The unit tests' engines keep their user state (the key of kept results) in a folder of their own, not the user's,
// and their mutexes too (shared by the processes the tests start, which inherit the setting).
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

process.env.MAESTRO_STATE_DIR ??= mkdtempSync(join(tmpdir(), 'maestro-state-'));
process.env.MAESTRO_MUTEX_DIR ??= mkdtempSync(join(tmpdir(), 'maestro-mutexes-'));
