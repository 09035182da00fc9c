// The validation worker: `dist/validationWorker.js`, run as a worker thread by the extension host. It validates
// workflow files from disk and sends back their diagnostics, or the DAG panel's graph of one (see ./protocol.ts).
import { parentPort } from 'node:worker_threads';
import { readFileText } from '../../fileText';
import { UnreadableFileError } from '../../regularFile';
import { dependencyFiles, validateFile } from '../../validateFile';
import { fileDiagnostics, MAX_VALIDATED_BYTES, tooLargeDiagnostic } from './fileDiagnostics';
import { fileGraph, graphOfValidated, stampBeforeRead } from './fileGraph';
import { isWorkerRequest, type ValidateFileRequest, type WorkerReady, type WorkerReply } from './protocol';

function validated(m: ValidateFileRequest): WorkerReply {
  try {
    const read = m.keepGraph ? stampBeforeRead(m.path) : undefined;
    const result = validateFile(m.path, readFileText(m.path, MAX_VALIDATED_BYTES));
    if (read) graphOfValidated(m.path, read, result);
    return { type: 'validated', id: m.id, diagnostics: fileDiagnostics(result), dependsOn: dependencyFiles(m.path, result.workflow) };
  } catch (e) {
    if (e instanceof UnreadableFileError && e.code === 'EFBIG')
      return { type: 'validated', id: m.id, diagnostics: [tooLargeDiagnostic(e.size ?? 0)], dependsOn: [] };
    return { type: 'failed', id: m.id, error: (e as Error).message };
  }
}

const port = parentPort;
port?.on('message', (m: unknown) => {
  if (!isWorkerRequest(m)) return;
  if (m.type === 'validate') return port.postMessage(validated(m));
  try {
    port.postMessage({ type: 'graphed', id: m.id, found: fileGraph(m.path) } satisfies WorkerReply);
  } catch (e) {
    port.postMessage({ type: 'failed', id: m.id, error: (e as Error).message } satisfies WorkerReply);
  }
});
port?.postMessage({ type: 'ready' } satisfies WorkerReady);
