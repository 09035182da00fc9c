import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { MutexRegistry } from '../../src/engine/run/core/mutexes';
import { machineMutexFolder, MutexLockFiles } from '../../src/engine/run/io/mutexLocks';

const lockFiles = (folder: string) => readdirSync(folder).sort();
const lockOf = (pid: number, owner = 'gone') => JSON.stringify({ pid, host: hostname(), owner, runId: 'r0', nodeId: 'old', since: new Date(0).toISOString() });

/** The pid of a process that has ended and been reaped. */
const endedPid = (): number => spawnSync(process.execPath, ['-e', '']).pid;

describe('mutexes across processes: lock files', () => {
  let folder: string;
  beforeEach(() => (folder = join(mkdtempSync(join(tmpdir(), 'maestro-locks-')), 'mutexes')));
  afterEach(() => rmSync(join(folder, '..'), { recursive: true, force: true }));

  it('takes all of the mutexes or none, and says who holds one', () => {
    const a = new MutexLockFiles(folder);
    const b = new MutexLockFiles(folder);
    assert.equal(a.tryTake(['db', 'port-5432'], { runId: 'r1', nodeId: 'migrate' }), true);
    assert.deepEqual(lockFiles(folder), ['db.lock', 'port-5432.lock']);
    assert.equal(b.tryTake(['cache', 'port-5432']), false);
    assert.deepEqual(lockFiles(folder), ['db.lock', 'port-5432.lock'], 'b took none: not cache either');
    assert.equal(a.holderOf('port-5432'), undefined, 'its own holding is not another process');
    assert.deepEqual((({ pid, runId, nodeId }) => ({ pid, runId, nodeId }))(b.holderOf('port-5432')!), { pid: process.pid, runId: 'r1', nodeId: 'migrate' });
    a.give(['port-5432']);
    assert.equal(b.tryTake(['cache', 'port-5432']), true);
    assert.deepEqual(lockFiles(folder), ['cache.lock', 'db.lock', 'port-5432.lock']);
    a.giveAll();
    b.giveAll();
    assert.deepEqual(lockFiles(folder), []);
  });

  it('takes over a lock whose process has ended, or whose file is not a lock', () => {
    const files = new MutexLockFiles(folder);
    assert.equal(files.tryTake(['x']), true);
    files.giveAll();
    writeFileSync(join(folder, 'x.lock'), lockOf(endedPid()));
    writeFileSync(join(folder, 'y.lock'), '{"half":');
    writeFileSync(join(folder, 'z.lock'), lockOf(process.pid, 'an owner that holds nothing'));
    assert.equal(files.tryTake(['x', 'y', 'z'], { nodeId: 'new' }), true);
    assert.equal(new MutexLockFiles(folder).holderOf('x')?.nodeId, 'new');
    assert.deepEqual(lockFiles(folder), ['x.lock', 'y.lock', 'z.lock'], 'nothing left beside them');
    files.giveAll();
  });

  it('waits for a lock whose process still runs, and does not remove it when giving back its own names', () => {
    const files = new MutexLockFiles(folder);
    assert.equal(files.tryTake(['x']), true);
    files.giveAll();
    writeFileSync(join(folder, 'x.lock'), lockOf(process.ppid));
    assert.equal(files.tryTake(['x']), false);
    assert.equal(files.holderOf('x')?.pid, process.ppid);
    files.give(['x']);
    assert.ok(existsSync(join(folder, 'x.lock')), 'a lock it does not hold stays');
  });

  it('gives back what a process holds when it exits without giving it back', () => {
    const script = `const { MutexLockFiles } = require('./src/engine/run/io/mutexLocks'); console.log(new MutexLockFiles(${JSON.stringify(folder)}).tryTake(['x']))`;
    const child = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: join(__dirname, '..', '..'), encoding: 'utf8' });
    assert.equal(child.stdout.trim(), 'true', child.stderr);
    assert.deepEqual(lockFiles(folder), []);
  });

  it('agrees with a model of one holder per mutex, for any sequence of takes and gives by several engines', () => {
    const names = ['a', 'b', 'c', 'd'];
    const step = fc.record({ who: fc.nat(2), give: fc.boolean(), names: fc.subarray(names, { minLength: 1 }) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const dir = mkdtempSync(join(tmpdir(), 'maestro-locks-'));
        try {
          const engines = [0, 1, 2].map(() => new MutexLockFiles(dir));
          const holder = new Map<string, number>();
          for (const { who, give, names: asked } of steps) {
            if (give) {
              engines[who].give(asked);
              for (const name of asked) if (holder.get(name) === who) holder.delete(name);
              continue;
            }
            const free = asked.every((name) => (holder.get(name) ?? who) === who);
            assert.equal(engines[who].tryTake(asked), free);
            if (free) for (const name of asked) holder.set(name, who);
          }
          assert.deepEqual(lockFiles(dir), [...holder.keys()].map((name) => `${name}.lock`).sort());
          for (const engine of engines) engine.giveAll();
          assert.deepEqual(lockFiles(dir), []);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('is a folder of its own per user, unless MAESTRO_MUTEX_DIR names one', () => {
    assert.equal(machineMutexFolder({ MAESTRO_MUTEX_DIR: ' /srv/locks ' }), '/srv/locks');
    assert.match(machineMutexFolder({}), /maestro-dag-mutexes-/);
  });
});

describe('mutexes across processes: the registry', () => {
  let folder: string;
  beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'maestro-locks-'))));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it("waits for another process's lock, looking again until it is given back", async () => {
    const elsewhere = new MutexLockFiles(folder);
    const registry = new MutexRegistry(new MutexLockFiles(folder));
    assert.equal(elsewhere.tryTake(['db']), true);
    let pumped = 0;
    const pump = () => pumped++;
    assert.equal(registry.tryTake(['db'], pump), false);
    while (pumped === 0) await new Promise((r) => setTimeout(r, 10));
    assert.equal(registry.tryTake(['db'], pump), false, 'still held: it asks again');
    elsewhere.give(['db']);
    while (pumped === 1) await new Promise((r) => setTimeout(r, 10));
    assert.equal(registry.tryTake(['db'], pump), true);
    assert.equal(elsewhere.tryTake(['db']), false);
    registry.give(['db']);
    assert.equal(elsewhere.tryTake(['db']), true);
    elsewhere.giveAll();
  });

  it('says once that its folder cannot be used, and keeps a mutex one at a time within the engine', () => {
    writeFileSync(join(folder, 'file'), '');
    const warnings: string[] = [];
    const registry = new MutexRegistry(new MutexLockFiles(join(folder, 'file', 'mutexes')), (m) => warnings.push(m));
    assert.equal(
      registry.tryTake(['db'], () => {}),
      true,
    );
    assert.equal(
      registry.tryTake(['db'], () => {}),
      false,
    );
    registry.give(['db']);
    assert.equal(
      registry.tryTake(['db'], () => {}),
      true,
    );
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /mutexes are not shared with other processes: their folder .*file\/mutexes cannot be used \(ENOTDIR/);
  });
});
