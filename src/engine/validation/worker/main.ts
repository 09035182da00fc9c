// The validation worker: `dist/validationWorker.js`, run as a worker thread by the extension host. It validates
// workflow files from disk and sends back their diagnostics (see ./protocol.ts).
import { parentPort } from 'node:worker_threads';
import { readRegularText, UnreadableFileError } from '../../regularFile';
import { subWorkflowFiles, validateFile } from '../../validateFile';
import { fileDiagnostics, MAX_VALIDATED_BYTES, tooLargeDiagnostic } from './fileDiagnostics';
import { isValidateFileRequest, type ValidateFileReply } from './protocol';

const port = parentPort;
port?.on('message', (m: unknown) => {
  if (!isValidateFileRequest(m)) return;
  let reply: ValidateFileReply;
  try {
    const result = validateFile(m.path, readRegularText(m.path, MAX_VALIDATED_BYTES));
    reply = { type: 'validated', id: m.id, diagnostics: fileDiagnostics(result), subWorkflows: subWorkflowFiles(m.path, result.workflow) };
  } catch (e) {
    if (e instanceof UnreadableFileError && e.code === 'EFBIG')
      reply = { type: 'validated', id: m.id, diagnostics: [tooLargeDiagnostic(e.size ?? 0)], subWorkflows: [] };
    else reply = { type: 'failed', id: m.id, error: (e as Error).message };
  }
  port.postMessage(reply);
});
