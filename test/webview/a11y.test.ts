// Accessibility of the DAG panel in Chromium: an axe-core audit of each state the panel can be in, in the light,
// dark and high-contrast themes, finds nothing serious or critical; and the whole panel works from the keyboard.
import { strict as assert } from 'node:assert';
import type { Browser, Page } from 'playwright-core';
import type { EngineEvent } from '../../src/engine/protocol';
import type { DagGraph, HostMessage, RunListItem, WebviewMessage } from '../../src/webview/protocol';
import { audit, describeFindings } from './axe';
import { exampleText, graphOf, recordRun, root } from './fixtures';
import { launchChromium, openPanel, posted, send, startHarness, type Harness } from './harness';
import type { ThemeName } from './themes';

const WORKFLOW = { uri: 'file:///work/sdlc-parallel.workflow.yaml', name: 'SDLC parallel' };
const sdlcText = exampleText('sdlc-parallel.workflow.yaml');
const brokenText = sdlcText.replace('timeout: 2m', 'timeout: soon').replace('needs: requirements', 'needs: requirments');

const init = (graph: DagGraph, runs: RunListItem[] = []): HostMessage => ({ type: 'init', workflow: WORKFLOW, graph, runs, trusted: true });
const snapshot = (events: EngineEvent[]): HostMessage => ({
  type: 'runSnapshot',
  runId: events[0].runId,
  following: true,
  events: events.filter((e) => e.type !== 'node:log'),
});
const item = (events: EngineEvent[], status: RunListItem['status']): RunListItem => ({
  runId: events[0].runId,
  status,
  startedAt: events[0].ts,
  live: status === 'running',
});

type State = { name: string; setUp: (page: Page, run: EngineEvent[]) => Promise<void>; size?: { width: number; height: number } };

const STATES: State[] = [
  { name: 'graph, no run', setUp: async (page) => void (await send(page, init(graphOf(sdlcText)))) },
  {
    name: 'a run under way, details open',
    setUp: async (page, run) => {
      const cut = run.findIndex((e) => e.type === 'node:progress' && e.nodeId === 'backend');
      await send(page, init(graphOf(sdlcText), [item(run, 'running')]), snapshot(run.slice(0, cut + 1)));
      await page.click('.card[data-node="backend"]');
    },
  },
  {
    name: 'an ended run, the Gantt chart',
    setUp: async (page, run) => {
      await send(page, init(graphOf(sdlcText), [item(run, 'completed')]), snapshot(run));
      await page.getByText('Gantt', { exact: true }).click();
    },
  },
  {
    name: 'problems in the form, beside the editor',
    size: { width: 500, height: 800 },
    setUp: async (page) => {
      await send(page, init(graphOf(brokenText)));
      await page.click('.card[data-node="requirements"]');
      await page.locator('[data-field="timeout"]').waitFor();
    },
  },
  {
    name: "the workflow's settings and inputs, beside the editor",
    size: { width: 500, height: 800 },
    setUp: async (page) => {
      await send(page, init(graphOf(exampleText('release.workflow.yaml'))));
      await page.getByTestId('workflow-settings-button').click();
      await page.locator('fieldset[data-input]').first().waitFor();
    },
  },
  {
    name: 'the builder: a menu open, a connection being made',
    setUp: async (page) => {
      await send(page, init(graphOf(sdlcText)));
      await page.click('.card[data-node="design"]', { button: 'right' });
      await page.locator('[data-testid="build-menu"]').waitFor();
    },
  },
];

describe('DAG panel accessibility', function () {
  this.timeout(120_000);
  let harness: Harness;
  let browser: Browser;
  let run: EngineEvent[];
  before(async () => {
    run = recordRun(sdlcText);
    harness = await startHarness(root);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  for (const theme of ['light', 'dark', 'high-contrast'] as ThemeName[]) {
    it(`has no serious or critical axe finding in any state, in the ${theme} theme`, async () => {
      const found: string[] = [];
      for (const state of STATES) {
        const page = await openPanel(browser, harness, theme, state.size);
        await state.setUp(page, run);
        await page.waitForSelector('.card');
        const findings = await audit(page);
        if (findings.length) found.push(`${state.name}:\n${describeFindings(findings)}`);
        await page.close();
      }
      assert.equal(found.join('\n\n'), '', 'axe findings');
    });
  }

  it('walks from the keyboard: one tab stop for the graph, arrows, menus, connecting, the details and back', async () => {
    const page = await openPanel(browser, harness);
    await send(page, init(graphOf(sdlcText)));
    await page.waitForSelector('.card');
    // Cards and edges are not tab stops of their own: the graph is one.
    assert.equal(await page.locator('.react-flow__renderer [tabindex]:not([tabindex="-1"])').count(), 0);
    await page.focus('[data-testid="canvas"]');
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector('.card.selected[data-node="requirements"]');
    assert.equal(await page.getAttribute('[data-testid="canvas"]', 'aria-activedescendant'), 'card-requirements');
    await page.waitForFunction(() =>
      /Requirements, shell step, phase requirements: not run/.test(document.querySelector('[data-testid="announcer"]')!.textContent ?? ''),
    );
    // The context-menu key opens the node's menu with the focus on its first item; Escape gives the graph its focus back.
    await page.keyboard.press('Shift+F10');
    await page.waitForFunction(() => document.activeElement?.getAttribute('role') === 'menuitem');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'canvas');
    // A adds a node after the selected one, from a menu of kinds.
    await page.keyboard.press('a');
    await page.waitForFunction(() => document.activeElement?.textContent?.includes('Add shell step'));
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'edit'));
    const add = (await posted(page)).find((m) => m.type === 'edit') as Extract<WebviewMessage, { type: 'edit' }>;
    assert.deepEqual(add.action, { type: 'addNode', kind: 'run', after: 'requirements', needs: ['requirements'] });
    // C connects: the arrows pick the node that will need the selected one, Enter connects.
    await page.keyboard.press('c');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.waitForSelector('.card.connect-target[data-node="backend"]');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'edit' && (m as { action: { type: string } }).action.type === 'connect'));
    const connect = (await posted(page)).filter((m) => m.type === 'edit').at(-1) as Extract<WebviewMessage, { type: 'edit' }>;
    assert.deepEqual(connect.action, { type: 'connect', from: 'requirements', to: 'backend' });
    // Delete asks the host to delete the selected node (the host confirms).
    await page.keyboard.press('Delete');
    await page.waitForFunction(() => window.__posted.some((m) => m.type === 'edit' && (m as { action: { type: string } }).action.type === 'removeNode'));
    // F2 goes to the id in the details; Escape there closes them and gives the graph its focus back.
    await page.keyboard.press('F2');
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-field') === 'id');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="details"]', { state: 'detached' });
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'canvas');
    await page.close();
  });
});
