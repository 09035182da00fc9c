// The validation worker as the extension host runs it (here from source): a file on disk in, its diagnostics and
// the files it depends on out, each answer one the host's guard accepts; and the host's queue in front of it.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { isValidateFileReply, type ValidateFileReply } from '../../src/engine/validation/worker/protocol';
import type * as vscode from 'vscode';
import { WorkspaceValidator } from '../../src/extension/language/workspaceValidator';
import { yaml } from './helpers';

const SHIM = resolve('test/unit/validationWorkerShim.cjs');

describe('the validation worker', function () {
  this.timeout(60_000);
  let dir: string;
  let worker: Worker;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'maestro-worker-'));
    worker = new Worker(SHIM);
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
    return new Promise((done, fail) => {
      const take = (m: unknown) => {
        assert.ok(isValidateFileReply(m), `a reply the host takes: ${JSON.stringify(m)}`);
        if (m.id !== id) return;
        worker.off('message', take);
        done(m);
      };
      worker.on('message', take);
      worker.once('error', fail);
      worker.postMessage({ type: 'validate', id, path });
    });
  };

  it('names the files a file depends on (its sub-workflows), with its diagnostics', async () => {
    const includer = await validate('a.workflow.yaml', yaml('version: 1', 'name: A', 'nodes:', '  b: { workflow: ./b.workflow.yaml }'));
    assert.equal(includer.type, 'validated');
    if (includer.type !== 'validated') return;
    assert.deepEqual(includer.subWorkflows, [join(dir, 'b.workflow.yaml')]);
    assert.deepEqual(
      includer.diagnostics.map((d) => [d.code, d.line]),
      [['missing-workflow', 4]],
    );
    const plain = await validate('b.workflow.yaml', yaml('version: 1', 'name: B', 'nodes:', '  x: { run: "true" }'));
    assert.deepEqual(plain, { type: 'validated', id: plain.id, diagnostics: [], subWorkflows: [] });
  });

  it('fails a file it cannot read, saying why', async () => {
    const missing = await validate('gone.workflow.yaml');
    assert.equal(missing.type, 'failed');
    if (missing.type === 'failed') assert.match(missing.error, /ENOENT/);
  });

  it("the host's queue validates a file asked for again before its turn once, as it is when its turn comes", async () => {
    const validator = new WorkspaceValidator(SHIM, { warn: () => undefined } as unknown as vscode.LogOutputChannel);
    try {
      const path = join(dir, 'q.workflow.yaml');
      writeFileSync(path, yaml('version: 1', 'name: Q', 'nodes:', '  x: { run: "true" }'));
      const first = validator.validate(path);
      const second = validator.validate(path);
      const third = validator.validate(path);
      assert.notEqual(first, second, 'the first is in the worker already');
      assert.equal(second, third, 'the second and third wait as one');
      // Changed before the worker is given the waiting request: the answer is of the new text.
      writeFileSync(path, yaml('version: 1', 'name: Q', 'nodes:', '  x: { needs: nope, run: "true" }'));
      assert.deepEqual(
        (await second).diagnostics.map((d) => d.code),
        ['unknown-dependency'],
      );
      assert.ok(Array.isArray((await first).diagnostics));
    } finally {
      validator.dispose();
    }
  });
});
