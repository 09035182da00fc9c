import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { filesToHash, hashFiles } from '../../src/engine/run/io/hashFiles';
import { hashFilesArgumentProblem } from '../../src/engine/hashFilesArgs';
import { hashFilesScript } from '../../src/engine/run/io/hashFilesCommand';
import { githubHashOf } from './helpers';

describe('hashFiles() as GitHub reads it', () => {
  let ws: string;
  const write = (path: string, text = path) => {
    mkdirSync(dirname(join(ws, path)), { recursive: true });
    writeFileSync(join(ws, path), text);
  };
  const found = (...args: string[]) => filesToHash(ws, args).map((f) => f.slice(ws.length + 1));

  beforeEach(() => {
    ws = realpathSync(mkdtempSync(join(tmpdir(), 'maestro-hash-files-')));
    for (const path of ['b.txt', 'a/x.lock', 'a/.hidden', 'a/sub/y.lock', 'c/z.lock', 'c/B.lock']) write(path);
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it('hashes the SHA-256 of each matched file, depth first and in byte order, dotfiles included', () => {
    assert.deepEqual(found('**/*.lock'), ['a/sub/y.lock', 'a/x.lock', 'c/B.lock', 'c/z.lock']);
    assert.equal(hashFiles(ws, ['**/*.lock']), githubHashOf('a/sub/y.lock', 'a/x.lock', 'c/B.lock', 'c/z.lock'));
    assert.deepEqual(found('a'), ['a/.hidden', 'a/sub/y.lock', 'a/x.lock'], 'a folder stands for every file below it');
    assert.deepEqual(found('*/'), ['a/.hidden', 'a/sub/y.lock', 'a/x.lock', 'c/B.lock', 'c/z.lock'], 'a pattern ending in / names folders');
    assert.deepEqual(found('c/*', 'a/x.lock'), ['c/B.lock', 'c/z.lock', 'a/x.lock'], "each pattern's folder is walked in turn");
    write('.maestro/runs/1/record.lock');
    assert.deepEqual(found('**/*.lock'), ['a/sub/y.lock', 'a/x.lock', 'c/B.lock', 'c/z.lock'], "the engine's runs change with every run: not read");
    assert.deepEqual(found('.maestro/runs/*/*.lock'), ['.maestro/runs/1/record.lock'], 'unless a pattern names them');
  });

  it("reads several patterns per argument, leaves out what a later '!' names, and skips comments and blank lines", () => {
    assert.deepEqual(found('**/*.lock\n# not a pattern\n\n!c/**', 'c/z.lock'), ['a/sub/y.lock', 'a/x.lock', 'c/z.lock']);
    assert.deepEqual(found('!!a/x.lock'), ['a/x.lock'], "two '!' cancel out");
    assert.deepEqual(found('./a/x.lock'), ['a/x.lock']);
  });

  it("gives '' when nothing matches, and leaves out what is not below the workspace", () => {
    assert.equal(hashFiles(ws, ['nothing-*.txt']), '');
    assert.equal(hashFiles(ws, ['# only a comment']), '');
    const outside = realpathSync(mkdtempSync(join(tmpdir(), 'maestro-hash-outside-')));
    try {
      writeFileSync(join(outside, 'secret.txt'), 'no');
      assert.equal(hashFiles(ws, [join(outside, 'secret.txt')]), '');
      assert.deepEqual(found(join(ws, 'b.txt')), ['b.txt'], 'an absolute path below the workspace is read');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('reads a link to a file, follows links to folders only when asked first, and ends where a link leads back up', () => {
    symlinkSync('a/x.lock', join(ws, 'link.lock'));
    symlinkSync('a', join(ws, 'linked'));
    symlinkSync('..', join(ws, 'a', 'up'));
    assert.deepEqual(found('*.lock'), ['link.lock']);
    assert.equal(hashFiles(ws, ['*.lock']), githubHashOf('a/x.lock'));
    assert.deepEqual(found('linked/**'), [], "without the option, a link's folder is not walked");
    assert.deepEqual(found('--follow-symbolic-links', 'linked/*.lock'), ['linked/x.lock']);
    assert.deepEqual(found('--follow-symbolic-links', '**/y.lock'), ['a/sub/y.lock', 'linked/sub/y.lock'], 'a/up leads back to the workspace: not walked');
  });

  it('says what is wrong with a pattern GitHub refuses, and stops a walk past its limit', () => {
    assert.throws(() => hashFiles(ws, ['a/../b.txt']), /'a\/\.\.\/b\.txt' names a folder by '\.' or '\.\.', which GitHub does not allow/);
    assert.throws(() => hashFiles(ws, ['!']), /'!' leaves out nothing/);
    assert.throws(() => hashFiles(ws, ['--follow', 'a']), /'--follow' is no option: the only one is '--follow-symbolic-links', first/);
    assert.equal(
      hashFilesArgumentProblem('**/*.lock\n../x'),
      "'../x' names a folder by '.' or '..', which GitHub does not allow: patterns name what is below the workspace",
    );
    assert.equal(hashFilesArgumentProblem('**/*.lock'), undefined);
    assert.throws(() => filesToHash(ws, ['**'], 5), /it looked at 5 files and folders without finishing: name the files more narrowly/);
    assert.deepEqual(
      filesToHash(ws, ['b.txt'], 5).map((f) => f.slice(ws.length + 1)),
      ['b.txt'],
    );
  });

  it('fails on a pipe it matches, rather than wait for a writer for ever', function () {
    if (spawnSync('mkfifo', [join(ws, 'x.pipe')]).status !== 0) this.skip();
    assert.throws(() => hashFiles(ws, ['*.pipe']), /cannot read .*x\.pipe: it is not a regular file \(a pipe, a socket or a device\)/);
    assert.equal(hashFiles(ws, ['b.txt']), githubHashOf('b.txt'), 'other patterns read as before');
  });

  it('is the same from the bundled command a script runs, which says what fails', () => {
    const bundle = join(__dirname, '..', '..', 'dist', 'hashFiles.js');
    const command = join(ws, 'hash-files');
    writeFileSync(command, hashFilesScript([process.execPath, bundle], false), { mode: 0o755 });
    const run = (...args: string[]) => spawnSync(command, args, { cwd: join(ws, 'a'), env: { ...process.env, MAESTRO_WORKSPACE: ws }, encoding: 'utf8' });
    assert.equal(run('**/*.lock', '!c/**').stdout, `${hashFiles(ws, ['**/*.lock', '!c/**'])}\n`);
    assert.equal(run('nothing').stdout, '');
    const refused = run('--follow');
    assert.equal(refused.status, 1);
    assert.equal(refused.stderr, `hashFiles('--follow') failed below ${ws}: '--follow' is no option: the only one is '--follow-symbolic-links', first\n`);
    assert.equal(run().status, 2);
    assert.match(hashFilesScript(['/opt/my editor/code', bundle], true), /^#!\/bin\/sh\nELECTRON_RUN_AS_NODE=1 exec '\/opt\/my editor\/code' \S+ "\$@"\n$/);
  });
});
