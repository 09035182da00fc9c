// A validation worker for the tests of the host's queue: it answers at once, but a file whose name has `slow` in it
// keeps its thread busy until a file beside it named `<name>.go` is there, as a file that takes long to validate does
// (each time it is asked, it adds a line to `<name>.asked`, as it does for a file whose name has `recorded` in it: what
// it was asked, and whether to keep the graph).
const { appendFileSync, existsSync } = require('node:fs');
const { parentPort } = require('node:worker_threads');

const pause = new Int32Array(new SharedArrayBuffer(4));
parentPort.on('message', (m) => {
  if (/recorded/.test(m.path)) appendFileSync(`${m.path}.asked`, `${m.type}${m.keepGraph ? ' keepGraph' : ''}\n`);
  if (/slow/.test(m.path)) {
    appendFileSync(`${m.path}.asked`, `${m.type}\n`);
    while (!existsSync(`${m.path}.go`)) Atomics.wait(pause, 0, 0, 10);
  }
  parentPort.postMessage(
    m.type === 'graph'
      ? { type: 'graphed', id: m.id, found: { unreadable: 'a file of the tests' } }
      : { type: 'validated', id: m.id, diagnostics: [], dependsOn: [] },
  );
});
parentPort.postMessage({ type: 'ready' });
