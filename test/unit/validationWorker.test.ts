// The validation worker as the extension host runs it (here from source): a file on disk in, its diagnostics and
// whether it runs sub-workflows out, each answer one the host's guard accepts.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { isValidateFileReply, type ValidateFileReply } from '../../src/engine/validation/worker/protocol';
import { yaml } from './helpers';

describe('the validation worker', function () {
  this.timeout(60_000);
  let dir: string;
  let worker: Worker;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'maestro-worker-'));
    worker = new Worker(resolve('src/engine/validation/worker/main.ts'), {
      execArgv: ['--require', 'tsx/cjs', '--require', resolve('test/esmDependencies.cjs')],
    });
  });
  after(async () => {
    await worker.terminate();
    rmSync(dir, { recursive: true, force: true });
  });

  let nextId = 1;
  const validate = (name: string, text?: string): Promise<ValidateFileReply> => {
    const path = join(dir, name);
    if (text !== undefined) writeFileSync(path, text);
    const id = nextId++;
    return new Promise((done) => {
      const take = (m: unknown) => {
        assert.ok(isValidateFileReply(m), `a reply the host takes: ${JSON.stringify(m)}`);
        if (m.id !== id) return;
        worker.off('message', take);
        done(m);
      };
      worker.on('message', take);
      worker.postMessage({ type: 'validate', id, path });
    });
  };

  it('says whether a file runs sub-workflows, with its diagnostics', async () => {
    const includer = await validate('a.workflow.yaml', yaml('version: 1', 'name: A', 'nodes:', '  b: { workflow: ./b.workflow.yaml }'));
    assert.equal(includer.type, 'validated');
    if (includer.type !== 'validated') return;
    assert.equal(includer.runsSubWorkflows, true);
    assert.deepEqual(
      includer.diagnostics.map((d) => [d.code, d.line]),
      [['missing-workflow', 4]],
    );
    const plain = await validate('b.workflow.yaml', yaml('version: 1', 'name: B', 'nodes:', '  x: { run: "true" }'));
    assert.deepEqual(plain, { type: 'validated', id: plain.id, diagnostics: [], runsSubWorkflows: false });
  });

  it('fails a file it cannot read, saying why', async () => {
    const missing = await validate('gone.workflow.yaml');
    assert.equal(missing.type, 'failed');
    if (missing.type === 'failed') assert.match(missing.error, /ENOENT/);
  });
});
