import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import type { Output } from '../../../src/cli/output';
import { serve } from '../../../src/server/serve';
import { parseTokens, TokenCheck } from '../../../src/server/tokens';

function capture(): Output & { text: () => string } {
  let text = '';
  return { out: (t) => (text += t), err: (t) => (text += t), isTTY: false, text: () => text };
}

describe('serve: tokens, and the serve command', function () {
  this.timeout(30_000);
  const dir = mkdtempSync(join(tmpdir(), 'maestro-tokens-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a tokens file, and says where and what is wrong with a bad one', () => {
    assert.deepEqual(parseTokens('[{"name":"ana","role":"operator","token":"0123456789abcdef"}]', 't.json'), [
      { name: 'ana', role: 'operator', token: '0123456789abcdef' },
    ]);
    const bad: [string, RegExp][] = [
      ['{', /t\.json: not JSON/],
      ['{}', /must be a JSON list/],
      ['[1]', /entry 1 must be an object/],
      ['[{"name":"a b","role":"viewer","token":"0123456789abcdef"}]', /entry 1: name must be/],
      ['[{"name":"a","role":"admin","token":"0123456789abcdef"}]', /entry 1 \(a\): role must be viewer or operator/],
      ['[{"name":"a","role":"viewer","token":"short"}]', /token must be a string of 16 characters or more/],
      [
        '[{"name":"a","role":"viewer","token":"0123456789abcdef"},{"name":"a","role":"viewer","token":"0123456789abcdeg"}]',
        /entry 2: the name 'a' is used twice/,
      ],
    ];
    for (const [text, message] of bad) assert.throws(() => parseTokens(text, 't.json'), message, text);
  });

  it('finds whose bearer token a request carries, and nobody for anything else', () => {
    const check = new TokenCheck([
      { name: 'vic', role: 'viewer', token: 'viewer-token-0123456789' },
      { name: 'ana', role: 'operator', token: 'operator-token-0123456789' },
    ]);
    assert.equal(check.who('Bearer operator-token-0123456789')?.name, 'ana');
    assert.equal(check.who('Bearer viewer-token-0123456789')?.role, 'viewer');
    for (const header of [undefined, '', 'Bearer', 'Bearer operator-token-012345678', 'bearer operator-token-0123456789', 'Basic x', 'Bearer a b'])
      assert.equal(check.who(header), undefined, String(header));
  });

  it('makes an operator token readable only by its owner on first start, and stops cleanly', async () => {
    const io = capture();
    const tokensFile = join(dir, 'config', 'tokens.json');
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((r) => (stop = r));
    const serving = serve({ host: '127.0.0.1', port: 0, workspace: dir, tokensFile, createTokens: true, origins: [] }, io, stopped);
    for (let i = 0; i < 200 && !io.text().includes('Made an operator token'); i++) await new Promise((r) => setTimeout(r, 10));
    assert.match(io.text(), /Serving .* at http:\/\/127\.0\.0\.1:\d+ \(1 token\(s\)/);
    assert.equal(statSync(tokensFile).mode & 0o777, 0o600);
    stop();
    assert.equal(await serving, 0);
    assert.match(io.text(), /Stopping/);
  });

  it('says why it cannot listen, and ends', async () => {
    const tokensFile = join(dir, 'listen', 'tokens.json');
    const stopped = new Promise<void>(() => undefined);
    const first = capture();
    let stop: () => void = () => undefined;
    const serving = serve({ host: '127.0.0.1', port: 0, workspace: dir, tokensFile, createTokens: true, origins: [] }, first, new Promise((r) => (stop = r)));
    for (let i = 0; i < 200 && !first.text().includes('Serving'); i++) await new Promise((r) => setTimeout(r, 10));
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(first.text())?.[1]);
    const taken = capture();
    assert.equal(await serve({ host: '127.0.0.1', port, workspace: dir, tokensFile, createTokens: false, origins: [] }, taken, stopped), 1);
    assert.equal(taken.text(), `maestro-dag serve: cannot listen on 127.0.0.1 port ${port}: the port is in use (--port 0 picks a free one)\n`);
    const nowhere = capture();
    assert.equal(await serve({ host: 'no-such-host.invalid', port: 0, workspace: dir, tokensFile, createTokens: false, origins: [] }, nowhere, stopped), 1);
    assert.match(nowhere.text(), /^maestro-dag serve: cannot listen on no-such-host\.invalid port 0: no such host\n$/);
    stop();
    assert.equal(await serving, 0);
  });

  it('refuses bad options and a bad tokens file with a clear message', async () => {
    const io = capture();
    assert.equal(await main(['serve', '--port', 'x'], io), 2);
    assert.match(io.text(), /--port must be a port number/);
    assert.equal(await main(['serve', '--workspace', join(dir, 'nothing')], io), 2);
    assert.match(io.text(), /is not a folder/);
    assert.equal(await main(['serve', '--allow-origin', 'evil'], io), 2);
    writeFileSync(join(dir, 'bad.json'), '[{"name":"a","role":"root","token":"0123456789abcdef"}]');
    const bad = capture();
    assert.equal(await main(['serve', '--workspace', dir, '--tokens', join(dir, 'bad.json')], bad), 2);
    assert.match(bad.text(), /bad\.json: entry 1 \(a\): role must be viewer or operator/);
    assert.equal(await main(['serve', '--workspace', dir, '--tokens', join(dir, 'missing.json')], bad), 2);
    assert.match(bad.text(), /missing\.json: no such file/);
  });
});
