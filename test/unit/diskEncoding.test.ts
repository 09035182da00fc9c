// What the editor knows of whether an open workflow's file is UTF-8 on disk: looked at again on demand, a change
// reported once, a named pipe or a folder never read.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskEncoding } from '../../src/extension/language/diskEncoding';

describe("an open workflow's file on disk, as the editor looks at its encoding", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'maestro-disk-encoding-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds where the file is not UTF-8, says so once, and forgets it once the file is UTF-8', async () => {
    const path = join(dir, 'w.workflow.yaml');
    const text = 'version: 1\nname: W\nnodes:\n  a: { run: echo caf\u00e9 }\n';
    writeFileSync(path, Buffer.from(text, 'latin1'));
    const encoding = new DiskEncoding();
    assert.equal(encoding.problemOf(path), undefined, 'not looked at yet');
    assert.equal(await encoding.refresh(path), true);
    const problem = encoding.problemOf(path);
    assert.deepEqual(problem && [problem.line, problem.column, problem.endColumn, problem.code, problem.severity], [4, 21, 22, 'encoding', 'error']);
    assert.equal(await encoding.refresh(path), false, 'the same file says the same');
    writeFileSync(path, text);
    assert.equal(await encoding.refresh(path), true);
    assert.equal(encoding.problemOf(path), undefined);
  });

  it('a later look wins over an earlier one that ends after it; a forgotten file keeps nothing', async () => {
    const path = join(dir, 'w.workflow.yaml');
    writeFileSync(path, Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
    const encoding = new DiskEncoding();
    const [first, second] = await Promise.all([encoding.refresh(path), encoding.refresh(path)]);
    assert.deepEqual([first, second], [false, true]);
    encoding.forget(path);
    assert.equal(encoding.problemOf(path), undefined);
    const looking = encoding.refresh(path);
    encoding.forget(path);
    assert.equal(await looking, false);
    assert.equal(encoding.problemOf(path), undefined, 'a look that ends after the file was closed leaves nothing');
  });

  (process.platform === 'win32' ? it.skip : it)('reads neither a named pipe nor a folder, and says nothing of them', async () => {
    const pipe = join(dir, 'pipe.workflow.yaml');
    execFileSync('mkfifo', [pipe]);
    const folder = join(dir, 'folder.workflow.yaml');
    mkdirSync(folder);
    const encoding = new DiskEncoding();
    assert.equal(await encoding.refresh(pipe), false);
    assert.equal(await encoding.refresh(folder), false);
    assert.equal(await encoding.refresh(join(dir, 'gone.workflow.yaml')), false);
  });
});
