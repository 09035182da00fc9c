// What the window remembers by workflow file follows the files the workspace renames, moves and deletes: the inputs
// last given, the secret values remembered, the DAG's kept layout.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type * as vscode from 'vscode';
import { LastAnswers } from '../../src/extension/commands/lastAnswers';
import { KeptLayouts } from '../../src/extension/dag/keptLayouts';
import { SecretInputMemory } from '../../src/extension/runs/secretInputMemory';
import { isGone, movedUri } from '../../src/extension/workflowFileMoves';
import { MemoryState, memorySecretStorage } from './fakes';

const file = (path: string) => `file:///w/${path}`;

describe('what is remembered by workflow file, as files move', () => {
  it('finds where a URI went: the file itself, or a file below a folder that moved, never a sibling sharing a prefix', () => {
    const moves = [{ from: file('flows'), to: file('pipelines') }];
    assert.equal(movedUri(file('flows/a.workflow.yaml'), moves), file('pipelines/a.workflow.yaml'));
    assert.equal(movedUri(file('flows'), moves), file('pipelines'));
    assert.equal(movedUri(file('flows2/a.workflow.yaml'), moves), undefined);
    assert.equal(movedUri(file('flows.workflow.yaml'), moves), undefined);
    assert.ok(isGone(file('flows/deep/b.workflow.yaml'), [file('flows')]));
    assert.ok(!isGone(file('flowsx/b.workflow.yaml'), [file('flows')]));
  });

  it('moves a URI below a moved folder to the same place below its new one, and back again', () => {
    const segment = fc.stringMatching(/^[a-z0-9.-]{1,8}$/).filter((s) => s !== '.' && s !== '..');
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
    fc.assert(
      fc.property(path, path, path, (folder, to, rest) => {
        const there = movedUri(file(`${folder}/${rest}`), [{ from: file(folder), to: file(to) }]);
        assert.equal(there, file(`${to}/${rest}`));
        assert.equal(movedUri(there, [{ from: file(to), to: file(folder) }]), file(`${folder}/${rest}`));
      }),
    );
  });

  it('keeps the inputs last given under where the workflow is now, forgets those of a file deleted', async () => {
    const last = new LastAnswers(new MemoryState());
    await last.set(file('a.workflow.yaml'), { channel: 'beta' });
    await last.set(file('flows/b.workflow.yaml'), { region: 'eu' });
    await last.set(file('c.workflow.yaml'), { n: '3' });
    // a → c while c → d: each file's answers go with it.
    await last.followMoves([
      { from: file('a.workflow.yaml'), to: file('c.workflow.yaml') },
      { from: file('c.workflow.yaml'), to: file('d.workflow.yaml') },
    ]);
    assert.deepEqual(last.get(file('a.workflow.yaml')), {});
    assert.deepEqual(last.get(file('c.workflow.yaml')), { channel: 'beta' });
    assert.deepEqual(last.get(file('d.workflow.yaml')), { n: '3' });
    await last.forgetGone([file('flows')]);
    assert.deepEqual(last.get(file('flows/b.workflow.yaml')), {});
    assert.deepEqual(last.get(file('d.workflow.yaml')), { n: '3' });
  });

  it('keeps what was given to an input under its new name when it is renamed, the old name too (for an edit not taken)', async () => {
    const last = new LastAnswers(new MemoryState());
    await last.set(file('a.workflow.yaml'), { target: 'prod', region: 'eu' });
    await last.followRename(file('a.workflow.yaml'), 'target', 'environment');
    assert.deepEqual(last.get(file('a.workflow.yaml')), { target: 'prod', region: 'eu', environment: 'prod' });
    await last.followRename(file('a.workflow.yaml'), 'region', 'environment');
    assert.equal(last.get(file('a.workflow.yaml')).environment, 'prod', 'an answer the new name has is kept');
    await last.followRename(file('b.workflow.yaml'), 'target', 'x');
    assert.deepEqual(last.get(file('b.workflow.yaml')), {});
    const { storage } = memorySecretStorage();
    const memory = new SecretInputMemory(storage, new MemoryState());
    await memory.remember(file('a.workflow.yaml'), 'token', 's3cret');
    await memory.followRename(file('a.workflow.yaml'), 'token', 'api_token');
    assert.equal(await memory.get(file('a.workflow.yaml'), 'api_token'), 's3cret');
    assert.equal(await memory.get(file('a.workflow.yaml'), 'token'), 's3cret');
    await memory.followRename(file('a.workflow.yaml'), 'nothing', 'else');
    assert.equal(await memory.get(file('a.workflow.yaml'), 'else'), undefined);
    assert.equal(await memory.forgetAll(), 2, 'both are listed, so that Forget forgets both');
  });

  it("keeps the secret values under the moved workflow's name, and forgets those of a file deleted", async () => {
    const { values, storage } = memorySecretStorage();
    const memory = new SecretInputMemory(storage, new MemoryState());
    await memory.remember(file('flows/a.workflow.yaml'), 'token', 's3cret');
    await memory.remember(file('flows/a.workflow.yaml'), 'key', 'k3y');
    await memory.remember(file('other.workflow.yaml'), 'token', 'another');
    await memory.followMoves([{ from: file('flows'), to: file('pipelines') }]);
    assert.equal(await memory.get(file('pipelines/a.workflow.yaml'), 'token'), 's3cret');
    assert.equal(await memory.get(file('pipelines/a.workflow.yaml'), 'key'), 'k3y');
    assert.equal(await memory.get(file('flows/a.workflow.yaml'), 'token'), undefined);
    assert.equal(values.size, 3, 'nothing left under the old name');
    await memory.forgetGone([file('pipelines/a.workflow.yaml')]);
    assert.deepEqual([...values.values()], ['another']);
    assert.equal(await memory.forgetAll(), 1, 'the index lists what is left');
  });

  it("keeps a moved workflow's DAG layout, and drops a deleted one's", async () => {
    const kept = new KeptLayouts(new MemoryState());
    const uri = (path: string) => ({ toString: () => file(path) }) as vscode.Uri;
    const layout = { key: 'k', layout: { positions: { a: { x: 1, y: 0 } }, layers: { a: 0 }, width: 240, height: 92 } };
    await kept.keep(uri('a.workflow.yaml'), layout);
    await kept.followMoves([{ from: file('a.workflow.yaml'), to: file('b.workflow.yaml') }]);
    assert.equal(kept.get(uri('a.workflow.yaml')), undefined);
    assert.deepEqual(kept.get(uri('b.workflow.yaml')), layout);
    await kept.forgetGone([file('b.workflow.yaml')]);
    assert.equal(kept.get(uri('b.workflow.yaml')), undefined);
  });
});
