// The worker of ./slowWorkerShim.cjs, taking longer to load than a graph waits for a validation (as a worker does on
// a busy machine) before it says it is ready.
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
require('./slowWorkerShim.cjs');
