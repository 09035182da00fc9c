import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { main } from '../../src/cli/main';
import type { Output } from '../../src/cli/output';
import { MutexRegistry } from '../../src/engine/run/core/mutexes';
import { machineMutexFolder, MutexLockFiles, processStart } from '../../src/engine/run/io/mutexLocks';

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

  it('takes over a lock whose pid another process has been given since, where the system says when processes start', function () {
    if (processStart(process.ppid) === undefined) return this.skip();
    const files = new MutexLockFiles(folder);
    assert.equal(files.tryTake(['x']), true);
    files.giveAll();
    const lock = (started: string) => JSON.stringify({ ...JSON.parse(lockOf(process.ppid)), started });
    writeFileSync(join(folder, 'x.lock'), lock(processStart(process.ppid)!));
    assert.equal(files.tryTake(['x']), false, 'the process that took it runs');
    writeFileSync(join(folder, 'x.lock'), lock(`${processStart(process.ppid)!}0`));
    assert.equal(files.tryTake(['x'], { nodeId: 'new' }), true, 'the pid is another process now');
    const holder = new MutexLockFiles(folder).holderOf('x')!;
    assert.deepEqual([holder.nodeId, holder.started], ['new', processStart(process.pid)]);
    files.giveAll();
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

  it("lists this engine's mutexes and other processes', and releases only the others'", () => {
    const elsewhere = new MutexLockFiles(folder);
    const registry = new MutexRegistry(new MutexLockFiles(folder));
    assert.equal(registry.folder(), folder, 'where the host follows them');
    assert.equal(elsewhere.tryTake(['port-5432'], { runId: 'r0', nodeId: 'db' }), true);
    assert.equal(
      registry.tryTake(['deploy'], () => {}, { runId: 'r1' }),
      true,
    );
    writeFileSync(join(folder, 'junk.lock'), 'not a lock');
    const listed = registry.list();
    assert.deepEqual(
      listed.map((m) => [m.mutex, m.here, m.live]),
      [
        ['deploy', true, true],
        ['junk', false, false],
        ['port-5432', false, true],
      ],
    );
    assert.deepEqual(listed[2].holder, { runId: 'r0', nodeId: 'db', pid: process.pid });
    assert.ok(Date.parse(listed[2].since ?? '') <= Date.now());
    assert.equal(listed[1].holder, undefined);
    assert.throws(
      () => registry.release('deploy'),
      /^Error: the mutex 'deploy' is held by the run r1, process \d+, a run of this engine: it is given back when that ends/,
    );
    assert.ok(existsSync(join(folder, 'deploy.lock')), 'refused: its lock stays');
    assert.throws(() => registry.release('cache'), /^Error: no run holds the mutex 'cache'$/);
    // A lock that looks held for ever (its pid another process's since): released, it is the next taker's.
    assert.equal(
      registry.tryTake(['port-5432'], () => {}),
      false,
    );
    const released = registry.release('port-5432');
    assert.deepEqual([released.mutex, released.live, released.here, released.holder?.nodeId], ['port-5432', true, false, 'db']);
    assert.equal(
      registry.tryTake(['port-5432'], () => {}),
      true,
    );
    elsewhere.give(['port-5432']);
    assert.deepEqual(
      registry.list().map((m) => [m.mutex, m.here]),
      [
        ['deploy', true],
        ['junk', false],
        ['port-5432', true],
      ],
      "the old holder's giving back does not remove the new holder's lock",
    );
    assert.equal(registry.release('junk').holder, undefined);
    registry.give(['deploy', 'port-5432']);
    assert.deepEqual(registry.list(), []);
  });

  it('lists and refuses to release its own mutexes when it has no lock files', () => {
    const registry = new MutexRegistry();
    assert.equal(
      registry.tryTake(['db'], () => {}, { runId: 'r1', nodeId: 'migrate' }),
      true,
    );
    assert.deepEqual(registry.list(), [{ mutex: 'db', holder: { runId: 'r1', nodeId: 'migrate', pid: process.pid }, live: true, here: true }]);
    assert.equal(registry.folder(), undefined);
    assert.throws(() => registry.release('db'), /migrate of the run r1/);
    assert.throws(() => registry.release('other'), /no run holds the mutex 'other'/);
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
    assert.equal(registry.folder(), undefined, 'nothing there to follow');
  });

  it('gives back the lock files it took before its folder failed, which would hold other processes', () => {
    const given: string[] = [];
    const failing = {
      folder: '/locks',
      tryTake: (names: readonly string[]) => {
        if (names.includes('cache')) throw new Error('ENOSPC: no space left on device');
        return true;
      },
      give: (names: readonly string[]) => given.push(...names),
      holderOf: () => undefined,
    } as unknown as MutexLockFiles;
    const registry = new MutexRegistry(failing, () => {});
    assert.equal(
      registry.tryTake(['db'], () => {}),
      true,
    );
    assert.equal(
      registry.tryTake(['cache'], () => {}),
      true,
      'the folder failed: within the engine only',
    );
    registry.give(['db', 'cache']);
    assert.deepEqual(given, ['db', 'cache']);
  });
});

