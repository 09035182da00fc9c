// A team's shared cache with real processes and files: two clones in different places, of two users, share a folder
// and a key; what one keeps, the other reuses, its artifacts put back; nothing else is reused.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { reusedText } from '../../src/engine/reusedResult';
import { type EntryKeys, teamKeys } from '../../src/engine/run/io/entryKeys';
import { homePath, sharedCacheFromEnv, sharedCacheKey } from '../../src/engine/run/io/sharedCacheSource';
import { SHARED_SETTINGS_FILE } from '../../src/engine/run/io/sharedFolderSettings';
import { KEY, sharedCacheFixture, withEnv } from './sharedCacheFixture';

describe("node cache: a team's shared folder", () => {
  const fixture = sharedCacheFixture();
  const { clone, run, team } = fixture;
  let dir: string;
  beforeEach(() => (dir = fixture.dir()));

  it("reuses a result another user kept in another clone, putting its artifacts back, then from the user's own cache", async () => {
    const ana = clone('ana/work/project');
    const first = await run(ana.path, 'ana', team());
    assert.deepEqual([first.status, first.outputs, first.cached, ana.ran()], ['completed', { v: 'one' }, undefined, 1]);
    assert.ok(
      readdirSync(join(dir, 'team')).some((f) => f.endsWith('.json')),
      'kept in the shared folder',
    );

    const bob = clone('bob/elsewhere/project-copy');
    const second = await run(bob.path, 'bob', team());
    assert.deepEqual([second.status, second.outputs, bob.ran()], ['completed', { v: 'one' }, 0]);
    assert.deepEqual(second.cached?.restored, ['out/'], 'the artifacts put back from the shared copies');
    assert.equal(second.cached?.shared, true);
    assert.match(reusedText(second.cached), /^not run: the result of run \S+ from the team's shared cache reused, out\/ put back$/);
    assert.equal(readFileSync(join(bob.root, 'flows', 'out', 'app.txt'), 'utf8'), 'one');
    assert.match(second.log, new RegExp(`found in the shared cache in ${join(dir, 'team')}, is reused`));

    // Kept in Bob's own cache now: found there, the shared folder not needed.
    const third = await run(bob.path, 'bob', null);
    assert.deepEqual([third.status, third.outputs, bob.ran()], ['completed', { v: 'one' }, 0]);
    assert.doesNotMatch(third.log, /shared cache/);
    assert.equal(third.cached?.shared, undefined);
  });

  it("names the workflow below its checkout in the shared folder's entries, and forgets a workflow's there from any clone", async () => {
    const ana = clone('ana/project');
    await run(ana.path, 'ana', team());
    const entries = () => readdirSync(join(dir, 'team')).filter((f) => f.endsWith('.json'));
    assert.deepEqual(
      entries().map((f) => (JSON.parse(readFileSync(join(dir, 'team', f), 'utf8')) as { workflowPath: string }).workflowPath),
      ['flows/build.workflow.yaml'],
    );
    let out = '';
    const io = { out: (t: string) => (out += t), err: (t: string) => (out += t), isTTY: false };
    const bob = clone('bob/elsewhere/project');
    const env = { MAESTRO_CACHE_SHARED_DIR: join(dir, 'team'), MAESTRO_CACHE_SHARED_KEY_FILE: join(dir, 'team.key') };
    assert.equal(await main(['runs', 'forget', '--shared'], io), 2, 'no shared cache named');
    assert.match(out, /runs forget --shared: .*name no shared cache/);
    await withEnv(env, async () => {
      out = '';
      assert.equal(await main(['runs', 'forget', '--shared', '--workflow', join(bob.root, 'flows', 'other.workflow.yaml')], io), 0);
      assert.equal(out, `no kept result to forget in the shared cache in ${join(dir, 'team')}\n`);
      out = '';
      assert.equal(await main(['runs', 'forget', '--shared', '--workflow', bob.path], io), 0);
      assert.deepEqual([out, entries()], ['forgot 1 kept result\n', []], "Ana's result, forgotten from Bob's clone");
    });
  });

  it('reuses nothing under another key, from a changed entry, or for other files', async () => {
    const ana = clone('ana/project');
    await run(ana.path, 'ana', team());
    const other = clone('carl/project');
    writeFileSync(join(dir, 'other.key'), 'c'.repeat(64));
    await run(other.path, 'carl', { folder: join(dir, 'team'), keyFile: join(dir, 'other.key') });
    assert.equal(other.ran(), 1, 'another key finds nothing');

    const dave = clone('dave/project');
    for (const name of readdirSync(join(dir, 'team')).filter((f) => f.endsWith('.json'))) {
      const path = join(dir, 'team', name);
      writeFileSync(path, readFileSync(path, 'utf8').replace('"v":"one"', '"v":"planted"'));
    }
    const changed = await run(dave.path, 'dave', team());
    assert.deepEqual([dave.ran(), changed.outputs], [1, { v: 'one' }], 'a changed entry is none');

    const erin = clone('erin/project');
    writeFileSync(join(erin.root, 'flows', 'src', 'a.txt'), 'two');
    const edited = await run(erin.path, 'erin', team());
    assert.deepEqual([erin.ran(), edited.outputs], [1, { v: 'two' }], 'other cache files, another key');
  });

  it("keeps a result in the shared folder only when the user's own key cannot be kept, and says so", async () => {
    writeFileSync(join(dir, 'users'), "a file where the users' state folders would be");
    const ana = clone('ana/project');
    const first = await run(ana.path, 'ana', team());
    assert.equal(first.status, 'completed');
    assert.match(first.log, /^maestro: the result is kept in the shared cache only: the key of kept results cannot be kept in /m);
    assert.equal(readdirSync(join(dir, 'team')).filter((f) => f.endsWith('.json')).length, 1);
  });

  it('makes a team key with the CLI, readable by its maker alone, once: never over a file', async () => {
    let out = '';
    const io = { out: (t: string) => (out += t), err: (t: string) => (out += t), isTTY: false };
    const path = join(dir, 'new.key');
    assert.equal(await main(['runs', 'team-key', path], io), 0);
    assert.match(readFileSync(path, 'utf8'), /^[0-9a-f]{64}\n$/);
    if (process.platform !== 'win32') assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.match(out, /^made a team key in .*: give it to the team only/);
    const made = readFileSync(path, 'utf8');
    out = '';
    assert.equal(await main(['runs', 'team-key', path], io), 1);
    assert.match(out, /new\.key exists: a team's key is made once and given to the team/);
    assert.equal(readFileSync(path, 'utf8'), made, 'kept as it was');
    assert.equal(await main(['runs', 'team-key'], io), 2);
    const ana = clone('ana/project');
    assert.equal((await run(ana.path, 'ana', { folder: join(dir, 'team'), keyFile: path })).status, 'completed');
    assert.equal(readdirSync(join(dir, 'team')).filter((f) => f.endsWith('.json')).length, 1, 'a key the shared cache takes');
  });

  it('runs without it, saying why, when its key cannot be read; the settings need both a folder and a key file', async () => {
    const ana = clone('ana/project');
    writeFileSync(join(dir, 'team.key'), 'not a key');
    const warnings: string[] = [];
    const result = await run(ana.path, 'ana', team(), warnings);
    assert.deepEqual([result.status, ana.ran()], ['completed', 1]);
    assert.deepEqual(warnings, [
      `the shared cache's key file ${join(dir, 'team.key')} holds neither a team key (64 hexadecimal digits) nor a read key (make one with: maestro-dag runs team-key FILE); the shared cache is not used`,
    ]);
    assert.deepEqual(readdirSync(join(dir, 'team')), [], 'nothing written to it');
    warnings.length = 0;
    await run(ana.path, 'ana', { folder: 'team', keyFile: join(dir, 'team.key') }, warnings);
    assert.deepEqual(warnings, ["the shared cache's folder 'team' is not an absolute path: it is not used"]);
    assert.equal(homePath('~/team.key'), join(homedir(), 'team.key'));
    // A folder that cannot be made (a file is where it would be): the run goes on, and says so once, however many
    // results it keeps.
    writeFileSync(join(dir, 'team.key'), KEY);
    writeFileSync(ana.path, readFileSync(ana.path, 'utf8') + '  again: { needs: build, run: echo again, cache: true }\n');
    writeFileSync(join(dir, 'not-a-folder'), '');
    warnings.length = 0;
    const unwritable = { folder: join(dir, 'not-a-folder', 'team'), keyFile: join(dir, 'team.key') };
    assert.equal((await run(ana.path, 'ana', unwritable, warnings)).status, 'completed');
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /^the shared cache in .*not-a-folder\/team: .*\(the run says no more of its problems with it\)$/);
    assert.deepEqual(sharedCacheFromEnv({}), {});
    assert.deepEqual(sharedCacheFromEnv({ MAESTRO_CACHE_SHARED_DIR: '/team', MAESTRO_CACHE_SHARED_KEY_FILE: '/k' }), {
      settings: { folder: '/team', keyFile: '/k' },
    });
    assert.match(sharedCacheFromEnv({ MAESTRO_CACHE_SHARED_DIR: '/team' }).problem!, /needs both .* \(no key file\): it is not used/);
  });

  it("trims the shared folder to the bounds it keeps itself, whatever the user's own; a file it cannot take is said", async () => {
    const ana = clone('ana/project');
    writeFileSync(ana.path, readFileSync(ana.path, 'utf8') + '  again: { needs: build, run: echo again, cache: true }\n');
    writeFileSync(join(dir, 'team', SHARED_SETTINGS_FILE), JSON.stringify({ copiesMaxMb: 0, maxResults: 1 }));
    const warnings: string[] = [];
    assert.equal((await run(ana.path, 'ana', team(), warnings)).status, 'completed');
    assert.deepEqual(warnings, []);
    const shared = readdirSync(join(dir, 'team'));
    assert.deepEqual(shared.filter((f) => f.endsWith('.json') && f !== SHARED_SETTINGS_FILE).length, 1, 'one result kept in the shared folder, its own bound');
    assert.ok(!shared.includes('copies'), 'no copies in the shared folder: its bound is 0');
    const own = join(dir, 'runs', 'ana', '.cache');
    assert.equal(readdirSync(own).filter((f) => f.endsWith('.json')).length, 2, "the user's own cache keeps both");
    assert.ok(readdirSync(join(own, 'copies')).length > 0, "and copies, under the user's own bound");

    writeFileSync(join(dir, 'team', SHARED_SETTINGS_FILE), '{ "maxResults": 0 }');
    await run(ana.path, 'ana', null);
    writeFileSync(join(ana.root, 'flows', 'src', 'a.txt'), 'two');
    assert.equal((await run(ana.path, 'ana', team(), warnings)).status, 'completed');
    assert.deepEqual(warnings, [
      `the shared cache in ${join(dir, 'team')}: its settings in ${join(dir, 'team', SHARED_SETTINGS_FILE)} are not used: 'maxResults' must be a whole number of results from 1 to 1,000,000, not 0`,
    ]);
    assert.ok(readdirSync(join(dir, 'team')).includes('copies'), "copies kept under the user's own bound");
  });

  it("forgets, once the team's key is changed, the results the old key signed, and no others", async () => {
    const ana = clone('ana/project');
    await run(ana.path, 'ana', team());
    const entries = () => readdirSync(join(dir, 'team')).filter((f) => f.endsWith('.json'));
    const [signedWithOld] = entries();
    writeFileSync(join(dir, 'new.key'), 'e'.repeat(64));
    writeFileSync(join(ana.root, 'flows', 'src', 'a.txt'), 'two');
    await run(ana.path, 'ana', { folder: join(dir, 'team'), keyFile: join(dir, 'new.key') });
    assert.equal(entries().length, 2);
    let out = '';
    const io = { out: (t: string) => (out += t), err: (t: string) => (out += t), isTTY: false };
    const env = { MAESTRO_CACHE_SHARED_DIR: join(dir, 'team'), MAESTRO_CACHE_SHARED_KEY_FILE: join(dir, 'new.key') };
    await withEnv(env, async () => {
      assert.equal(await main(['runs', 'team-settings'], io), 0);
      assert.match(out, /; it holds 2 results, their artifacts' copies 6 bytes\n/, 'out/app.txt, "one" then "two"');
      assert.match(out, /\nMAESTRO_CACHE_SHARED_KEY_FILE holds the team's key \(runs keep results there\): 1 of its 2 results signed with it\n$/);
      out = '';
      // A key file that signed none of them (not the team's): nothing is forgotten.
      writeFileSync(join(dir, 'third.key'), '9'.repeat(64));
      process.env.MAESTRO_CACHE_SHARED_KEY_FILE = join(dir, 'third.key');
      assert.equal(await main(['runs', 'forget', '--shared', '--other-keys'], io), 1);
      assert.match(
        out,
        /none of the 2 results in the shared cache in .* is signed with the key in use, so nothing is forgotten: check that .*third\.key holds/,
      );
      assert.equal(entries().length, 2);
      process.env.MAESTRO_CACHE_SHARED_KEY_FILE = join(dir, 'new.key');
      out = '';
      assert.equal(await main(['runs', 'forget', '--shared', '--other-keys'], io), 0);
      assert.equal(out, 'forgot 1 kept result\n');
      assert.equal(entries().length, 1);
      assert.notEqual(entries()[0], signedWithOld, "the new key's result stays");
      assert.ok(readdirSync(join(dir, 'team', 'copies')).length > 0, 'with its copies');
      process.env.MAESTRO_CACHE_SHARED_KEY_FILE = join(dir, 'missing.key');
      out = '';
      assert.equal(await main(['runs', 'forget', '--shared', '--other-keys'], io), 2, 'no key: nothing could say what to keep');
      assert.match(out, /runs forget --other-keys: the shared cache's key file .*missing\.key cannot be read \(there is no such file\) \(make one/);
      assert.equal(entries().length, 1);
    });
  });

  it("read only: reuses what the shared folder holds, keeps results in the user's own cache alone, and writes nothing there", async () => {
    const ana = clone('ana/project');
    await run(ana.path, 'ana', team());
    const before = readdirSync(join(dir, 'team'), { recursive: true }).sort();
    const readOnly = { ...team(), readOnly: true };

    const bob = clone('bob/project');
    const reused = await run(bob.path, 'bob', readOnly);
    assert.deepEqual([reused.status, reused.outputs, reused.cached?.shared, bob.ran()], ['completed', { v: 'one' }, true, 0]);
    assert.equal(readFileSync(join(bob.root, 'flows', 'out', 'app.txt'), 'utf8'), 'one', 'its artifacts put back');
    writeFileSync(join(bob.root, 'flows', 'src', 'a.txt'), 'two');
    const fresh = await run(bob.path, 'bob', readOnly);
    assert.deepEqual([fresh.outputs, bob.ran()], [{ v: 'two' }, 1]);
    assert.deepEqual(readdirSync(join(dir, 'team'), { recursive: true }).sort(), before, 'the shared folder as it was');
    const again = await run(bob.path, 'bob', null);
    assert.deepEqual([again.outputs, bob.ran()], [{ v: 'two' }, 1], "kept in Bob's own cache");

    const warnings: string[] = [];
    writeFileSync(join(dir, 'users', 'carl'), "a file where Carl's state folder would be");
    const carl = clone('carl/project');
    writeFileSync(join(carl.root, 'flows', 'src', 'a.txt'), 'three');
    const unkept = await run(carl.path, 'carl', readOnly, warnings);
    assert.match(unkept.log, /^maestro: the result is not kept \(the shared cache is read only\): the key of kept results cannot be kept in /m);
    assert.deepEqual(readdirSync(join(dir, 'team'), { recursive: true }).sort(), before);
  });

  it("reads the team's key from the settings' key file, or says why the shared cache is not used", () => {
    const found = sharedCacheKey(team()) as { folder: string; keys: EntryKeys };
    assert.deepEqual([found.folder, found.keys.names, typeof found.keys.sign], [join(dir, 'team'), teamKeys(KEY).names, 'function']);
    assert.deepEqual(sharedCacheKey({ folder: 'team', keyFile: join(dir, 'team.key') }), {
      problem: "the shared cache's folder 'team' is not an absolute path: it is not used",
    });
    assert.match(
      (sharedCacheKey({ ...team(), keyFile: join(dir, 'nope.key') }) as { problem: string }).problem,
      /nope\.key cannot be read \(there is no such file\) \(make one/,
    );
    const home = sharedCacheKey({ folder: '~/team', keyFile: join(dir, 'team.key') });
    assert.equal((home as { folder: string }).folder, join(homedir(), 'team'));
  });

  it('takes read only from the environment, a value it does not know as set, and says so', () => {
    const env = { MAESTRO_CACHE_SHARED_DIR: '/team', MAESTRO_CACHE_SHARED_KEY_FILE: '/k' };
    assert.deepEqual(sharedCacheFromEnv({ ...env, MAESTRO_CACHE_SHARED_READ_ONLY: '1' }), { settings: { folder: '/team', keyFile: '/k', readOnly: true } });
    assert.deepEqual(sharedCacheFromEnv({ ...env, MAESTRO_CACHE_SHARED_READ_ONLY: 'TRUE' }).settings?.readOnly, true);
    for (const off of ['0', 'false', ' ', ''])
      assert.deepEqual(sharedCacheFromEnv({ ...env, MAESTRO_CACHE_SHARED_READ_ONLY: off }), { settings: { folder: '/team', keyFile: '/k' } });
    assert.deepEqual(sharedCacheFromEnv({ ...env, MAESTRO_CACHE_SHARED_READ_ONLY: 'yes please' }), {
      settings: { folder: '/team', keyFile: '/k', readOnly: true },
      problem: "MAESTRO_CACHE_SHARED_READ_ONLY is 'yes please', not 1 or 0: the shared cache is read only",
    });
  });
});
