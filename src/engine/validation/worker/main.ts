// The validation worker: `dist/validationWorker.js`, run as a worker thread by the extension host. It validates
// workflow files from disk and sends back their diagnostics (see ./protocol.ts).
import { readFileSync, statSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { validateFile } from '../../validateFile';
import { fileDiagnostics, MAX_VALIDATED_BYTES, tooLargeDiagnostic } from './fileDiagnostics';
import { isValidateFileRequest, type ValidateFileReply } from './protocol';

const port = parentPort;
port?.on('message', (m: unknown) => {
  if (!isValidateFileRequest(m)) return;
  let reply: ValidateFileReply;
  try {
    const size = statSync(m.path).size;
    if (size > MAX_VALIDATED_BYTES) reply = { type: 'validated', id: m.id, diagnostics: [tooLargeDiagnostic(size)] };
    else {
      const result = validateFile(m.path, readFileSync(m.path, 'utf8'));
      reply = { type: 'validated', id: m.id, diagnostics: fileDiagnostics(result) };
    }
  } catch (e) {
    reply = { type: 'failed', id: m.id, error: (e as Error).message };
  }
  port.postMessage(reply);
});
