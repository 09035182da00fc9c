import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { CARD_WIDTH, layersOf, structureKey, type LayoutNode, type LayoutResult } from '../../src/webview/layout/grid';
import { layoutGraph } from '../../src/webview/layout/layout';

const sdlc: LayoutNode[] = [
  { id: 'requirements', needs: [] },
  { id: 'design', needs: ['requirements'] },
  { id: 'backend', needs: ['design'] },
  { id: 'frontend', needs: ['design'] },
  { id: 'testing', needs: ['backend', 'frontend'] },
  { id: 'deployment', needs: ['testing'] },
];

/** Each layer's node ids, left to right. */
function rows(layout: LayoutResult): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const [id, layer] of Object.entries(layout.layers)) out.set(layer, [...(out.get(layer) ?? []), id]);
  for (const ids of out.values()) ids.sort((a, b) => layout.positions[a].x - layout.positions[b].x);
  return out;
}

function assertNoOverlap(layout: LayoutResult): void {
  for (const ids of rows(layout).values()) {
    for (let i = 1; i < ids.length; i++)
      assert.ok(layout.positions[ids[i]].x - layout.positions[ids[i - 1]].x >= CARD_WIDTH, `${ids[i - 1]} and ${ids[i]} overlap`);
  }
}

/** A random DAG: each node needs some of the nodes before it. */
const dagArb = fc
  .integer({ min: 1, max: 30 })
  .chain((n) =>
    fc
      .tuple(...Array.from({ length: n }, (_, i) => fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), { maxLength: i === 0 ? 0 : 3 })))
      .map((needs) => needs.map((ns, i): LayoutNode => ({ id: `n${i}`, needs: ns.filter((j) => j < i).map((j) => `n${j}`) }))),
  );

describe('DAG layout', () => {
  it('puts each node one layer below the deepest node it needs, siblings in file order', () => {
    const layout = layoutGraph(sdlc);
    assert.deepEqual(layout.layers, { requirements: 0, design: 1, backend: 2, frontend: 2, testing: 3, deployment: 4 });
    assert.deepEqual(rows(layout).get(2), ['backend', 'frontend']);
    const y = (id: string) => layout.positions[id].y;
    assert.ok(y('requirements') < y('design') && y('design') < y('backend') && y('backend') === y('frontend') && y('frontend') < y('testing'));
    assertNoOverlap(layout);
  });

  it('keeps every other node in its layer and order when a node is added', () => {
    fc.assert(
      fc.property(dagArb, fc.nat(), fc.nat(), (nodes, a, b) => {
        const before = layoutGraph(nodes);
        const needs = [...new Set([nodes[a % nodes.length].id, nodes[b % nodes.length].id])];
        const after = layoutGraph([...nodes, { id: 'added', needs }], before);
        for (const n of nodes) assert.equal(after.layers[n.id], before.layers[n.id], `${n.id} changed layer`);
        const old = rows(before);
        for (const [layer, ids] of rows(after)) {
          assert.deepEqual(
            ids.filter((id) => id !== 'added'),
            old.get(layer) ?? [],
            `layer ${layer} was reshuffled`,
          );
        }
        assertNoOverlap(after);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps the order of the rest when a node is removed', () => {
    const before = layoutGraph([...sdlc, { id: 'lint', needs: ['design'] }, { id: 'docs', needs: ['design'] }]);
    const after = layoutGraph([...sdlc, { id: 'docs', needs: ['design'] }], before);
    const order = (l: LayoutResult) => rows(l).get(2)!;
    assert.deepEqual(
      order(after),
      order(before).filter((id) => id !== 'lint'),
    );
  });

  it('does not change the structure key for edits that keep ids and needs', () => {
    assert.equal(structureKey(sdlc), structureKey(sdlc.map((n) => ({ ...n }))));
    assert.notEqual(structureKey(sdlc), structureKey([...sdlc.slice(0, 5), { id: 'deployment', needs: ['backend'] }]));
  });

  it('lays out cycles, self-needs and unknown needs without throwing', () => {
    const nodes: LayoutNode[] = [
      { id: 'a', needs: ['c', 'a', 'ghost'] },
      { id: 'b', needs: ['a'] },
      { id: 'c', needs: ['b'] },
      { id: 'd', needs: ['a'] },
    ];
    const layout = layoutGraph(nodes);
    assert.deepEqual(Object.keys(layout.positions).sort(), ['a', 'b', 'c', 'd']);
    assertNoOverlap(layout);
    assert.equal(layersOf(nodes).size, 4);
  });

  it('lays out a 1,000-node layered graph with no overlaps', () => {
    const nodes: LayoutNode[] = [];
    for (let l = 0; l < 50; l++)
      for (let w = 0; w < 20; w++) nodes.push({ id: `n${l}_${w}`, needs: l ? [`n${l - 1}_${w}`, `n${l - 1}_${(w * 7 + 3) % 20}`] : [] });
    const layout = layoutGraph(nodes);
    assert.equal(Object.keys(layout.positions).length, 1000);
    assert.equal(Math.max(...Object.values(layout.layers)), 49);
    assertNoOverlap(layout);
  });

  it('handles an empty graph and a chain deeper than the call stack', () => {
    assert.deepEqual(layoutGraph([]).positions, {});
    const chain = Array.from({ length: 20_000 }, (_, i): LayoutNode => ({ id: `c${i}`, needs: i ? [`c${i - 1}`] : [] }));
    assert.equal(layersOf(chain).get('c19999'), 19_999);
  });
});
