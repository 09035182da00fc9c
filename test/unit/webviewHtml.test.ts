import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { dagPanelHtml, type PageAssets } from '../../src/extension/dag/webviewHtml';

const SCRIPT = 'console.log("panel")';
const STYLE = '@font-face{src:url("./codicon.ttf?abc") format("truetype")}.a{background:url(./dot.png)}';

function assets(files: Record<string, string>): PageAssets {
  return { cspSource: 'https://webview', asset: (name) => `https://webview/dist/${name}`, read: (name) => files[name] };
}

const page = (files: Record<string, string>) => dagPanelHtml(assets(files), 'DAG', 'file:///w.workflow.yaml');
const nonceOf = (html: string) => /script-src 'nonce-([^']+)'/.exec(html)![1];

describe('the panel page', () => {
  it('writes the bundle’s script and stylesheet into the page, under the nonce, with the stylesheet’s URLs the bundle’s', () => {
    const html = page({ 'webview.js': SCRIPT, 'webview.css': STYLE });
    const nonce = nonceOf(html);
    assert.ok(html.includes(`<script nonce="${nonce}">${SCRIPT}</script>`));
    assert.ok(html.includes(`<style nonce="${nonce}">`));
    assert.ok(html.includes('url("https://webview/dist/codicon.ttf?abc")'));
    assert.ok(html.includes('url("https://webview/dist/dot.png")'));
    assert.ok(!html.includes('src="https://webview/dist/webview.js"'));
    assert.ok(!html.includes('<link rel="stylesheet"'));
  });

  it('links to the files it cannot read', () => {
    for (const html of [
      page({}),
      dagPanelHtml({ cspSource: 'https://webview', asset: (n) => `https://webview/dist/${n}` }, 'DAG', 'file:///w.workflow.yaml'),
    ]) {
      assert.ok(html.includes('src="https://webview/dist/webview.js"'));
      assert.ok(html.includes('<link rel="stylesheet" href="https://webview/dist/webview.css"'));
    }
  });

  it('links to a script or stylesheet whose text would end its element early', () => {
    for (const script of ['a="</script>"', 'b="<!--"', 'c="</SCRIPT "']) {
      const html = page({ 'webview.js': script, 'webview.css': STYLE });
      assert.ok(html.includes('src="https://webview/dist/webview.js"'), script);
    }
    const html = page({ 'webview.js': SCRIPT, 'webview.css': '.a{content:"</style>"}' });
    assert.ok(html.includes('<link rel="stylesheet" href="https://webview/dist/webview.css"'));
  });

  it('keeps any script it writes in one element: the first end tag after it is its own', () => {
    const pieces = fc.constantFrom('<', '/', '!', '-', 's', 'S', 'cript', '>', 'x', '"', '\\');
    fc.assert(
      fc.property(
        fc.array(pieces, { maxLength: 24 }).map((p) => p.join('')),
        (script) => {
          const html = page({ 'webview.js': script, 'webview.css': '' });
          const open = `<script nonce="${nonceOf(html)}">`;
          const at = html.indexOf(open);
          if (at < 0) {
            assert.ok(html.includes('src="https://webview/dist/webview.js"'));
            return;
          }
          const body = html.slice(at + open.length);
          const end = body.search(/<\/script/i);
          assert.equal(body.slice(0, end), script);
          assert.ok(!/<!--/.test(body.slice(0, end)));
        },
      ),
      { numRuns: 500 },
    );
  });
});
