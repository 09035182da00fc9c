import { strict as assert } from 'node:assert';
import { fastLayout } from '../../src/webview/layout/fastLayout';
import { REFINE_UP_TO, type LayoutNode, type LayoutResult } from '../../src/webview/layout/grid';
import { LayoutClient, type LayoutWorker } from '../../src/webview/layout/layoutClient';
import type { LayoutReply, LayoutRequest } from '../../src/webview/layout/layoutMessages';
import { BIG_GRAPH_ABOVE } from '../../src/webview/state/bigGraph';

class FakeWorker implements LayoutWorker {
  readonly requests: LayoutRequest[] = [];
  private onReply: (reply: LayoutReply) => void = () => undefined;
  private onError: (message: string) => void = () => undefined;
  terminated = false;
  listen(onReply: (reply: LayoutReply) => void, onError: (message: string) => void): void {
    this.onReply = onReply;
    this.onError = onError;
  }
  postMessage(request: LayoutRequest): void {
    this.requests.push(request);
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(reply: LayoutReply): void {
    this.onReply(reply);
  }
  fail(message: string): void {
    this.onError(message);
  }
}

const chain = (n: number): LayoutNode[] => Array.from({ length: n }, (_, i) => ({ id: `n${i}`, needs: i ? [`n${i - 1}`] : [] }));
const dagreResult: LayoutResult = { positions: {}, layers: {}, width: 1, height: 1 };

function client() {
  const worker = new FakeWorker();
  const problems: string[] = [];
  return {
    worker,
    problems,
    layouts: new LayoutClient(
      () => worker,
      (p) => problems.push(p),
    ),
  };
}

describe('layout client', () => {
  it("paints a big graph's fast layout on the page at once and asks the worker for dagre's only", async () => {
    const { worker, layouts } = client();
    const nodes = chain(BIG_GRAPH_ABOVE + 1);
    const early: LayoutResult[] = [];
    const final = layouts.layout(nodes, undefined, (r) => early.push(r));
    assert.deepEqual(early, [fastLayout(nodes)], 'the fast layout was painted before the call returned');
    assert.equal(worker.requests.length, 1);
    assert.equal(worker.requests[0].fastOnPage, true);
    worker.reply({ id: worker.requests[0].id, result: dagreResult, final: true });
    assert.equal(await final, dagreResult);
    assert.equal(early.length, 1);
  });

  it('leaves to the worker a small graph, an edit and a graph too big for dagre', () => {
    const { worker, layouts } = client();
    const early: LayoutResult[] = [];
    void layouts.layout(chain(10), undefined, (r) => early.push(r));
    void layouts.layout(chain(BIG_GRAPH_ABOVE + 1), fastLayout(chain(BIG_GRAPH_ABOVE)), (r) => early.push(r));
    void layouts.layout(chain(REFINE_UP_TO + 1), undefined, (r) => early.push(r));
    assert.deepEqual(early, []);
    assert.deepEqual(
      worker.requests.map((r) => r.fastOnPage),
      [undefined, undefined, undefined],
    );
  });

  it('keeps the painted fast layout when the worker fails, and the simple one where nothing was painted', async () => {
    const { worker, problems, layouts } = client();
    const big = chain(BIG_GRAPH_ABOVE + 1);
    const first = layouts.layout(big, undefined, () => undefined);
    const small = layouts.layout(chain(3));
    worker.fail('out of memory');
    assert.deepEqual(await first, fastLayout(big));
    assert.deepEqual(Object.keys((await small).positions), ['n0', 'n1', 'n2']);
    assert.ok(worker.terminated);
    assert.deepEqual(problems, ['out of memory']);
  });

  it('answers with the fast layout when dagre fails on a graph it painted', async () => {
    const { worker, problems, layouts } = client();
    const big = chain(BIG_GRAPH_ABOVE + 1);
    const final = layouts.layout(big, undefined, () => undefined);
    worker.reply({ id: worker.requests[0].id, error: 'dagre threw' });
    assert.deepEqual(await final, fastLayout(big));
    assert.deepEqual(problems, ['layout failed: dagre threw']);
  });

  it('lays out with the simple layout when the worker cannot start', async () => {
    const problems: string[] = [];
    const layouts = new LayoutClient(
      () => {
        throw new Error('blocked by CSP');
      },
      (p) => problems.push(p),
    );
    const result = await layouts.layout(chain(2), undefined, () => assert.fail('no early layout without a worker'));
    assert.deepEqual(Object.keys(result.positions), ['n0', 'n1']);
    assert.deepEqual(problems, ['the layout worker could not start: blocked by CSP']);
  });
});
