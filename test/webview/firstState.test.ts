// The panel's first state, written by the host into the page: drawn before any message from the host, named in
// `ready`, drawn once per page (VS Code reloads a hidden panel's page as it was written), and inert however odd the
// workflow's text.
import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import type { DagGraph, FirstState, WebviewMessage } from '../../src/webview/protocol';
import { exampleText, graphOf, layeredGraph, root } from './fixtures';
import { chromiumSuite, HARNESS_PANEL_ID, posted, send } from './harness';

const WORKFLOW = { uri: 'file:///work/sdlc-parallel.workflow.yaml', name: 'SDLC parallel' };

/** In the page before its script: the viewport's transform in each frame with cards, when it differs from the last. */
const recordViewports = `
  window.__viewports = [];
  requestAnimationFrame(function frame() {
    const transform = document.querySelector('.react-flow__node') && document.querySelector('.react-flow__viewport')?.style.transform;
    if (transform && transform !== window.__viewports.at(-1)) window.__viewports.push(transform);
    requestAnimationFrame(frame);
  });`;
async function frames(page: Page, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
}

const firstState = (id: string, graph: DagGraph): FirstState => ({ id, init: { type: 'init', workflow: WORKFLOW, graph, runs: [], trusted: true } });

async function readyOf(page: Page): Promise<Extract<WebviewMessage, { type: 'ready' }>> {
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'), undefined, { timeout: 10_000 });
  return (await posted(page)).find((m) => m.type === 'ready') as Extract<WebviewMessage, { type: 'ready' }>;
}

describe('DAG panel: the first state in the page', function () {
  this.timeout(60_000);
  const suite = chromiumSuite(root);
  const pages: Page[] = [];

  async function openWith(name: string, savedState: unknown = null, size = { width: 1280, height: 800 }): Promise<Page> {
    const page = await suite.browser().newPage({ viewport: size });
    pages.push(page);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript((state) => (window.__state = state), savedState);
    await page.addInitScript(recordViewports);
    await page.goto(`${suite.harness().url}/?first=${name}&theme=light`);
    await readyOf(page);
    assert.deepEqual(errors, [], 'the panel threw');
    return page;
  }

  afterEach(async () => {
    for (const page of pages.splice(0)) {
      assert.deepEqual(await page.evaluate(() => window.__cspViolations), [], 'the panel broke its Content-Security-Policy');
      await page.close();
    }
  });

  it('draws the graph before the host says anything, and names the state in ready', async () => {
    const graph = graphOf(exampleText('sdlc-parallel.workflow.yaml'));
    suite.harness().firstStates.set('sdlc', firstState('state-1', graph));
    const page = await openWith('sdlc');
    assert.equal((await readyOf(page)).shows, 'state-1');
    await page.waitForFunction((n) => document.querySelectorAll('.card').length === n, graph.nodes.length);
    assert.equal(await page.locator('h1').innerText(), `DAG of ${graph.name}`);
    const saved = (await page.evaluate(() => window.__state)) as { firstState?: string; workflowUri?: string; panelId?: string };
    assert.equal(saved.firstState, 'state-1');
    assert.equal(saved.workflowUri, WORKFLOW.uri);
    assert.equal(saved.panelId, HARNESS_PANEL_ID, "the panel's id, written into the page, is saved at once");
    // The host's init without the graph it already drew leaves the graph as it is.
    await send(page, { type: 'init', workflow: WORKFLOW, runs: [], trusted: true });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.equal(await page.locator('.card').count(), graph.nodes.length);
  });

  it('draws the graph fitted in its first frame, from the page or sent after: no frame shows it anywhere else', async () => {
    const sdlc = graphOf(exampleText('sdlc-parallel.workflow.yaml'));
    const cases: { name: string; graph: DagGraph; size: { width: number; height: number }; sent: boolean; at?: string }[] = [
      { name: 'centred', graph: sdlc, size: { width: 1280, height: 800 }, sent: false },
      // Too big to fit whole at a readable zoom: as wide as the pane, from its top.
      { name: 'beside-an-editor', graph: layeredGraph(50, 20), size: { width: 520, height: 700 }, sent: false, at: 'translate(52px, 24px) scale(0.6)' },
      { name: 'sent-after', graph: sdlc, size: { width: 900, height: 700 }, sent: true },
    ];
    for (const { name, graph, size, sent, at } of cases) {
      if (!sent) suite.harness().firstStates.set(name, firstState(`fit-${name}`, graph));
      const page = await openWith(name, null, size);
      if (sent) await send(page, { type: 'init', workflow: WORKFLOW, graph, runs: [], trusted: true });
      await page.waitForSelector('.card');
      // Frames enough for a fit after the pane was measured, and for the mini map drawn after the cards.
      await frames(page, 10);
      const seen = await page.evaluate(() => (window as unknown as { __viewports: string[] }).__viewports);
      assert.equal(seen.length, 1, `${name}: the graph was drawn at ${seen.join(', then at ')}`);
      assert.notEqual(seen[0], 'translate(0px, 0px) scale(1)', `${name}: drawn where React Flow starts, not fitted`);
      if (at) assert.equal(seen[0], at);
    }
  });

  it('a page loaded again with the state it saved waits for the host instead', async () => {
    const graph = graphOf(exampleText('sdlc-parallel.workflow.yaml'));
    suite.harness().firstStates.set('again', firstState('state-2', graph));
    const saved = { workflowUri: WORKFLOW.uri, runId: null, selected: null, bottomTab: 'timeline', bottomOpen: true, firstState: 'state-2', panelId: 'p-1' };
    const page = await openWith('again', saved);
    assert.equal((await readyOf(page)).shows, undefined);
    assert.equal(((await page.evaluate(() => window.__state)) as { panelId?: string }).panelId, 'p-1', 'the saved id stands');
    assert.equal(await page.locator('.card').count(), 0, 'drew the page as it was written, which may be out of date');
    await send(page, { type: 'init', workflow: WORKFLOW, graph, runs: [], trusted: true });
    await page.waitForFunction((n) => document.querySelectorAll('.card').length === n, graph.nodes.length);
  });

  it('keeps the text of a workflow that looks like markup, and runs none of it', async () => {
    const text = ['version: 1', 'name: "</script><script>window.__ran = 1</script><!--"', 'nodes:', '  a: { run: "echo </script><b>x</b>" }', ''].join('\n');
    const graph = graphOf(text);
    suite.harness().firstStates.set('markup', firstState('state-3', graph));
    const page = await openWith('markup');
    assert.equal((await readyOf(page)).shows, 'state-3');
    await page.waitForSelector('.card[data-node="a"]');
    assert.equal(await page.evaluate(() => (window as unknown as { __ran?: number }).__ran), undefined);
    assert.equal(await page.locator('b', { hasText: 'x' }).count(), 0);
    await page.locator('.card[data-node="a"]').click();
    await page.getByText('echo </script><b>x</b>').first().waitFor();
  });

  it('ignores a first state that is not one', async () => {
    suite.harness().firstStates.set('bad', { id: '', init: { type: 'init' } } as unknown as FirstState);
    const page = await openWith('bad');
    assert.equal((await readyOf(page)).shows, undefined);
    assert.equal(await page.locator('.card').count(), 0);
  });
});
