import { strict as assert } from 'node:assert';
import type * as vscode from 'vscode';
import { SecretInputMemory } from '../../src/extension/runs/secretInputMemory';
import { memorySecretStorage } from './fakes';

/** VS Code's secret storage and a memento, as maps. */
function fakes() {
  const { values: secrets, storage } = memorySecretStorage();
  const state = new Map<string, unknown>();
  const memento = {
    get: <T>(key: string) => state.get(key) as T | undefined,
    update: async (key: string, value: unknown) => void (value === undefined ? state.delete(key) : state.set(key, value)),
  } as unknown as vscode.Memento;
  return { secrets, state, memory: new SecretInputMemory(storage, memento) };
}

describe('the secret inputs remembered for the next prompt', () => {
  it('keeps the last value per workflow file and input, forgets an empty one, and forgets them all on request', async () => {
    const { secrets, state, memory } = fakes();
    const a = 'file:///w/a.workflow.yaml';
    const b = 'file:///w/b.workflow.yaml';
    await memory.remember(a, 'token', 'one');
    await memory.remember(a, 'token', 'two');
    await memory.remember(b, 'token', 'three');
    await memory.remember(a, 'key', 'four');
    assert.equal(await memory.get(a, 'token'), 'two');
    assert.equal(await memory.get(b, 'token'), 'three');
    assert.equal(await memory.get(b, 'key'), undefined);
    assert.equal(secrets.size, 3);
    assert.ok(![...state.values()].flat().some((v) => ['two', 'three', 'four'].includes(String(v))), 'the index holds no value');

    await memory.remember(a, 'key', '');
    assert.equal(await memory.get(a, 'key'), undefined, 'an empty answer is not kept');
    assert.equal(await memory.forgetAll(), 2);
    assert.equal(secrets.size, 0);
    assert.equal(state.size, 0);
    assert.equal(await memory.forgetAll(), 0);
  });
});
