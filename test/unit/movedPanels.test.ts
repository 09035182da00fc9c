import { strict as assert } from 'node:assert';
import { MemoryState } from './fakes';
import { KEPT_MOVES, MovedPanels } from '../../src/extension/dag/movedPanels';

const noWarnings = (problem: string) => assert.fail(problem);

const A = 'file:///w/a.workflow.yaml';
const B = 'file:///w/b.workflow.yaml';
const C = 'file:///w/c.workflow.yaml';

describe('DAG panels moved while hidden', () => {
  it('restores a panel moved while hidden to where it moved, until its page is shown again', async () => {
    const moves = new MovedPanels(new MemoryState(), noWarnings);
    assert.equal(moves.workflowOf('p1', A), A, 'a panel that never moved: the workflow its page saved');
    await moves.moved('p1', B);
    await moves.moved('p1', C);
    assert.equal(moves.workflowOf('p1', A), C, 'its last move');
    assert.equal(moves.workflowOf('p2', A), A, "another panel's move is not this one's");
    assert.equal(moves.workflowOf(undefined, A), A, 'a page saved before panels had ids');
    await moves.shown('p1');
    assert.equal(moves.workflowOf('p1', C), C, 'once shown, the page saves the workflow itself');
    assert.equal(moves.workflowOf('p1', A), A);
  });

  it('keeps the latest moves only', async () => {
    const moves = new MovedPanels(new MemoryState(), noWarnings);
    for (let n = 0; n <= KEPT_MOVES; n++) await moves.moved(`p${n}`, B);
    assert.equal(moves.workflowOf('p0', A), A, 'the oldest move is dropped');
    assert.equal(moves.workflowOf('p1', A), B);
    await moves.moved('p1', C);
    await moves.moved('p-new', C);
    assert.equal(moves.workflowOf('p1', A), C, 'moving again makes it recent');
    assert.equal(moves.workflowOf('p2', A), A);
  });

  it('reads state that is not a map of moves as none', async () => {
    const state = new MemoryState();
    await state.update('maestro.dag.movedPanels', ['garbage']);
    const moves = new MovedPanels(state, noWarnings);
    assert.equal(moves.workflowOf('p1', A), A);
    await state.update('maestro.dag.movedPanels', { p1: 42 });
    assert.equal(moves.workflowOf('p1', A), A, 'a move that is not a URI');
    await moves.moved('p1', B);
    assert.equal(moves.workflowOf('p1', A), B);
  });

  it('says so when the state cannot be saved, and does not throw', async () => {
    const warned: string[] = [];
    const state = { get: () => undefined, update: () => Promise.reject(new Error('disk full')) };
    const moves = new MovedPanels(state, (problem) => warned.push(problem));
    await moves.moved('p1', B);
    assert.deepEqual(warned, ['DAG panel: where a hidden panel moved was not kept for a reload: disk full']);
  });
});
