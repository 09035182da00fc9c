// Copies of a cached node's artifacts: put back when a kept result is reused after they changed, kept once per
// content, within their bound, and never written out of the node's folder.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineEvent } from '../../src/engine/protocol';
import { startRun } from '../../src/engine/run/engine';
import { copiesMaxBytes, copyFiles, putBack } from '../../src/engine/run/io/artifactCopies';
import { CACHE_FOLDER, entryNames, readEntrySync } from '../../src/engine/run/io/cacheEntries';
import { copiesFolderBytes, trimCopies } from '../../src/engine/run/io/cacheTrim';
import { forgetResults } from '../../src/engine/run/io/cacheForget';
import { clockReading, yaml } from './helpers';

describe('node cache: copies of artifacts, put back on reuse', () => {
  let dir: string;
  let now: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maestro-copies-'));
    now = Date.UTC(2026, 0, 1);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const clock = clockReading(() => now);
  const cacheDir = () => join(dir, 'runs', CACHE_FOLDER);
  const copiesDir = () => join(cacheDir(), 'copies');
  const copies = () => readdirSync(copiesDir()).filter((n) => !n.startsWith('.'));
  const entries = () => entryNames(cacheDir()).map((n) => readEntrySync(join(cacheDir(), n))!);
  const read = (path: string) => readFileSync(join(dir, path), 'utf8');
  const source = (text: string) => {
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'src', 'a.txt'), text);
  };
  /** Appends to `ran.txt` each time it really runs; leaves out.bin, and dist/ with a text file and a script. */
  const workflow = (...extra: string[]) => {
    const path = join(dir, 'c.workflow.yaml');
    writeFileSync(
      path,
      yaml(
        'version: 1',
        'name: Copies',
        'nodes:',
        '  build:',
        '    run: |',
        '      echo run >> ran.txt',
        '      cp src/a.txt out.bin',
        '      mkdir -p dist && cp src/a.txt dist/app.txt && printf "#!/bin/sh\\n" > dist/start.sh && chmod 755 dist/start.sh',
        '    artifacts: [out.bin, dist]',
        '    cache: { files: [src] }',
        ...extra,
      ),
    );
    return path;
  };
  const run = async (path: string, o: { cacheCopiesMaxBytes?: number } = {}) => {
    const events: EngineEvent[] = [];
    const handle = startRun({ workflowPath: path, runsDir: join(dir, 'runs'), clock, onEvent: (e) => events.push(e), ...o });
    const status = await handle.finished();
    handle.dispose();
    now += 1000;
    const completed = events.find((e): e is Extract<EngineEvent, { type: 'node:completed' }> => e.type === 'node:completed' && e.nodeId === 'build');
    const logFile = join(dir, 'runs', handle.runId, 'logs', 'build.log');
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    return {
      runId: handle.runId,
      status,
      cached: completed?.cached?.runId,
      restored: completed?.cached?.restored,
      log,
      ran: read('ran.txt').split('\n').filter(Boolean).length,
    };
  };

  it('puts back artifacts that changed since: sources changed and changed back reuse the first build, with its files', async () => {
    source('one');
    const path = workflow();
    const first = await run(path);
    source('second');
    assert.equal((await run(path)).ran, 2);
    source('one');
    const third = await run(path);
    assert.deepEqual([third.status, third.ran, third.cached], ['completed', 2, first.runId]);
    assert.match(third.log, /is reused, .*; its artifacts dist, out\.bin were put back from the copies kept with it/);
    assert.deepEqual(third.restored, ['dist', 'out.bin'], 'told with the completion, for the panel and the CLI');
    assert.deepEqual([read('out.bin'), read('dist/app.txt')], ['one', 'one']);
    if (process.platform !== 'win32') assert.equal(statSync(join(dir, 'dist', 'start.sh')).mode & 0o777, 0o755);
    const fourth = await run(path);
    assert.equal(fourth.cached, first.runId);
    assert.doesNotMatch(fourth.log, /put back/, 'as they were put back: nothing to do');
    assert.equal(fourth.restored, undefined);
    rmSync(join(dir, 'out.bin'));
    writeFileSync(join(dir, 'dist', 'app.txt'), 'changed by hand');
    const fifth = await run(path);
    assert.deepEqual([fifth.ran, read('out.bin'), read('dist/app.txt')], [2, 'one', 'one']);
    assert.deepEqual(readdirSync(join(dir, 'dist')).sort(), ['app.txt', 'start.sh'], 'no temporary file left beside them');
    assert.equal(copies().length, 3, 'one copy per content: "one", "second", the script');
  });

  for (const written of ['dist/', './dist', './dist/', 'dist//'])
    it(`reuses and puts back a folder artifact written '${written}' (GitHub workflows write 'dist/')`, async () => {
      source('one');
      const path = workflow();
      writeFileSync(path, readFileSync(path, 'utf8').replace('artifacts: [out.bin, dist]', `artifacts: [out.bin, "${written}"]`));
      const first = await run(path);
      assert.equal((await run(path)).cached, first.runId, 'reused as it was');
      rmSync(join(dir, 'dist'), { recursive: true });
      const again = await run(path);
      assert.deepEqual([again.ran, again.cached, again.restored, read('dist/app.txt')], [1, first.runId, [written], 'one']);
    });

  it('copies the artifacts before what comes after the node can change them: a later node rewriting one in place', async () => {
    source('one');
    // `minify` rewrites dist/app.txt in place as soon as build has completed.
    const path = workflow('  minify:', '    needs: build', '    run: echo min >> dist/app.txt');
    await run(path);
    assert.equal(read('dist/app.txt'), 'onemin\n');
    const second = await run(path);
    assert.deepEqual([second.ran, second.restored, read('dist/app.txt')], [1, ['dist'], 'onemin\n'], 'put back as build left it, then minified again');
  });

  it('takes no entry changed since it was kept (its MAC under the user’s secret no longer holds): the node runs', async () => {
    source('one');
    const path = workflow();
    await run(path);
    const file = join(cacheDir(), entryNames(cacheDir())[0]);
    const entry = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    assert.match(String(entry.signature), /^[0-9a-f]{64}$/);
    writeFileSync(file, JSON.stringify({ ...entry, outputs: { v: '$(touch pwned)' } }));
    const second = await run(path);
    assert.deepEqual([second.ran, second.cached], [2, undefined]);
    assert.equal((await run(path)).cached, second.runId, 'its own result is kept in its place');
    // Nor one signed for another key, moved under this one.
    source('two');
    await run(path);
    const [a, b] = entryNames(cacheDir()).map((n) => join(cacheDir(), n));
    writeFileSync(a, readFileSync(b));
    // The sources whose key names the file `a` (which now holds the other key's entry).
    source(readFileSync(a, 'utf8').includes(second.runId) ? 'two' : 'one');
    const moved = await run(path);
    assert.deepEqual([moved.ran, moved.cached], [4, undefined]);
  });

  it('deletes nothing: a folder holding a file the kept result has not makes the node run, and the log says why', async () => {
    source('one');
    const path = workflow();
    await run(path);
    source('second');
    await run(path);
    writeFileSync(join(dir, 'dist', 'mine.txt'), 'keep me');
    source('one');
    const after = await run(path);
    assert.deepEqual([after.ran, after.cached], [3, undefined]);
    assert.match(after.log, /is not reused, as its artifacts changed and cannot be put back: dist holds dist\/mine\.txt, which the kept result has not/);
    assert.equal(read('dist/mine.txt'), 'keep me');
  });

  it('puts back no damaged or missing copy: the node runs instead', async () => {
    source('one');
    const path = workflow();
    await run(path);
    const sha = entries()[0].copies!.find((c) => c.path === 'out.bin')!.sha;
    writeFileSync(join(copiesDir(), sha), 'ONE');
    writeFileSync(join(dir, 'out.bin'), 'other');
    const damaged = await run(path);
    assert.deepEqual([damaged.ran, read('out.bin')], [2, 'one']);
    assert.match(damaged.log, /cannot be put back: putting back out\.bin failed \(the kept copy of out\.bin is damaged\)/);
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.includes('maestro-')),
      [],
      'the damaged copy was not left beside out.bin',
    );
    rmSync(copiesDir(), { recursive: true });
    rmSync(join(dir, 'out.bin'));
    const gone = await run(path);
    assert.equal(gone.ran, 3);
    assert.match(gone.log, /the kept copy of out\.bin is gone/);
  });

  it('never writes through a link: an artifact or a folder on its way replaced by a link is not put back', async function () {
    if (process.platform === 'win32') this.skip();
    const work = join(dir, 'work');
    const outside = join(dir, 'outside');
    mkdirSync(join(work, 'out', 'deep'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(work, 'out', 'deep', 'f.txt'), 'kept');
    const kept = await copyFiles(work, [{ path: 'out/deep/f.txt', size: 4, mode: 0o644 }], join(dir, 'copies'));
    rmSync(join(work, 'out'), { recursive: true });
    symlinkSync(outside, join(work, 'out'));
    const refused = await putBack(work, ['out/deep/f.txt'], kept, join(dir, 'copies'));
    assert.match(refused ?? '', /putting back out\/deep\/f\.txt failed \(.*out is not a folder\)/);
    const asFolder = await putBack(work, ['out'], kept, join(dir, 'copies'));
    assert.equal(asFolder, 'out is a link now');
    assert.deepEqual(readdirSync(outside), [], 'nothing written where the link points');
  });

  it('keeps the copies within their bound: the results kept longest ago lose theirs first, and then run to be made again', async () => {
    const path = workflow();
    const versions = ['a', 'b', 'c', 'd', 'e'].map((v) => v.repeat(1000));
    // A result's files take 2,010 bytes; its copies 1,000 (out.bin and dist/app.txt are one) and the script's 10 (shared).
    const bound = { cacheCopiesMaxBytes: 4100 };
    for (const v of versions) {
      source(v);
      await run(path, bound);
    }
    assert.deepEqual(
      entries().map((e) => e.copies !== undefined),
      entries().map((e) => e.at !== Math.min(...entries().map((x) => x.at))),
      'the result kept first lost its copies',
    );
    const size = () => copies().reduce((n, c) => n + statSync(join(copiesDir(), c)).size, 0);
    assert.equal(size(), 4010);
    source(versions[0]);
    const oldest = await run(path, bound);
    assert.equal(oldest.ran, 6, 'its artifacts are not as it left them, and it has no copy');
    assert.ok(size() <= 4100, 'made again, it has copies, and the next oldest lost theirs');
    source(versions[2]);
    const kept = await run(path, bound);
    assert.deepEqual([kept.ran, read('out.bin')], [6, versions[2]]);
  });

  it('copies nothing bigger than half the bound, and says so', async () => {
    source('x'.repeat(800));
    const path = workflow();
    const first = await run(path, { cacheCopiesMaxBytes: 1000 });
    assert.match(
      first.log,
      /the result is kept, but its artifacts are not copied: they take 2 KB, more than half of what the copies may take \(1000 bytes; maestro\.cache\.copiesMaxMb or MAESTRO_CACHE_COPIES_MB\)/,
    );
    assert.equal(entries()[0].copies, undefined);
    assert.equal((await run(path, { cacheCopiesMaxBytes: 1000 })).ran, 1, 'the result is still reused while its artifacts are as they were');
  });

  it('copies no artifact that is not a regular file (a named pipe would never end), and says so', async function () {
    if (process.platform === 'win32') this.skip();
    const path = join(dir, 'p.workflow.yaml');
    writeFileSync(
      path,
      yaml(
        'version: 1',
        'name: Pipe',
        'nodes:',
        "  build: { run: 'echo run >> ran.txt && rm -f out.pipe && mkfifo out.pipe', artifacts: [out.pipe], cache: true }",
      ),
    );
    const first = await run(path);
    assert.equal(first.status, 'completed');
    assert.match(first.log, /the result is kept, but its artifacts are not copied: out\.pipe is not a regular file/);
  });

  it('deletes copies no entry names (once old enough), temporary files left behind, and entries of an older version', async () => {
    mkdirSync(copiesDir(), { recursive: true });
    const stray = 'f'.repeat(64);
    const fresh = 'e'.repeat(64);
    for (const name of [stray, fresh, '.copy.maestro-0123456789ab']) writeFileSync(join(copiesDir(), name), 'x');
    const hourAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(join(copiesDir(), stray), hourAgo, hourAgo);
    utimesSync(join(copiesDir(), '.copy.maestro-0123456789ab'), hourAgo, hourAgo);
    const older = join(cacheDir(), `${'1'.repeat(64)}.json`);
    const newer = join(cacheDir(), `${'2'.repeat(64)}.json`);
    writeFileSync(older, JSON.stringify({ version: 2, runId: 'r' }));
    writeFileSync(newer, JSON.stringify({ version: 99, runId: 'r' }));
    assert.equal(await trimCopies(cacheDir(), 1000), 0);
    assert.deepEqual(readdirSync(copiesDir()), [fresh]);
    assert.deepEqual([existsSync(older), existsSync(newer)], [false, true], 'a later version’s entry is not ours to delete');
  });

  it('reads every entry only once the copies take more than their bound; copies no entry names count towards it', async () => {
    assert.equal(await copiesFolderBytes(cacheDir()), 0, 'no folder');
    source('one');
    const path = workflow();
    await run(path);
    const stray = 'f'.repeat(64);
    writeFileSync(join(copiesDir(), stray), 'x'.repeat(2000));
    const hoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(join(copiesDir(), stray), hoursAgo, hoursAgo);
    const bytes = readdirSync(copiesDir()).reduce((n, c) => n + statSync(join(copiesDir(), c)).size, 0);
    assert.ok(bytes > 2000);
    assert.equal(await copiesFolderBytes(cacheDir()), bytes, "one result's copies with the stray copy");
    source('two');
    await run(path, { cacheCopiesMaxBytes: 10_000 });
    assert.ok(copies().includes(stray), 'within the bound: left for a later trim');
    source('three');
    await run(path, { cacheCopiesMaxBytes: 2020 });
    assert.ok(!copies().includes(stray), 'past it: the trim deleted it');
    assert.equal(entries().filter((e) => e.copies).length, 3, 'and no result lost its copies');
  });

  it('follows the copies a run keeps: a run of many results trims once they pass the bound', async () => {
    const path = join(dir, 'many.workflow.yaml');
    // Each leaves 1,002 bytes of its own: a thousand zeros and its id.
    const nodes = ['a', 'b', 'c', 'd', 'e', 'f'].map(
      (id) => `  ${id}: { run: "head -c 1000 /dev/zero > ${id}.bin && echo ${id} >> ${id}.bin", artifacts: [${id}.bin], cache: true }`,
    );
    writeFileSync(path, yaml('version: 1', 'name: Many', 'concurrency: 1', 'nodes:', ...nodes));
    const handle = startRun({ workflowPath: path, runsDir: join(dir, 'runs'), clock, cacheCopiesMaxBytes: 3500 });
    assert.equal(await handle.finished(), 'completed');
    handle.dispose();
    assert.ok((await copiesFolderBytes(cacheDir())) <= 3500, "the bound holds at the run's end");
    assert.equal(entries().filter((e) => e.copies).length, 3, 'the three kept last keep their copies');
  });

  it('neither writes, trims nor forgets through a copies folder that is a link (a repository could point it at ~)', async function () {
    if (process.platform === 'win32') this.skip();
    const home = join(dir, 'home');
    mkdirSync(home);
    const hourAgo = new Date(Date.now() - 2 * 3600_000);
    for (const name of ['.bashrc', 'a'.repeat(64), '.copy.maestro-0123456789ab']) {
      writeFileSync(join(home, name), 'mine');
      utimesSync(join(home, name), hourAgo, hourAgo);
    }
    mkdirSync(cacheDir(), { recursive: true });
    symlinkSync(home, copiesDir());
    source('one');
    const first = await run(workflow());
    assert.match(first.log, /the result is kept, but its artifacts are not copied: .*copies or the folder it is in is not a folder of its own \(a link\?\)/);
    await trimCopies(cacheDir(), 0);
    await forgetResults(join(dir, 'runs'));
    assert.deepEqual(readdirSync(home).sort(), ['.bashrc', '.copy.maestro-0123456789ab', 'a'.repeat(64)]);
  });

  it('forgets the copies with the results: those no other result names', async () => {
    source('one');
    const path = workflow();
    await run(path);
    const other = join(dir, 'other.workflow.yaml');
    writeFileSync(other, yaml('version: 1', 'name: Other', 'nodes:', '  b: { run: cp src/a.txt same.bin, artifacts: [same.bin], cache: true }'));
    await run(other);
    assert.equal(copies().length, 2, '"one" (kept once for out.bin, dist/app.txt and same.bin) and the script');
    assert.equal(await forgetResults(join(dir, 'runs'), { workflowPath: path }), 1);
    assert.equal(copies().length, 1, 'the script’s copy went; "one" is still named by the other result');
    assert.equal(await forgetResults(join(dir, 'runs')), 1);
    assert.ok(!existsSync(copiesDir()));
  });

  it('reads its bound from MAESTRO_CACHE_COPIES_MB: megabytes, 0 for none, anything else said and 1 GiB used', () => {
    assert.deepEqual(copiesMaxBytes({}), { maxBytes: 1024 ** 3 });
    assert.deepEqual(copiesMaxBytes({ MAESTRO_CACHE_COPIES_MB: ' 20 ' }), { maxBytes: 20 * 1024 ** 2 });
    assert.deepEqual(copiesMaxBytes({ MAESTRO_CACHE_COPIES_MB: '0' }), { maxBytes: 0 });
    assert.deepEqual(copiesMaxBytes({ MAESTRO_CACHE_COPIES_MB: '2GB' }), {
      maxBytes: 1024 ** 3,
      problem: "MAESTRO_CACHE_COPIES_MB is '2GB', not a number of megabytes: 1024 is used",
    });
  });
});
