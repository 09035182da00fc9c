// A stand-in host for the builder in Chromium that does what the extension does with an edit: the engine plans it
// on the text, the text changes, the panel gets the new graph. `useBuilderPanels` sets up a describe's pages.
import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { applyEdits, planEdit } from '../../src/engine/edits/actions';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex } from '../../src/engine/workflowIndex';
import type { HostMessage, WebviewMessage } from '../../src/webview/protocol';
import { exampleText, graphOf, root } from './fixtures';
import { launchChromium, openPanel, posted, send, startHarness, type Harness } from './harness';

export const shots = join(root, 'test-results', 'webview');
const WORKFLOW = { uri: 'file:///work/sdlc-parallel.workflow.yaml', name: 'SDLC parallel' };

type Edit = Extract<WebviewMessage, { type: 'edit' }> & { requestId: number };
type FilesRequest = Extract<WebviewMessage, { type: 'workflowFiles' }> & { requestId: number };

/** The workflow files the stand-in host offers a sub-workflow node, as the extension writes them. */
export const WORKFLOW_FILES = ['./deploy.workflow.yaml', './release/ship.workflow.yaml', '../shared/build.workflow.yaml'];

/** Answers the panel's edit requests as the host does, keeping the workflow's text; `text()` is the text now. */
export function fakeHost(page: Page, initial: string) {
  let text = initial;
  let seen = 0;
  let filesSeen = 0;
  let stopped = false;
  const edits: Edit[] = [];
  const loop = async () => {
    while (!stopped) {
      const all: WebviewMessage[] = await posted(page).catch(() => []);
      const requests = all.filter((m): m is Edit => m.type === 'edit');
      for (const r of requests.slice(seen)) {
        edits.push(r);
        const outcome = planEdit(buildIndex(validateWorkflow(text)), r.action);
        if ('error' in outcome) {
          await send(page, { type: 'reply', requestId: r.requestId, ok: false, error: outcome.error });
          continue;
        }
        text = applyEdits(text, outcome.edits);
        await send(page, { type: 'graph', graph: graphOf(text) });
        await send(page, { type: 'reply', requestId: r.requestId, ok: true, result: { applied: true, ...(outcome.select ? { select: outcome.select } : {}) } });
      }
      seen = requests.length;
      const asked = all.filter((m): m is FilesRequest => m.type === 'workflowFiles');
      for (const r of asked.slice(filesSeen)) await send(page, { type: 'reply', requestId: r.requestId, ok: true, result: { files: WORKFLOW_FILES } });
      filesSeen = asked.length;
      await new Promise((r) => setTimeout(r, 30));
    }
  };
  void loop();
  return { text: () => text, edits, stop: () => (stopped = true) };
}

export type FakeHost = ReturnType<typeof fakeHost>;

/** Registers the describe's browser and harness; `panel` opens a page on a workflow's text with a stand-in host. */
export function useBuilderPanels() {
  let harness: Harness;
  let browser: Browser;
  const sdlc = exampleText('sdlc-parallel.workflow.yaml');
  const init = (text: string): HostMessage => ({ type: 'init', workflow: WORKFLOW, graph: graphOf(text), runs: [], trusted: true });

  before(async () => {
    mkdirSync(shots, { recursive: true });
    harness = await startHarness(root);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  const open: { page: Page; host: FakeHost }[] = [];
  afterEach(async () => {
    for (const { page, host } of open.splice(0)) {
      host.stop();
      await page.close();
    }
  });

  async function panel(size?: { width: number; height: number }, text = sdlc) {
    const page = await openPanel(browser, harness, 'light', size);
    await send(page, init(text));
    await page.waitForSelector('.card');
    const opened = { page, host: fakeHost(page, text) };
    open.push(opened);
    return opened;
  }

  /** Waits until the stand-in host's text matches. */
  async function textMatches(host: FakeHost, pattern: RegExp): Promise<void> {
    for (let i = 0; i < 200 && !pattern.test(host.text()); i++) await new Promise((r) => setTimeout(r, 25));
    assert.match(host.text(), pattern);
  }

  return { panel, textMatches };
}
