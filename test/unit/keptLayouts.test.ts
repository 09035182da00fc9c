import { strict as assert } from 'node:assert';
import { MemoryState } from './fakes';
import type * as vscode from 'vscode';
import { KEPT_WORKFLOWS, KeptLayouts } from '../../src/extension/dag/keptLayouts';

const uri = (n: number) => ({ toString: () => `file:///w${n}.workflow.yaml` }) as vscode.Uri;
const layout = (n: number) => ({ key: `k${n}`, layout: { positions: { a: { x: n, y: 0 } }, layers: { a: 0 }, width: 240, height: 92 } });

describe('kept layouts', () => {
  it("keeps each workflow's last layout, the most recently kept workflows only", async () => {
    const state = new MemoryState();
    const kept = new KeptLayouts(state);
    assert.equal(kept.get(uri(0)), undefined);
    for (let n = 0; n <= KEPT_WORKFLOWS; n++) await kept.keep(uri(n), layout(n));
    assert.equal(kept.get(uri(0)), undefined, 'the least recently kept is dropped');
    assert.deepEqual(kept.get(uri(1)), layout(1));
    await kept.keep(uri(1), layout(99));
    await kept.keep(uri(KEPT_WORKFLOWS + 1), layout(5));
    assert.deepEqual(kept.get(uri(1)), layout(99), 'keeping again makes it recent');
    assert.equal(kept.get(uri(2)), undefined);
  });

  it('reads state that is not a map of layouts as empty', async () => {
    const state = new MemoryState();
    await state.update('maestro.dag.keptLayouts', ['garbage']);
    const kept = new KeptLayouts(state);
    assert.equal(kept.get(uri(1)), undefined);
    await kept.keep(uri(1), layout(1));
    assert.deepEqual(kept.get(uri(1)), layout(1));
  });
});
