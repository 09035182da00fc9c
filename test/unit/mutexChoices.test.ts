import { strict as assert } from 'node:assert';
import { heldHereText, mutexChoices, releaseWarning } from '../../src/extension/commands/mutexChoices';
import type { HeldMutex } from '../../src/engine/protocol';

const T0 = Date.parse('2026-12-05T10:00:00Z');
const since = new Date(T0).toISOString();
const other: HeldMutex = { mutex: 'port-5432', holder: { runId: 'r0', nodeId: 'db', pid: 4321 }, since, live: true, here: false };

describe('Release Mutex: what it offers and asks', () => {
  it('shows each mutex with its holder, since when, and what releasing it does', () => {
    const ended: HeldMutex = { ...other, mutex: 'deploy', holder: { runId: 'r9', pid: 99 }, live: false };
    const junk: HeldMutex = { mutex: 'cache', live: false, here: false };
    const mine: HeldMutex = { mutex: 'db', holder: { runId: 'r1', pid: 1 }, since, live: true, here: true };
    const [a, b, c, d] = mutexChoices([other, ended, junk, mine], T0 + 3 * 3_600_000);
    assert.deepEqual([a.label, a.description], ['port-5432', 'db of the run r0, process 4321']);
    assert.match(a.detail, /^since .+ \(3 h\) · its process still runs$/);
    assert.match(b.detail, / · its holder has ended: the next run that wants it takes it over$/);
    assert.deepEqual([c.description, c.detail], ['a file that is not a lock', 'the next run that wants it takes it over']);
    assert.match(d.detail, /held by a run of this window: given back when it ends$/);
    assert.match(mutexChoices([other], T0 + 30_000)[0].detail, /^since [^(]+ · /, 'under a minute: no length');
    assert.equal(d.held, mine);
  });

  it('asks first only when the holder still runs, saying what becomes of it', () => {
    const warning = releaseWarning(other);
    assert.equal(warning?.message, 'Release the mutex port-5432?');
    assert.match(warning?.detail ?? '', /^db of the run r0, process 4321 holds it, and that process still runs: it goes on as if it held the mutex/);
    assert.equal(releaseWarning({ ...other, live: false }), undefined);
    assert.equal(releaseWarning({ mutex: 'cache', live: false, here: false }), undefined);
    assert.match(
      heldHereText({ ...other, here: true }),
      /^The mutex port-5432 is held by db of the run r0, process 4321, a run of this window: .*cancel the run\.$/,
    );
  });

  it("shows a lock's text as plain text: no links, no icons", () => {
    const planted: HeldMutex = { mutex: '$(alert)x', holder: { runId: '[a](command:workbench.action.quit)', pid: 1 }, live: true, here: false };
    const [choice] = mutexChoices([planted], T0);
    assert.doesNotMatch(choice.label, /\$\(/);
    assert.doesNotMatch(choice.description, /\]\(/);
    assert.doesNotMatch(releaseWarning(planted)?.detail ?? '', /\]\(/);
  });
});
