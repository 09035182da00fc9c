// What the DAG panel's Chromium tests share: the workflows and the runs recorded from them by the engine, the
// messages the host sends, and a suite's browser, harness and pages (each page checked against the CSP after its
// test). Runs are recorded once per file, when a test first asks for one.
import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { EngineEvent } from '../../src/engine/protocol';
import type { DagGraph, HostMessage, RunListItem, WebviewMessage } from '../../src/webview/protocol';
import { exampleText, recordRun, root } from './fixtures';
import { launchChromium, openPanel, posted, send, startHarness, type Harness } from './harness';

export const shots = join(root, 'test-results', 'webview');
export const WORKFLOW = { uri: 'file:///work/sdlc-parallel.workflow.yaml', name: 'SDLC parallel' };

export const sdlcText = exampleText('sdlc-parallel.workflow.yaml');
export const failingText = sdlcText
  .replace('echo "all green"', 'echo "2 of 40 tests failed" >&2; exit 3')
  .replace('  retry: { max: 1, backoff: fixed, delay: 1s }\n', '');
export const matrixText = [
  'version: 1',
  'name: Matrix',
  'nodes:',
  '  build: { run: echo build }',
  '  test:',
  '    needs: build',
  '    matrix: { shard: [1, 2, 3] }',
  '    maxParallel: 2',
  '    run: echo "shard ${{ matrix.shard }}"',
  '  report: { needs: test, run: echo done }',
  '',
].join('\n');
/** A matrix made when the run reaches it, from what the node before it wrote. */
export const plannedText = [
  'version: 1',
  'name: Planned',
  'nodes:',
  `  plan: { run: "echo 'shards={\\"shard\\":[1,2,3,4]}' >> \\"$MAESTRO_OUTPUT\\"", outputs: [shards] }`,
  '  test:',
  '    needs: plan',
  '    matrix: ${{ fromJSON(nodes.plan.outputs.shards) }}',
  '    run: echo "shard ${{ matrix.shard }}"',
  '  report: { needs: test, run: echo done }',
  '',
].join('\n');
/** A matrix of maps, as C and C++ projects write theirs on GitHub: each instance's id holds a map as JSON. */
export const configsText = [
  'version: 1',
  'name: Configs',
  'nodes:',
  '  build:',
  '    matrix:',
  '      config: [{ name: GCC, cc: gcc }, { name: Clang, cc: clang }]',
  '      type: [Release, Debug]',
  '    run: echo "${{ matrix.config.cc }} ${{ matrix.type }}"',
  '  report: { needs: build, run: echo done }',
  '',
].join('\n');
/** Two jobs that publish one port: they hold its mutex in turn, and the one after the first waits for it. */
export const portsText = [
  'version: 1',
  'name: Ports',
  'nodes:',
  '  unit: { run: sleep 0.2, mutex: port-5432 }',
  '  e2e: { run: sleep 0.2, mutex: port-5432 }',
  '  lint: { needs: unit, run: echo ok }',
  '',
].join('\n');
export const gatedText = [
  'version: 1',
  'name: Gated',
  'nodes:',
  '  build: { run: echo build }',
  '  approve: { needs: build, approval: { prompt: Ship it? } }',
  '  ship: { needs: approve, run: echo shipped }',
  '',
].join('\n');

export const withoutLogs = (events: EngineEvent[]) => events.filter((e) => e.type !== 'node:log');
export const runItem = (events: EngineEvent[], status: RunListItem['status'], live = false): RunListItem => ({
  runId: events[0].runId,
  status,
  startedAt: events[0].ts,
  live,
});
export const init = (graph: DagGraph, runs: RunListItem[] = [], extra: Partial<Extract<HostMessage, { type: 'init' }>> = {}): HostMessage => ({
  type: 'init',
  workflow: WORKFLOW,
  graph,
  runs,
  trusted: true,
  ...extra,
});
export const snapshot = (events: EngineEvent[], following = true): HostMessage => ({
  type: 'runSnapshot',
  runId: events[0].runId,
  following,
  events: withoutLogs(events),
});

export async function statusOf(page: Page, node: string): Promise<string | null> {
  return page.getAttribute(`.card[data-node="${node}"]`, 'data-status');
}

export async function waitForStatus(page: Page, node: string, status: string): Promise<void> {
  await page.waitForSelector(`.card[data-node="${node}"][data-status="${status}"]`, { timeout: 10_000 });
}

export async function requests(page: Page, type: WebviewMessage['type']): Promise<WebviewMessage[]> {
  return (await posted(page)).filter((m) => m.type === type);
}

/** Answers the panel's last request of a type (as the host does) and returns it. */
export async function reply(page: Page, type: WebviewMessage['type'], error?: string, result: unknown = {}): Promise<WebviewMessage> {
  await page.waitForFunction((t) => window.__posted.some((m) => m.type === t), type);
  const request = (await requests(page, type)).at(-1) as WebviewMessage & { requestId: number };
  await send(
    page,
    error ? { type: 'reply', requestId: request.requestId, ok: false, error } : { type: 'reply', requestId: request.requestId, ok: true, result },
  );
  return request;
}

/** The engine's events of each workflow's run, recorded when first asked for. */
export const recorded = {
  get completed(): EngineEvent[] {
    return (cache.completed ??= recordRun(sdlcText));
  },
  get failed(): EngineEvent[] {
    return (cache.failed ??= recordRun(failingText));
  },
  get matrix(): EngineEvent[] {
    return (cache.matrix ??= recordRun(matrixText));
  },
  get planned(): EngineEvent[] {
    return (cache.planned ??= recordRun(plannedText));
  },
  get configs(): EngineEvent[] {
    return (cache.configs ??= recordRun(configsText));
  },
  get ports(): EngineEvent[] {
    return (cache.ports ??= recordRun(portsText));
  },
  get gated(): EngineEvent[] {
    return (cache.gated ??= recordRun(gatedText, ['--approve']));
  },
};
const cache: Partial<Record<keyof typeof recorded, EngineEvent[]>> = {};

/** Registers the suite's hooks: a harness and a browser for the suite; opens pages, closed (CSP checked) after each test. */
export interface PanelSuite {
  /** A page of the panel, in a theme and size. */
  open: (theme?: 'light' | 'dark' | 'high-contrast', size?: { width: number; height: number }) => Promise<Page>;
  /** A page that has loaded nothing yet, to prepare before it goes to `url()`. */
  blankPage: (viewport: { width: number; height: number }) => Promise<Page>;
  /** The harness's address. */
  url: () => string;
}

export function panelSuite(): PanelSuite {
  let harness: Harness;
  let browser: Browser;
  const pages: Page[] = [];
  before(async () => {
    mkdirSync(shots, { recursive: true });
    harness = await startHarness(root);
    browser = await launchChromium();
  });
  afterEach(async () => {
    for (const page of pages.splice(0)) {
      const violations = await page.evaluate(() => window.__cspViolations);
      assert.deepEqual(violations, [], 'the panel broke its Content-Security-Policy');
      await page.close();
    }
  });
  after(async () => {
    await browser?.close();
    await harness?.close();
  });
  const kept = (page: Page) => (pages.push(page), page);
  return {
    open: async (theme = 'light', size) => kept(await openPanel(browser, harness, theme, size)),
    blankPage: async (viewport) => kept(await browser.newPage({ viewport })),
    url: () => harness.url,
  };
}
