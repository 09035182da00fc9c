// Serves the DAG panel's real page (the host's HTML, CSP included, and the built bundle) to Chromium, with a
// stand-in for the VS Code host: what the panel posts lands in `window.__posted`, and tests post host messages.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { bundleReader, dagPanelHtml } from '../../src/extension/dag/webviewHtml';
import type { FirstState, HostMessage, WebviewMessage } from '../../src/webview/protocol';
import { themeOf, type ThemeName } from './themes';

/** The id the harness's DAG page is written with, as the host writes each panel's. */
export const HARNESS_PANEL_ID = 'harness-panel';

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

export interface Harness {
  url: string;
  /** First states the host would write into the page, by name: `/?first=<name>` serves the page with one. */
  firstStates: Map<string, FirstState>;
  close(): Promise<void>;
}

/**
 * Serves `/` (the panel's page, `?theme=dark`) and `/dist/*` (the bundle) on a free loopback port, and any
 * other page given in `extra` (path → content type and body), for the benchmarks' reference pages.
 */
export async function startHarness(root: string, extra: Record<string, { type: string; body: string }> = {}): Promise<Harness> {
  const dist = join(root, 'dist');
  if (!existsSync(join(dist, 'webview.js'))) throw new Error('dist/webview.js is missing: run `npm run build` first');
  const firstStates = new Map<string, FirstState>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const page = extra[url.pathname];
    if (page) {
      res.writeHead(200, { 'content-type': page.type });
      res.end(page.body);
      return;
    }
    if (url.pathname === '/' || url.pathname === '/insights') {
      const theme = themeOf((url.searchParams.get('theme') as ThemeName | null) ?? 'light');
      const files = url.pathname === '/insights' ? { script: 'insights.js', style: 'insights.css' } : undefined;
      const firstState = firstStates.get(url.searchParams.get('first') ?? '');
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        dagPanelHtml(
          { cspSource: `http://${req.headers.host ?? ''}`, asset: (name) => `/dist/${name}`, read: bundleReader(dist) },
          'DAG',
          'file:///work/sdlc-parallel.workflow.yaml',
          {
            extraScript: standInHost(theme),
            panelId: HARNESS_PANEL_ID,
            ...(files ? { files } : {}),
            ...(firstState ? { firstState } : {}),
          },
        ),
      );
      return;
    }
    const path = normalize(join(dist, url.pathname.replace(/^\/dist\//, '')));
    if (!url.pathname.startsWith('/dist/') || !path.startsWith(dist)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = readFileSync(path);
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, firstStates, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** What VS Code does for a webview, minus the iframe: theme variables, and `acquireVsCodeApi`. */
function standInHost(theme: ReturnType<typeof themeOf>): string {
  return `
window.__posted = [];
window.__cspViolations = [];
window.__state = window.__state ?? null;
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
  getState: () => window.__state,
  setState: (s) => { window.__state = s; },
});
for (const [k, v] of Object.entries(${JSON.stringify(theme.variables)})) document.documentElement.style.setProperty(k, v);
document.body.classList.add(${JSON.stringify(theme.className)});
`;
}

declare global {
  interface Window {
    __posted: WebviewMessage[];
    __cspViolations: string[];
    __state: unknown;
  }
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync('/usr/bin/chromium')) throw new Error("the webview tests need Debian's Chromium at /usr/bin/chromium: sudo apt-get install -y chromium");
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Opens the panel in a new page and waits until it has said it is ready. */
export async function openPanel(
  browser: Browser,
  harness: Harness,
  theme: ThemeName = 'light',
  size = { width: 1280, height: 800 },
  path = '/',
): Promise<Page> {
  const page = await browser.newPage({ viewport: size });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${harness.url}${path}?theme=${theme}`);
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'), undefined, { timeout: 10_000 });
  if (errors.length) throw new Error(`the panel threw: ${errors.join('; ')}`);
  return page;
}

export async function send(page: Page, ...messages: HostMessage[]): Promise<void> {
  await page.evaluate((ms) => {
    for (const m of ms) window.postMessage(m, '*');
  }, messages);
}

export async function posted(page: Page): Promise<WebviewMessage[]> {
  return page.evaluate(() => window.__posted);
}

/**
 * A suite's Chromium and page server, started before its tests and closed after them (call inside `describe`).
 * The getters are for inside tests, once `before` has run.
 */
export function chromiumSuite(root: string): { harness: () => Harness; browser: () => Browser } {
  let harness: Harness | undefined;
  let browser: Browser | undefined;
  before(async () => {
    mkdirSync(join(root, 'test-results', 'webview'), { recursive: true });
    harness = await startHarness(root);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await harness?.close();
  });
  return { harness: () => harness!, browser: () => browser! };
}
