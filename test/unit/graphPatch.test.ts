import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyGraphPatch, graphMessage, pageGraphOf, type PageGraph } from '../../src/webview/graphPatch';
import type { DagGraph, DagNode, GraphError, HostMessage } from '../../src/webview/protocol';

type Found = { graph?: DagGraph; graphError?: GraphError };

const node = (id: string, label = id, needs: string[] = []): DagNode => ({
  id,
  label,
  kind: 'run',
  needs,
  outputs: [],
  artifacts: 0,
  retries: 0,
  fields: { continueOnError: false, failFast: false, outputs: [], env: {}, with: {}, run: `echo ${label}` },
  problems: [],
});

const ids = fc.constantFrom('a', 'b', 'c', 'd', 'e');
const graphs: fc.Arbitrary<DagGraph> = fc.record({
  name: fc.constantFrom('w', 'x'),
  settings: fc.option(fc.record({ timeout: fc.constantFrom('5m', '1h'), inputs: fc.constant([]), problems: fc.constant([]) }), { nil: undefined }),
  nodes: fc.array(
    fc.tuple(ids, fc.constantFrom('one', 'two'), fc.subarray(['a', 'b', 'c'])).map(([id, label, needs]) => node(id, label, needs)),
    { maxLength: 6 },
  ),
});
const errors: fc.Arbitrary<GraphError> = fc.record({ message: fc.constantFrom('bad indentation', 'unexpected ":"'), line: fc.nat(9) });
const founds: fc.Arbitrary<Found> = fc.oneof(
  { weight: 4, arbitrary: graphs.map((graph) => ({ graph })) },
  { weight: 1, arbitrary: fc.tuple(graphs, errors).map(([graph, graphError]) => ({ graph, graphError })) },
  { weight: 1, arbitrary: errors.map((graphError) => ({ graphError })) },
);

/** The page's graph and error, as the store takes messages (setGraph: an error keeps the graph the page has). */
interface Page {
  graph?: DagGraph;
  error?: GraphError;
}

function take(page: Page, sent: HostMessage): Page {
  // What reaches the page is a copy (postMessage's structured clone).
  const m = JSON.parse(JSON.stringify(sent)) as HostMessage;
  if (m.type === 'graphPatch') {
    const graph = applyGraphPatch(page.graph, m);
    assert.ok(graph, 'a patch fits the page it was made for');
    return { graph };
  }
  assert.equal(m.type, 'graph');
  if (m.type !== 'graph') return page;
  if (!m.graph) return { ...page, error: m.graphError };
  if (m.graphError && page.graph) return { ...page, error: m.graphError };
  return { graph: m.graph, error: m.graphError };
}

const shown = (p: Page) => JSON.stringify({ graph: p.graph, error: p.error });

describe('graph patches', () => {
  it('leave the page showing what the whole graph would have, after any sequence of changes and errors', () => {
    fc.assert(
      fc.property(graphs, fc.array(founds, { maxLength: 12 }), (first, changes) => {
        let page: Page = { graph: JSON.parse(JSON.stringify(first)) as DagGraph };
        let whole: Page = page;
        let record: PageGraph = pageGraphOf({ graph: first });
        for (const found of changes) {
          const { message, page: next } = graphMessage(record, found);
          record = next;
          whole = take(whole, { type: 'graph', ...found });
          if (message) page = take(page, message);
          assert.equal(shown(page), shown(whole));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('send nothing when the page would show the same, and only the changed nodes whole', () => {
    const graph: DagGraph = { name: 'w', nodes: [node('a'), node('b', 'b', ['a']), node('c', 'c', ['b'])] };
    const record = pageGraphOf({ graph });
    assert.equal(graphMessage(record, { graph: JSON.parse(JSON.stringify(graph)) as DagGraph }).message, undefined);
    const edited: DagGraph = { name: 'w', nodes: [node('a'), node('b', 'B', ['a']), node('c', 'c', ['b'])] };
    assert.deepEqual(graphMessage(record, { graph: edited }).message, { type: 'graphPatch', name: 'w', nodes: ['a', edited.nodes[1], 'c'] });
    const error = { message: 'bad indentation', line: 3 };
    const broken = graphMessage(record, { graph: edited, graphError: error });
    assert.deepEqual(broken.message, { type: 'graph', graph: edited, graphError: error });
    assert.equal(graphMessage(broken.page, { graph: edited, graphError: error }).message, undefined, 'the same error again');
    const settled: DagGraph = { ...graph, settings: { timeout: '30m', inputs: [], problems: [] } };
    assert.deepEqual(graphMessage(record, { graph: settled }).message, { type: 'graphPatch', name: 'w', settings: settled.settings, nodes: ['a', 'b', 'c'] });
  });

  it("keep the page's unchanged nodes, the same objects", () => {
    const graph: DagGraph = { name: 'w', nodes: [node('a'), node('b', 'b', ['a'])] };
    const patched = applyGraphPatch(graph, { name: 'w', nodes: ['a', node('b', 'B', ['a']), node('c')] });
    assert.ok(patched);
    assert.equal(patched.nodes[0], graph.nodes[0]);
    assert.deepEqual(
      patched.nodes.map((n) => n.label),
      ['a', 'B', 'c'],
    );
    assert.equal(applyGraphPatch(graph, { name: 'w', nodes: ['zz'] }), undefined, 'an id the page does not have');
    assert.equal(applyGraphPatch(undefined, { name: 'w', nodes: ['a'] }), undefined, 'no graph to patch');
  });
});
