// The validation worker as the extension host runs it (here from source): a file on disk in, its diagnostics and
// the files it depends on out, or the DAG panel's graph of it, each answer one the host's guard accepts; and the
// host's queue in front of it.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { isWorkerReady, isWorkerReply, isWorkerRequest, type WorkerReply, type WorkerRequest } from '../../src/engine/validation/worker/protocol';
import type * as vscode from 'vscode';
import { WorkspaceValidator } from '../../src/extension/language/workspaceValidator';
import { yaml } from './helpers';

const SHIM = resolve('test/unit/validationWorkerShim.cjs');
const SLOW_SHIM = resolve('test/unit/slowWorkerShim.cjs');
const NO_LOG = { warn: () => undefined } as unknown as vscode.LogOutputChannel;

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
  const ask = (type: WorkerRequest['type'], name: string, text?: string): Promise<WorkerReply> => {
    const path = join(dir, name);
    if (text !== undefined) writeFileSync(path, text);
    const id = nextId++;
    return new Promise((done, fail) => {
      const take = (m: unknown) => {
        if (isWorkerReady(m)) return;
        assert.ok(isWorkerReply(m), `a reply the host takes: ${JSON.stringify(m)}`);
        if (m.id !== id) return;
        worker.off('message', take);
        done(m);
      };
      worker.on('message', take);
      worker.once('error', fail);
      worker.postMessage({ type, id, path } satisfies WorkerRequest);
    });
  };
  const validate = (name: string, text?: string) => ask('validate', name, text);

  it('names the files a file depends on (its sub-workflows), with its diagnostics', async () => {
    const includer = await validate('a.workflow.yaml', yaml('version: 1', 'name: A', 'nodes:', '  b: { workflow: ./b.workflow.yaml }'));
    assert.equal(includer.type, 'validated');
    if (includer.type !== 'validated') return;
    assert.deepEqual(includer.dependsOn, [join(dir, 'b.workflow.yaml')]);
    assert.deepEqual(
      includer.diagnostics.map((d) => [d.code, d.line]),
      [['missing-workflow', 4]],
    );
    const plain = await validate('b.workflow.yaml', yaml('version: 1', 'name: B', 'nodes:', '  x: { run: "true" }'));
    assert.deepEqual(plain, { type: 'validated', id: plain.id, diagnostics: [], dependsOn: [] });
  });

  it('says where a file on disk is not UTF-8', async () => {
    writeFileSync(join(dir, 'latin.workflow.yaml'), Buffer.from(yaml('version: 1', 'name: Latin', 'nodes:', '  x: { run: echo caf\u00e9 }'), 'latin1'));
    const latin = await validate('latin.workflow.yaml');
    assert.equal(latin.type, 'validated');
    if (latin.type === 'validated')
      assert.deepEqual(
        latin.diagnostics.map((d) => [d.code, d.line, d.column]),
        [['encoding', 4, 21]],
      );
  });

  it('fails a file it cannot read, saying why', async () => {
    const missing = await validate('gone.workflow.yaml');
    assert.equal(missing.type, 'failed');
    if (missing.type === 'failed') assert.match(missing.error, /ENOENT/);
  });

  it("makes the DAG panel's graph of a file: its nodes, and what is wrong with one", async () => {
    const reply = await ask(
      'graph',
      'g.workflow.yaml',
      yaml('version: 1', 'name: G', 'nodes:', '  a: { run: "true" }', '  b: { needs: [a, nope], run: "true" }'),
    );
    assert.equal(reply.type, 'graphed');
    if (reply.type !== 'graphed' || !('graph' in reply.found)) return assert.fail(JSON.stringify(reply));
    assert.equal(reply.found.graph.name, 'G');
    assert.deepEqual(
      reply.found.graph.nodes.map((n) => [n.id, n.needs]),
      [
        ['a', []],
        ['b', ['a']],
      ],
    );
    assert.ok(
      reply.found.graph.nodes[1].problems?.some((p) => /nope/.test(p.message)),
      'the unknown dependency is a problem of b',
    );
  });

  it('says why a graph cannot be made of a file it cannot read: gone, a named pipe (not read), a folder', async () => {
    const why = async (name: string) => {
      const reply = await ask('graph', name);
      assert.equal(reply.type, 'graphed');
      return reply.type === 'graphed' && 'unreadable' in reply.found ? reply.found.unreadable : JSON.stringify(reply);
    };
    assert.equal(await why('gone.workflow.yaml'), 'it may have been deleted or moved');
    execFileSync('mkfifo', [join(dir, 'pipe.workflow.yaml')]);
    assert.equal(await why('pipe.workflow.yaml'), 'it is a named pipe, not a file');
    execFileSync('mkdir', [join(dir, 'folder.workflow.yaml')]);
    assert.equal(await why('folder.workflow.yaml'), 'it is a folder, not a file');
  });

  it('each side takes only what the protocol says: a graph reply with a graph or a reason, a request with an id and a path', () => {
    assert.ok(isWorkerReply({ type: 'graphed', id: 1, found: { unreadable: 'it is a folder, not a file' } }));
    assert.ok(isWorkerReply({ type: 'graphed', id: 1, found: { graph: { name: 'G', nodes: [] } } }));
    assert.ok(!isWorkerReply({ type: 'graphed', id: 1, found: {} }), 'neither a graph nor a reason');
    assert.ok(!isWorkerReply({ type: 'graphed', id: 1, found: { graph: { nodes: [] } } }), 'a graph without its name');
    assert.ok(!isWorkerReply({ type: 'graphed', id: '1', found: { unreadable: 'x' } }), 'an id that is not a number');
    assert.ok(isWorkerRequest({ type: 'graph', id: 2, path: '/w.workflow.yaml' }));
    assert.ok(!isWorkerRequest({ type: 'draw', id: 2, path: '/w.workflow.yaml' }), 'a request of no kind it knows');
    assert.ok(!isWorkerRequest({ type: 'graph', id: 2 }), 'no path');
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
  it("the host's queue asks the worker to keep the graphs of the files it is told are worth it, and only those", async () => {
    const validator = new WorkspaceValidator(SLOW_SHIM, NO_LOG, (path) => path.includes('shown'));
    try {
      const names = ['recorded-shown.workflow.yaml', 'recorded-other.workflow.yaml'];
      await Promise.all(names.map((name) => validator.validate(join(dir, name))));
      await validator.graph(join(dir, names[0]));
      const asked = names.map((name) => readFileSync(join(dir, `${name}.asked`), 'utf8'));
      assert.deepEqual(asked, ['validate keepGraph\ngraph\n', 'validate\n']);
    } finally {
      validator.dispose();
    }
  });

  it("the host's queue makes a graph asked for before the files waiting to be validated", async () => {
    const validator = new WorkspaceValidator(SHIM, { warn: () => undefined } as unknown as vscode.LogOutputChannel);
    try {
      const done: string[] = [];
      const names = ['v1', 'v2', 'v3'];
      for (const name of names) writeFileSync(join(dir, `${name}.workflow.yaml`), yaml('version: 1', `name: ${name}`, 'nodes:', '  x: { run: "true" }'));
      writeFileSync(join(dir, 'shown.workflow.yaml'), yaml('version: 1', 'name: Shown', 'nodes:', '  x: { run: "true" }'));
      const asked = names.map((name) => validator.validate(join(dir, `${name}.workflow.yaml`)).then(() => done.push(name)));
      const graph = validator.graph(join(dir, 'shown.workflow.yaml')).then((found) => {
        done.push('graph');
        return found;
      });
      await Promise.all([...asked, graph]);
      assert.deepEqual(done, ['v1', 'graph', 'v2', 'v3'], 'after the file the worker had, before the others');
      const found = await graph;
      assert.ok('graph' in found && found.graph.name === 'Shown');
    } finally {
      validator.dispose();
    }
  });
  it("the host's queue stops a validation that keeps a graph waiting, and does it again after the graph", async () => {
    const validator = new WorkspaceValidator(SLOW_SHIM, NO_LOG);
    try {
      const done: string[] = [];
      const slow = join(dir, 'slow.workflow.yaml');
      const loaded = validator.validate(join(dir, 'loaded.workflow.yaml')).then(() => done.push('loaded'));
      const stopped = validator.validate(slow).then(() => done.push('slow'));
      await loaded;
      const graph = validator.graph(join(dir, 'shown.workflow.yaml')).then(() => done.push('graph'));
      await graph;
      assert.deepEqual(done, ['loaded', 'graph'], 'the graph did not wait for the slow file');
      const behind = validator.validate(join(dir, 'behind.workflow.yaml')).then(() => done.push('behind'));
      writeFileSync(`${slow}.go`, '');
      await Promise.all([stopped, behind]);
      assert.deepEqual(done, ['loaded', 'graph', 'slow', 'behind'], 'the slow file was validated again, before the files after it');
      assert.equal(readFileSync(`${slow}.asked`, 'utf8'), 'validate\nvalidate\n', 'stopped once, then validated');
    } finally {
      validator.dispose();
    }
  });
  it("the host's queue answers a validation it stopped for a graph with the same file's waiting validation", async () => {
    const validator = new WorkspaceValidator(SLOW_SHIM, NO_LOG);
    try {
      const slow = join(dir, 'slow-twice.workflow.yaml');
      await validator.validate(join(dir, 'first.workflow.yaml'));
      const stopped = validator.validate(slow);
      const waiting = validator.validate(slow);
      assert.notEqual(stopped, waiting, 'the first is in the worker');
      await validator.graph(join(dir, 'shown.workflow.yaml'));
      writeFileSync(`${slow}.go`, '');
      assert.deepEqual(await stopped, await waiting);
      assert.equal(readFileSync(`${slow}.asked`, 'utf8'), 'validate\nvalidate\n', 'stopped once, then validated once for both');
    } finally {
      validator.dispose();
    }
  });
  it("the host's queue does not stop a worker that is still loading for a graph", async () => {
    const validator = new WorkspaceValidator(resolve('test/unit/slowStartWorkerShim.cjs'), NO_LOG);
    try {
      const done: string[] = [];
      const first = validator.validate(join(dir, 'a.workflow.yaml')).then(() => done.push('a'));
      const graph = validator.graph(join(dir, 'b.workflow.yaml')).then(() => done.push('graph'));
      await Promise.all([first, graph]);
      assert.deepEqual(done, ['a', 'graph'], 'the worker loading took longer than a graph waits, and was not stopped');
    } finally {
      validator.dispose();
    }
  });
});
