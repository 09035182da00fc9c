// Starts the layout worker. Its code is bundled into the panel's script as text and started from a blob URL (the
// panel's CSP allows `worker-src blob:`): webviews cannot load workers from their own files.
import workerSource from 'maestro:layout-worker';
import type { LayoutWorker } from './layoutClient';
import type { LayoutReply } from './layoutMessages';

export function startLayoutWorker(): LayoutWorker {
  const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
  let worker: Worker;
  try {
    worker = new Worker(url);
  } finally {
    URL.revokeObjectURL(url);
  }
  return {
    postMessage: (request) => worker.postMessage(request),
    listen(onReply, onError) {
      worker.onmessage = (e: MessageEvent<LayoutReply>) => onReply(e.data);
      worker.onerror = (e) => onError(e.message);
    },
    terminate: () => worker.terminate(),
  };
}
