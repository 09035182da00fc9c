// The pages of the panels (the DAG panel's, the Insights panel's). No vscode import: the webview tests serve the very
// same pages to Chromium.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIRST_STATE_ELEMENT } from '../../webview/protocol';

export interface PageAssets {
  /** The webview's `cspSource`: where its own files come from. */
  cspSource: string;
  /** The URL of a file of the bundle folder (`webview.js`, `webview.css`). */
  asset(name: string): string;
  /**
   * The text of a file of the bundle folder, to write the script and stylesheet into the page rather than have the
   * page fetch them; undefined (or no reader) where it cannot be read, and the page links to them.
   */
  read?(name: string): string | undefined;
}

const escape = (text: string): string => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export interface PageOptions {
  /** A script run before the bundle's (tests stand in for the host with it). */
  extraScript?: string;
  files?: { script: string; style: string };
  /**
   * What the page shows first, as the host would send it after the page says it is ready: JSON in an inert element,
   * so that the first paint does not wait for the round trip through the host.
   */
  firstState?: unknown;
  /** The panel's id, which the page keeps in its saved state (see MovedPanels). */
  panelId?: string;
}

/** Reads the bundle's files from its folder on disk (none where the bundle is not on a disk of this process). */
export function bundleReader(folder: string | undefined): PageAssets['read'] {
  if (folder === undefined) return undefined;
  return (name) => {
    try {
      return readFileSync(join(folder, name), 'utf8');
    } catch {
      return undefined;
    }
  };
}

/** JSON that can stand inside a `<script>` element: no `<` that could close it or open a comment. */
const inertJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

/** A script's text can stand inside a `<script>` element as it is: nothing in it closes the element or escapes. */
const inlineable = (script: string): boolean => !/<\/script|<!--/i.test(script);

/** A stylesheet's relative URLs (`url("./codicon.ttf?…")`) made the bundle's, for a stylesheet in the page. */
const withAssetUrls = (css: string, asset: PageAssets['asset']): string =>
  css.replace(/url\((["']?)\.\/([\w.-]+)([^"')]*)\1\)/g, (_, _quote: string, name: string, rest: string) => `url("${asset(name)}${rest}")`);

/**
 * The bundle's script and stylesheet elements: written into the page when they can be read. A webview fetches its
 * files through VS Code (in a browser, through the workbench's thread and the remote file system): in code-server
 * the 463 KB script arrived 126–300 ms after the page started, before anything could run.
 */
function bundleElements(assets: PageAssets, files: { script: string; style: string }, nonce: string): { style: string; script: string } {
  const script = assets.read?.(files.script);
  const style = assets.read?.(files.style);
  return {
    style:
      style !== undefined && !/<\/style/i.test(style)
        ? `<style nonce="${nonce}">${withAssetUrls(style, (name) => assets.asset(name))}</style>`
        : `<link rel="stylesheet" href="${assets.asset(files.style)}" nonce="${nonce}">`,
    script:
      script !== undefined && inlineable(script)
        ? `<script nonce="${nonce}">${script}</script>`
        : `<script nonce="${nonce}" src="${assets.asset(files.script)}"></script>`,
  };
}

/**
 * One script and one stylesheet from the bundle, under a strict Content-Security-Policy: nothing remote, scripts by
 * nonce only, workers from blobs (the layout worker). The workflow's URI is in the page from the start, so that the
 * panel saves it at once and can be restored after a reload however soon that comes.
 */
export function dagPanelHtml(assets: PageAssets, title: string, workflowUri: string, options: PageOptions = {}): string {
  const { extraScript = '', files = { script: 'webview.js', style: 'webview.css' }, firstState, panelId } = options;
  const nonce = randomBytes(16).toString('base64');
  const csp = [
    "default-src 'none'",
    `img-src ${assets.cspSource} data:`,
    `font-src ${assets.cspSource}`,
    `style-src ${assets.cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    'worker-src blob:',
  ].join('; ');
  const escaped = escape(title);
  const bundle = bundleElements(assets, files, nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="maestro-workflow" content="${escape(workflowUri)}">
${panelId !== undefined ? `<meta name="maestro-panel" content="${escape(panelId)}">\n` : ''}${bundle.style}
<title>${escaped}</title>
</head>
<body>
<div id="root"></div>
${firstState !== undefined ? `<script type="application/json" id="${FIRST_STATE_ELEMENT}">${inertJson(firstState)}</script>\n` : ''}${extraScript ? `<script nonce="${nonce}">${extraScript}</script>\n` : ''}${bundle.script}
</body>
</html>`;
}
