import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HeldMutex } from '../../src/engine/protocol';
import { HeldMutexes, watchFolder, type WatchFolder } from '../../src/extension/runs/heldMutexes';
import { mutexesItem, mutexItem } from '../../src/extension/views/treeModels';

const T0 = Date.parse('2026-12-05T10:00:00Z');
const OTHERS: HeldMutex = { mutex: 'port-5432', holder: { runId: 'r0', nodeId: 'db', pid: 4321 }, since: new Date(T0).toISOString(), live: true, here: false };
const MINE: HeldMutex = { mutex: 'deploy', holder: { runId: 'r1', pid: 99 }, live: true, here: true };

/** Waits for a condition that an event on its way makes true (a watcher's, a debounce's), polling. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(check(), what);
}

/** A source whose answers the test sets, counting what is asked; a watch the test triggers. */
function fakes(local = true) {
  const answers: { mutexes: HeldMutex[]; folder?: string }[] = [];
  const state = { asked: 0, local, answer: { mutexes: [] as HeldMutex[], folder: '/tmp/locks' as string | undefined } };
  const watched: { folder: string; onChange: () => void; closed: boolean }[] = [];
  const watch: WatchFolder = (folder, onChange) => {
    const w = { folder, onChange, closed: false };
    watched.push(w);
    return { close: () => (w.closed = true), waitsForFolder: false };
  };
  const mutexes = new HeldMutexes(
    {
      list: async () => {
        state.asked++;
        answers.push(state.answer);
        return state.answer;
      },
      isLocal: () => state.local,
    },
    watch,
  );
  return { mutexes, state, watched };
}

describe('held mutexes in the Runs view', () => {
  it('are asked for only while the view is shown, and say when they change', async () => {
    const { mutexes, state } = fakes();
    let changes = 0;
    mutexes.onDidChange(() => changes++);
    mutexes.refreshSoon();
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(state.asked, 0, 'a hidden view asks nothing');
    state.answer = { mutexes: [OTHERS], folder: '/tmp/locks' };
    mutexes.setShown(true);
    await until(() => changes === 1, 'shown, it lists them');
    assert.deepEqual(mutexes.held, [OTHERS]);
    await mutexes.refresh();
    assert.equal(changes, 1, 'the same list is no change');
    state.answer = { mutexes: [MINE, OTHERS], folder: '/tmp/locks' };
    mutexes.refreshSoon();
    mutexes.refreshSoon();
    mutexes.refreshSoon();
    await until(() => changes === 2, 'asked again');
    assert.equal(state.asked, 3, 'three changes in a row make one request');
    mutexes.dispose();
  });

  it("follow the folder of the window's own engine, not a served engine's", async () => {
    const { mutexes, state, watched } = fakes();
    mutexes.setShown(true);
    await until(() => watched.length === 1, 'the folder is followed');
    assert.equal(watched[0].folder, '/tmp/locks');
    state.answer = { mutexes: [OTHERS], folder: '/tmp/locks' };
    watched[0].onChange();
    await until(() => mutexes.held.length === 1, "another process's lock file is seen");
    assert.equal(watched.length, 1, 'the same folder is followed once');
    state.local = false;
    await mutexes.refresh();
    assert.ok(watched[0].closed, "a served engine's folder is on another machine");
    mutexes.setShown(false);
    state.local = true;
    await mutexes.refresh();
    assert.equal(watched.length, 1, 'a hidden view follows nothing');
    mutexes.dispose();
  });

  it('keep the newest answer when an older one comes after it, and list nothing from an engine that cannot answer', async () => {
    let release: (v: { mutexes: HeldMutex[] }) => void = () => undefined;
    let calls = 0;
    const mutexes = new HeldMutexes({
      list: () => {
        calls++;
        if (calls === 1) return new Promise((r) => (release = r));
        if (calls === 2) return Promise.resolve({ mutexes: [MINE] });
        return Promise.reject(new Error('the engine stopped'));
      },
      isLocal: () => false,
    });
    mutexes.setShown(true);
    await mutexes.refresh();
    release({ mutexes: [OTHERS] });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(mutexes.held, [MINE]);
    await mutexes.refresh();
    assert.deepEqual(mutexes.held, []);
    mutexes.dispose();
  });

  it('watch a folder for lock files, one not made yet from its parent until it is, and one removed afresh', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'maestro-watch-'));
    const folder = join(parent, 'locks');
    let changes = 0;
    try {
      const waiting = watchFolder(folder, () => changes++);
      assert.equal(waiting.waitsForFolder, true);
      mkdirSync(folder);
      await until(() => changes > 0, 'the folder made is seen');
      writeFileSync(join(parent, 'other'), '');
      waiting.close();
      const following = watchFolder(folder, () => changes++);
      assert.equal(following.waitsForFolder, false);
      const before = changes;
      writeFileSync(join(folder, 'port.lock'), '{}');
      await until(() => changes > before, 'a lock file is seen');
      rmSync(folder, { recursive: true });
      await until(() => following.waitsForFolder, 'a folder removed is followed afresh, from its parent');
      following.close();
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('are shown as a section: who holds each, since when, and which may be released', () => {
    assert.deepEqual(mutexesItem([MINE, OTHERS]), {
      label: 'Held mutexes',
      description: '2 · 1 by other processes',
      tooltip: 'The mutexes held on the engine’s machine: by this window’s runs, and by other processes (the CLI’s, a served engine’s).',
      icon: { id: 'lock' },
      contextValue: 'mutexes',
      collapsible: true,
    });
    const other = mutexItem(OTHERS, T0 + 5 * 60_000);
    assert.deepEqual(
      [other.label, other.description, other.contextValue, other.icon],
      ['port-5432', 'db of the run r0, process 4321', 'mutex', { id: 'lock', color: 'charts.yellow' }],
    );
    assert.match(other.tooltip!, /^since .* \(5 min\) · its process still runs$/);
    assert.equal(mutexItem(MINE, T0).contextValue, 'mutex-here', "a run of this window's gives it back itself");
    assert.deepEqual(mutexItem({ ...OTHERS, live: false }, T0).icon, { id: 'unlock', color: 'disabledForeground' });
  });
});
