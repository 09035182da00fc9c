// The panel's first state, written by the host into the page: drawn before any message from the host, named in
// `ready`, drawn once per page (VS Code reloads a hidden panel's page as it was written), and inert however odd the
// workflow's text.
import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import type { DagGraph, FirstState, WebviewMessage } from '../../src/webview/protocol';
import { exampleText, graphOf, root } from './fixtures';
import { chromiumSuite, HARNESS_PANEL_ID, posted, send } from './harness';

const WORKFLOW = { uri: 'file:///work/sdlc-parallel.workflow.yaml', name: 'SDLC parallel' };

const firstState = (id: string, graph: DagGraph): FirstState => ({ id, init: { type: 'init', workflow: WORKFLOW, graph, runs: [], trusted: true } });

async function readyOf(page: Page): Promise<Extract<WebviewMessage, { type: 'ready' }>> {
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'), undefined, { timeout: 10_000 });
  return (await posted(page)).find((m) => m.type === 'ready') as Extract<WebviewMessage, { type: 'ready' }>;
}

describe('DAG panel: the first state in the page', function () {
  this.timeout(60_000);
  const suite = chromiumSuite(root);
  const pages: Page[] = [];

  async function openWith(name: string, savedState: unknown = null): Promise<Page> {
    const page = await suite.browser().newPage({ viewport: { width: 1280, height: 800 } });
    pages.push(page);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript((state) => (window.__state = state), savedState);
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