describe('mutexes across processes: the folder and `maestro-dag runs mutexes`', () => {
  let folder: string;
  let before: string | undefined;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'maestro-locks-'));
    before = process.env.MAESTRO_MUTEX_DIR;
    process.env.MAESTRO_MUTEX_DIR = folder;
  });
  afterEach(() => {
    process.env.MAESTRO_MUTEX_DIR = before;
    rmSync(folder, { recursive: true, force: true });
  });

  async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const io: Output = { out: (t) => (out += t), err: (t) => (err += t), isTTY: false };
    return { code: await main(argv, io), out, err };
  }

  it('lists the mutexes held, who holds each, and which holders have ended; releases one by name', async () => {
    assert.deepEqual(await cli('runs', 'mutexes'), { code: 0, out: `no mutex is held (${folder})\n`, err: '' });
    const files = new MutexLockFiles(folder);
    assert.equal(files.tryTake(['port-5432'], { runId: 'r1', nodeId: 'serve' }), true);
    writeFileSync(join(folder, 'db.lock'), lockOf(endedPid()));
    writeFileSync(join(folder, 'odd.lock'), 'not json');
    const listed = await cli('runs', 'mutexes');
    assert.equal(listed.code, 0);
    const lines = listed.out.trimEnd().split('\n');
    assert.match(lines[0], /^mutex\s+since\s+held by$/);
    assert.match(lines[1], /^db\s+1970-01-01T00:00:00.000Z\s+old of the run r0, process \d+, which has ended \(the next run that wants it takes it over\)$/);
    assert.match(lines[2], /^odd\s+a file that is not a lock/);
    assert.match(lines[3], new RegExp(`^port-5432\\s+\\S+\\s+serve of the run r1, process ${process.pid}$`));
    const json = JSON.parse((await cli('runs', 'mutexes', '--json')).out) as { mutex: string; live: boolean }[];
    assert.deepEqual(
      json.map(({ mutex, live }) => [mutex, live]),
      [
        ['db', false],
        ['odd', false],
        ['port-5432', true],
      ],
    );
    assert.deepEqual(await cli('runs', 'mutexes', '--release', 'port-5432'), {
      code: 0,
      out: `released port-5432, held by serve of the run r1, process ${process.pid}\n`,
      err: '',
    });
    assert.equal(existsSync(join(folder, 'port-5432.lock')), false);
    const again = await cli('runs', 'mutexes', '--release', 'port-5432');
    assert.deepEqual([again.code, again.err], [1, `maestro-dag: no run holds the mutex 'port-5432' (${folder})\n`]);
    const outside = await cli('runs', 'mutexes', '--release', '../x');
    assert.equal(outside.code, 1, 'a name is a file of the folder, whatever it holds');
    files.giveAll();
  });

  it('refuses a folder of the temporary folder that another user could write to, or a link, saying which and why', () => {
    const open = join(folder, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    assert.throws(
      () => new MutexLockFiles(open, { ownFolder: true }).tryTake(['x']),
      /open is not this user's alone \(owner \d+, mode 777\): another user could hold or read its locks/,
    );
    const link = join(folder, 'link');
    mkdirSync(join(folder, 'target'));
    symlinkSync(join(folder, 'target'), link);
    assert.throws(() => new MutexLockFiles(link, { ownFolder: true }).tryTake(['x']), /link is not a folder/);
    assert.equal(new MutexLockFiles(open).tryTake(['x']), true, 'a folder the user chose (MAESTRO_MUTEX_DIR) is theirs to share');
    assert.equal(new MutexLockFiles(join(folder, 'own'), { ownFolder: true }).tryTake(['x']), true);
  });
});
