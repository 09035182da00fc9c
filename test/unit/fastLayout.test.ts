import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { fastLayout } from '../../src/webview/layout/fastLayout';
import { CARD_HEIGHT, CARD_WIDTH, layersOf, REFINE_UP_TO, type LayoutNode, type LayoutResult } from '../../src/webview/layout/grid';
import { BIG_GRAPH_ABOVE } from '../../src/webview/state/bigGraph';
import { layoutStages } from '../../src/webview/layout/stages';

/** A random graph: each node needs some of the nodes before it, and now and then one after it (a cycle) or itself. */
const graphs = fc
  .array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: 1, maxLength: 60 })
  .chain((needs) => fc.tuple(fc.constant(needs), fc.array(fc.nat(), { maxLength: 3 })))
  .map(([needs, back]) => {
    const nodes: LayoutNode[] = needs.map((ds, i) => ({ id: `n${i}`, needs: i ? ds.map((d) => `n${d % i}`) : [] }));
    for (const b of back)
      nodes[b % nodes.length] = { ...nodes[b % nodes.length], needs: [...nodes[b % nodes.length].needs, `n${(b * 7) % nodes.length}`, 'ghost'] };
    return nodes;
  });

function assertWellFormed(nodes: readonly LayoutNode[], layout: LayoutResult): void {
  const rows = new Map<number, string[]>();
  for (const n of nodes) {
    const p = layout.positions[n.id];
    assert.ok(p, `${n.id} has no position`);
    assert.ok(p.x >= 0 && p.y >= 0 && p.x + CARD_WIDTH <= layout.width + 1 && p.y + CARD_HEIGHT <= layout.height + 1, `${n.id} is outside the bounds`);
    rows.set(layout.layers[n.id], [...(rows.get(layout.layers[n.id]) ?? []), n.id]);
  }
  for (const [layer, ids] of rows) {
    for (const id of ids) assert.equal(layout.positions[id].y, layout.positions[ids[0]].y, `layer ${layer} is not one row`);
    const xs = ids.map((id) => layout.positions[id].x).sort((a, b) => a - b);
    for (let i = 1; i < xs.length; i++) assert.ok(xs[i] - xs[i - 1] >= CARD_WIDTH, `cards overlap in layer ${layer}`);
  }
}

describe('fast layout', () => {
  it('places every node of any graph in its longest-path layer, one row per layer, with no overlaps', () => {
    fc.assert(
      fc.property(graphs, (nodes) => {
        const layout = fastLayout(nodes);
        assertWellFormed(nodes, layout);
        const layers = layersOf(nodes);
        for (const n of nodes) assert.equal(layout.layers[n.id], layers.get(n.id));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the order of the nodes a previous layout had when a node is added', () => {
    fc.assert(
      fc.property(graphs, fc.nat(), (nodes, at) => {
        const before = fastLayout(nodes);
        const added = [...nodes, { id: 'added', needs: [nodes[at % nodes.length].id] }];
        const after = fastLayout(added, before);
        assertWellFormed(added, after);
        for (const a of nodes)
          for (const b of nodes) {
            if (a.id === b.id || before.layers[a.id] !== before.layers[b.id] || after.layers[a.id] !== after.layers[b.id]) continue;
            if (before.layers[a.id] !== after.layers[a.id] || before.layers[b.id] !== after.layers[b.id]) continue;
            if (before.positions[a.id].x < before.positions[b.id].x)
              assert.ok(after.positions[a.id].x < after.positions[b.id].x, `${a.id} and ${b.id} swapped`);
          }
      }),
      { numRuns: 200 },
    );
  });

  it('puts a diamond symmetrically: the join under the middle of its two needs', () => {
    const layout = fastLayout([
      { id: 'a', needs: [] },
      { id: 'b', needs: ['a'] },
      { id: 'c', needs: ['a'] },
      { id: 'd', needs: ['b', 'c'] },
    ]);
    const mid = (layout.positions.b.x + layout.positions.c.x) / 2;
    assert.ok(Math.abs(layout.positions.d.x - mid) <= 1 && Math.abs(layout.positions.a.x - mid) <= 1);
  });

  it('lays out 5,000 nodes and a chain deeper than the call stack', () => {
    const wide: LayoutNode[] = [];
    for (let l = 0; l < 100; l++) for (let i = 0; i < 50; i++) wide.push({ id: `n${l}_${i}`, needs: l ? [`n${l - 1}_${i}`, `n${l - 1}_${(i + 1) % 50}`] : [] });
    assertWellFormed(wide, fastLayout(wide));
    const chain = Array.from({ length: 20_000 }, (_, i) => ({ id: `c${i}`, needs: i ? [`c${i - 1}`] : [] }));
    assert.equal(fastLayout(chain).layers.c19999, 19_999);
  });
});

describe('layout stages', () => {
  const sized = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `n${i}`, needs: i ? [`n${i - 1}`] : [] }));
  it('paints a big graph fast first and refines it; a small one and an edit get dagre alone; a huge one the fast layout alone', () => {
    assert.deepEqual(
      layoutStages(sized(BIG_GRAPH_ABOVE)).map((s) => s.final),
      [true],
    );
    assert.deepEqual(
      layoutStages(sized(BIG_GRAPH_ABOVE + 1)).map((s) => s.final),
      [false, true],
    );
    const previous = layoutStages(sized(10))[0].run();
    assert.deepEqual(
      layoutStages(sized(BIG_GRAPH_ABOVE + 1), previous).map((s) => s.final),
      [true],
    );
    assert.deepEqual(
      layoutStages(sized(REFINE_UP_TO + 1)).map((s) => s.final),
      [true],
    );
    assert.deepEqual(
      layoutStages(sized(REFINE_UP_TO + 1), previous).map((s) => s.final),
      [true],
    );
  });

  it('goes straight to dagre when the page painted the fast layout itself, and only then', () => {
    assert.deepEqual(
      layoutStages(sized(BIG_GRAPH_ABOVE + 1), undefined, true).map((s) => s.final),
      [true],
    );
    assert.deepEqual(
      layoutStages(sized(REFINE_UP_TO + 1), undefined, true).map((s) => s.final),
      [true],
    );
    assert.equal(layoutStages(sized(REFINE_UP_TO + 1), undefined, true)[0].run().width, fastLayout(sized(REFINE_UP_TO + 1)).width);
  });
});
