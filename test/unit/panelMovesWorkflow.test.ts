// A DAG panel's page moving to another workflow (the panel follows the active editor): the store starts afresh
// but for how the panel is arranged, and a layout of the last workflow still being made is neither drawn nor kept
// for the new one.
import { strict as assert } from 'node:assert';
import type { EngineEvent } from '../../src/engine/protocol';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex } from '../../src/engine/workflowIndex';
import { dagGraphOf } from '../../src/engine/dagGraph';
import type { LayoutNode, LayoutResult } from '../../src/webview/layout/grid';
import type { LayoutClient } from '../../src/webview/layout/layoutClient';
import { layoutScheduler } from '../../src/webview/layoutScheduler';
import type { DagGraph, WebviewMessage } from '../../src/webview/protocol';
import { BIG_GRAPH_ABOVE } from '../../src/webview/state/bigGraph';
import { createPanelStore } from '../../src/webview/state/store';

const A = { uri: 'file:///w/a.workflow.yaml', name: 'A' };
const B = { uri: 'file:///w/b.workflow.yaml', name: 'B' };

/** A chain of `n` nodes named `prefix0…`, in phases of ten. */
function chain(prefix: string, n: number): DagGraph {
  const lines = ['version: 1', `name: ${prefix}`, 'nodes:'];
  for (let i = 0; i < n; i++) lines.push(`  ${prefix}${i}: { phase: p${Math.floor(i / 10)}, run: x${i > 0 ? `, needs: ${prefix}${i - 1}` : ''} }`);
  return dagGraphOf(buildIndex(validateWorkflow(lines.join('\n') + '\n'))).graph;
}

/** A layout client whose layouts are made when the test says, each placing what it was given. */
class HeldLayouts {
  readonly asked: { nodes: LayoutNode[]; finish: () => void }[] = [];
  layout(nodes: LayoutNode[]): Promise<LayoutResult> {
    const positions = Object.fromEntries(nodes.map((n, i) => [n.id, { x: 0, y: i * 100 }]));
    const layers = Object.fromEntries(nodes.map((n, i) => [n.id, i]));
    return new Promise((resolve) => this.asked.push({ nodes, finish: () => resolve({ positions, layers, width: 240, height: nodes.length * 100 }) }));
  }
}

function fakeHost(): { post(m: WebviewMessage): void; posted: WebviewMessage[] } {
  const posted: WebviewMessage[] = [];
  return { posted, post: (m) => void posted.push(m) };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('DAG panel: moving to another workflow', () => {
  it('starts afresh but for how the panel is arranged; the same workflow again changes nothing', () => {
    const store = createPanelStore({ collapseAbove: 5 });
    const s = () => store.getState();
    s().setWorkflow(A, true);
    s().setGraph(chain('a', 12), undefined);
    const started: EngineEvent = {
      type: 'workflow:started',
      runId: 'r1',
      seq: 1,
      ts: 1,
      workflow: { name: 'A', path: '/w/a.workflow.yaml', hash: 'h' },
      inputs: {},
      nodes: [],
      concurrency: 1,
    };
    s().loadRun('r1', [started]);
    assert.ok(s().run);
    s().select('a3');
    s().setBottomTab('gantt');
    s().setColourBy('p95');
    s().setLocked(true);
    s().setNotice('the graph is drawn with a simple layout');
    s().setLayout('k', { positions: {}, layers: {}, width: 0, height: 0 });
    assert.deepEqual(s().expandedPhases, ['p0'], 'selecting a3 expanded its phase');
    s().setWorkflow(A, false);
    assert.equal(s().selected, 'a3');
    assert.equal(s().trusted, false);
    s().setWorkflow(B, true);
    assert.equal(s().workflow, B);
    for (const key of ['graph', 'layout', 'layoutKey', 'notice', 'run'] as const) assert.equal(s()[key], undefined, key);
    assert.equal(s().selected, null);
    assert.deepEqual(s().expandedPhases, []);
    assert.deepEqual(s().cards, {});
    assert.deepEqual(s().view.units, []);
    assert.deepEqual([s().bottomTab, s().colourBy, s().locked, s().collapseAbove], ['gantt', 'p95', true, 5]);
  });

  it("lays out the new workflow without waiting for the last one's layout, which is neither drawn nor kept", async () => {
    const store = createPanelStore();
    const layouts = new HeldLayouts();
    const host = fakeHost();
    const { layoutIfNeeded } = layoutScheduler(store, layouts as unknown as LayoutClient, host);
    store.subscribe((state, previous) => state.view !== previous.view && layoutIfNeeded());
    const s = () => store.getState();
    const big = BIG_GRAPH_ABOVE + 10;
    s().setWorkflow(A, true);
    s().setGraph(chain('a', big), undefined);
    assert.equal(layouts.asked.length, 1);
    s().setWorkflow(B, true);
    s().setGraph(chain('b', big), undefined);
    assert.equal(layouts.asked.length, 2, "B's layout is asked for while A's is being made");
    layouts.asked[0].finish();
    await settle();
    assert.equal(s().layout, undefined, "A's layout is not drawn for B");
    assert.equal(host.posted.length, 0, 'nor kept for B');
    layouts.asked[1].finish();
    await settle();
    assert.ok(s().layout?.positions.b0);
    assert.deepEqual(
      host.posted.map((m) => m.type === 'keepLayout' && m.workflowUri),
      [B.uri],
    );
  });
});
