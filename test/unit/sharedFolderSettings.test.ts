// The bounds a team's shared folder keeps for itself: read strictly (a file no run can take is said, never half
// taken), written whole, and set from the CLI.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { main } from '../../src/cli/main';
import {
  MAX_SHARED_RESULTS,
  parseSharedFolderSettings,
  readSharedFolderSettings,
  SHARED_SETTINGS_FILE,
  writeSharedFolderSettings,
} from '../../src/engine/run/io/sharedFolderSettings';

describe("a shared folder's own bounds", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'maestro-shared-settings-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads what it writes, for any bounds in range', () => {
    const settings = fc.record(
      { copiesMaxMb: fc.integer({ min: 0, max: 1_048_576 }), maxResults: fc.integer({ min: 1, max: MAX_SHARED_RESULTS }) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(settings, (s) => {
        writeSharedFolderSettings(dir, s);
        assert.deepEqual(readSharedFolderSettings(dir), { settings: { ...s } });
      }),
    );
  });

  it('takes nothing from a file with anything wrong in it, and says what and where', () => {
    const problem = (text: string) => {
      const parsed = parseSharedFolderSettings(text);
      return 'problem' in parsed ? parsed.problem : undefined;
    };
    assert.equal(problem('[1]'), 'it is not a JSON object');
    assert.equal(problem('{"copiesMaxMb": 10,'), 'it is not a JSON object');
    assert.equal(problem('{"copiesMaxMB": 10}'), "'copiesMaxMB' is not one of its settings (copiesMaxMb, maxResults)");
    assert.equal(problem('{"copiesMaxMb": -1}'), "'copiesMaxMb' must be a whole number of megabytes from 0 to 1,048,576, not -1");
    assert.equal(problem('{"maxResults": 0}'), "'maxResults' must be a whole number of results from 1 to 1,000,000, not 0");
    assert.equal(problem('{"maxResults": "50"}'), '\'maxResults\' must be a whole number of results from 1 to 1,000,000, not "50"');
    assert.equal(problem('{"maxResults": 2.5}'), "'maxResults' must be a whole number of results from 1 to 1,000,000, not 2.5");
    assert.equal(problem('{"__proto__": {"maxResults": 5}}'), "'__proto__' is not one of its settings (copiesMaxMb, maxResults)");

    assert.deepEqual(readSharedFolderSettings(dir), { settings: {} }, 'no file: no bounds of its own');
    writeFileSync(join(dir, SHARED_SETTINGS_FILE), '{"maxResults": 0, "copiesMaxMb": 5}');
    const read = readSharedFolderSettings(dir);
    assert.deepEqual(read.settings, {}, 'none of it taken');
    assert.equal(
      read.problem,
      `its settings in ${join(dir, SHARED_SETTINGS_FILE)} are not used: 'maxResults' must be a whole number of results from 1 to 1,000,000, not 0`,
    );
    rmSync(join(dir, SHARED_SETTINGS_FILE));
    mkdirSync(join(dir, SHARED_SETTINGS_FILE));
    assert.match(readSharedFolderSettings(dir).problem!, /cannot be read \(.*folder.*\): each user's own bounds are used$/);
  });

  it('does not wait on a named pipe in its place', function () {
    if (process.platform === 'win32') this.skip();
    execFileSync('mkfifo', [join(dir, SHARED_SETTINGS_FILE)]);
    assert.match(readSharedFolderSettings(dir).problem!, /cannot be read \(.*\): each user's own bounds are used$/);
  });

  it('prints and sets the bounds from the CLI, one at a time, and refuses a bound out of range', async () => {
    let out = '';
    const io = { out: (t: string) => (out += t), err: (t: string) => (out += t), isTTY: false };
    const team = join(dir, 'team');
    mkdirSync(team);
    const cli = async (...args: string[]) => {
      out = '';
      return [await main(['runs', 'team-settings', '--folder', team, ...args], io), out];
    };
    const own = "each user's own bound";
    assert.deepEqual(await cli(), [
      0,
      `the shared cache in ${team} keeps artifacts' copies up to ${own}, results up to ${own}; it holds 0 results, their artifacts' copies 0 bytes\n`,
    ]);
    assert.deepEqual(await cli('--copies-mb', '4096'), [
      0,
      `the shared cache in ${team} now keeps artifacts' copies up to 4096 MB, results up to ${own}: every teammate's next run trims it so\n`,
    ]);
    assert.equal((await cli('--results', '50000'))[0], 0);
    assert.deepEqual(JSON.parse(readFileSync(join(team, SHARED_SETTINGS_FILE), 'utf8')), { copiesMaxMb: 4096, maxResults: 50000 });
    assert.equal((await cli('--copies-mb', 'default'))[0], 0);
    assert.deepEqual(JSON.parse(readFileSync(join(team, SHARED_SETTINGS_FILE), 'utf8')), { maxResults: 50000 });

    const [code, said] = await cli('--results', '12x');
    assert.equal(code, 2);
    assert.match(said as string, /--results: must be a whole number of results from 1 to 1,000,000, not "12x"/);
    writeFileSync(join(team, SHARED_SETTINGS_FILE), '{"maxResults": "lots"}');
    const [broken, why] = await cli('--copies-mb', '10');
    assert.equal(broken, 1, 'one bound is not written over a file that cannot be read');
    assert.match(why as string, /are not used: 'maxResults' must be .*; set both bounds to write them anew\n$/);
    assert.equal((await cli('--copies-mb', '10', '--results', '100'))[0], 0);
    assert.deepEqual(JSON.parse(readFileSync(join(team, SHARED_SETTINGS_FILE), 'utf8')), { copiesMaxMb: 10, maxResults: 100 });

    out = '';
    assert.equal(await main(['runs', 'team-settings', '--folder', join(dir, 'nowhere'), '--results', '5'], io), 1);
    assert.equal(out, `maestro-dag: the shared folder ${join(dir, 'nowhere')} is not a folder\n`);
    const before = process.env.MAESTRO_CACHE_SHARED_DIR;
    delete process.env.MAESTRO_CACHE_SHARED_DIR;
    try {
      out = '';
      assert.equal(await main(['runs', 'team-settings'], io), 2);
      assert.match(out, /name the shared folder with --folder or MAESTRO_CACHE_SHARED_DIR/);
    } finally {
      if (before !== undefined) process.env.MAESTRO_CACHE_SHARED_DIR = before;
    }
  });
});
