import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { DagGraph, DagNode } from '../../src/webview/protocol';
import { graphView, groupId, summarizeGroup } from '../../src/webview/state/phaseGroups';
import { NO_CARD, type CardView } from '../../src/webview/state/runView';
import { createPanelStore } from '../../src/webview/state/store';

const node = (id: string, needs: string[], phase?: string): DagNode => ({
  id,
  label: id,
  ...(phase !== undefined ? { phase } : {}),
  kind: 'run',
  needs,
  outputs: [],
  artifacts: 0,
  retries: 0,
  fields: { run: 'true', continueOnError: false, failFast: false, outputs: [], env: {}, with: {} },
  problems: [],
});

/** build: a, b; test: c (needs a, b), d (needs c); e (no phase, needs d). */
const graph: DagGraph = {
  name: 'g',
  nodes: [node('a', [], 'build'), node('b', [], 'build'), node('c', ['a', 'b'], 'test'), node('d', ['c'], 'test'), node('e', ['d'])],
};

/** A random graph over three phases (and none), each node needing some before it. */
const graphs = fc
  .array(fc.tuple(fc.constantFrom('p', 'q', 'r', undefined), fc.array(fc.nat(), { maxLength: 3 })), { minLength: 1, maxLength: 40 })
  .map((spec): DagGraph => ({ name: 'g', nodes: spec.map(([phase, needs], i) => node(`n${i}`, i ? [...new Set(needs.map((d) => `n${d % i}`))] : [], phase)) }));

describe('collapse by phase', () => {
  it('draws a graph at or under the threshold, or with no phase, node by node', () => {
    for (const [g, above] of [
      [graph, 5],
      [graph, 0],
      [{ name: 'g', nodes: graph.nodes.map((n) => ({ ...n, phase: undefined })) }, 1],
    ] as const) {
      const view = graphView(g, above, new Set());
      assert.equal(view.collapsible, false);
      assert.deepEqual(view.groups, {});
      assert.deepEqual(
        view.units.map((u) => u.id),
        g.nodes.map((n) => n.id),
      );
    }
  });

  it('collapses each phase past the threshold into one unit, edges bundled with their counts', () => {
    const view = graphView(graph, 4, new Set());
    assert.equal(view.collapsible, true);
    assert.deepEqual(view.units, [
      { id: groupId('build'), needs: [] },
      { id: groupId('test'), needs: [groupId('build')] },
      { id: 'e', needs: [groupId('test')] },
    ]);
    assert.deepEqual(view.groups[groupId('test')].members, ['c', 'd']);
    assert.deepEqual(view.bundled, { 'phase:build->phase:test': 2, 'phase:test->e': 1 });
    assert.deepEqual(view.groups[groupId('test')].problems, []);
    const problem = { message: 'x', severity: 'error' as const };
    const withProblems = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'c' || n.id === 'd' ? { ...n, problems: [problem] } : n)) };
    const group = graphView(withProblems, 4, new Set()).groups[groupId('test')];
    assert.deepEqual(
      group.problems.map((p) => p.message),
      ['c: x', 'd: x'],
      "each problem names its node, for the group card's tooltip",
    );
    assert.deepEqual(group.withProblems, ['c', 'd']);
    const info = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'c' ? { ...n, problems: [{ message: 'y', severity: 'info' as const }] } : n)) };
    assert.deepEqual(graphView(info, 4, new Set()).groups[groupId('test')].withProblems, [], 'a note is not a problem');
    const expanded = graphView(graph, 4, new Set(['test']));
    assert.deepEqual(
      expanded.units.map((u) => [u.id, u.needs]),
      [
        [groupId('build'), []],
        ['c', [groupId('build')]],
        ['d', ['c']],
        ['e', ['d']],
      ],
    );
    assert.deepEqual(expanded.bundled, { 'phase:build->c': 2 });
  });

  it('for any graph: every node in one unit, every edge between units drawn once, the bundles counting every edge', () => {
    fc.assert(
      fc.property(graphs, fc.subarray(['p', 'q', 'r']), (g, open) => {
        const view = graphView(g, 1, new Set(open));
        const units = new Map(view.units.map((u) => [u.id, u]));
        let bundledEdges = 0;
        for (const n of g.nodes) {
          const unit = view.unitOf[n.id];
          assert.ok(units.has(unit));
          assert.equal(unit === n.id, n.phase === undefined || open.includes(n.phase) || !view.collapsible);
          for (const d of n.needs) {
            const from = view.unitOf[d];
            if (from === unit) continue;
            assert.ok(units.get(unit)!.needs.includes(from), `${from} -> ${unit} is not drawn`);
            if (from !== d || unit !== n.id) bundledEdges++;
          }
        }
        assert.equal(
          Object.values(view.bundled).reduce((a, b) => a + b, 0),
          bundledEdges,
        );
        for (const u of view.units) assert.equal(new Set(u.needs).size, u.needs.length);
      }),
    );
  });

  it('sums a group: statuses counted, progress together with ended nodes done, the running node that started first', () => {
    const card = (c: Partial<CardView>): CardView => ({ ...NO_CARD, ...c });
    const summary = summarizeGroup(['a', 'b', 'c', 'd', 'e'], {
      a: card({ status: 'completed' }),
      b: card({ status: 'running', progress: 40, startedAt: 200 }),
      c: card({ status: 'running', startedAt: 100 }),
      d: card({ status: 'failed' }),
    });
    assert.deepEqual(summary, { total: 5, counts: { completed: 1, running: 2, failed: 1 }, progress: 48, slowest: 'c' });
    assert.deepEqual(summarizeGroup([], {}), { total: 0, counts: {}, progress: 0 });
  });

  it('selecting a node of a collapsed phase expands it; collapsing again clears a selection inside', () => {
    const store = createPanelStore({ collapseAbove: 4 });
    store.getState().setGraph(graph, undefined);
    assert.deepEqual(Object.keys(store.getState().view.groups), ['phase:build', 'phase:test']);
    store.getState().select('d');
    assert.deepEqual(store.getState().expandedPhases, ['test']);
    assert.equal(store.getState().view.unitOf.d, 'd');
    assert.equal(store.getState().selected, 'd');
    store.getState().collapsePhases();
    assert.equal(store.getState().view.unitOf.d, 'phase:test');
    assert.equal(store.getState().selected, null);
    store.getState().setCollapseAbove(0);
    assert.equal(store.getState().view.collapsible, false);
  });
});
