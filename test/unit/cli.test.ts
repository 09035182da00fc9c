import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import type { Output } from '../../src/cli/output';
import { yaml } from './helpers';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Output = { out: (t) => (out += t), err: (t) => (err += t), isTTY: false };
  const code = await main(argv, io);
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'maestro-cli-'));
const good = join(dir, 'good.workflow.yaml');
const bad = join(dir, 'bad.workflow.yaml');
writeFileSync(good, yaml('version: 1', 'name: Good', 'nodes:', '  a: { run: x }', '  b: { needs: a, run: y }'));
writeFileSync(bad, yaml('version: 1', 'name: Bad', 'nodes:', '  a: { run: x }', '  b: { needs: aa, run: y }'));

describe('cli', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('validate: prints compiler-style lines and exits 1 on errors', async () => {
    const r = await cli('validate', good, bad);
    assert.equal(r.code, 1);
    assert.match(r.out, /bad\.workflow\.yaml:5:15: error unknown-dependency: node 'b' needs 'aa'/);
    assert.doesNotMatch(r.out, /good\.workflow\.yaml/);
  });

  it('validate: json lists the diagnostics with their file', async () => {
    const r = await cli('validate', '--format', 'json', bad);
    const list = JSON.parse(r.out) as Record<string, unknown>[];
    assert.deepEqual(Object.keys(list[0]).sort(), ['code', 'column', 'endColumn', 'endLine', 'file', 'line', 'message', 'severity']);
    assert.deepEqual([list[0].line, list[0].column, list[0].endColumn], [5, 15, 17]);
  });

  it('validate: exits 0 on clean files, and reports unreadable ones', async () => {
    assert.equal((await cli('validate', good)).code, 0);
    const missing = await cli('validate', '--format', 'json', join(dir, 'nope.yaml'));
    assert.equal(missing.code, 1);
    assert.match(missing.out, /cannot read the file: no such file/);
  });

  it('graph: prints mermaid, dot and json', async () => {
    assert.match((await cli('graph', good)).out, /a --> b/);
    assert.match((await cli('graph', '--format', 'dot', good)).out, /"a" -> "b";/);
    assert.deepEqual(JSON.parse((await cli('graph', '--format', 'json', good)).out).edges, [{ from: 'a', to: 'b' }]);
    const r = await cli('graph', bad);
    assert.equal(r.code, 1);
    assert.match(r.err, /unknown-dependency/);
  });

  it('usage errors exit 2 with a clear message', async () => {
    const unknownFlag = await cli('validate', '--frmat', 'json', good);
    assert.equal(unknownFlag.code, 2);
    assert.match(unknownFlag.err, /unknown option '--frmat'/i);
    assert.equal((await cli('validate', '--format', 'xml', good)).code, 2);
    assert.equal((await cli('validate')).code, 2);
    assert.equal((await cli('frobnicate')).code, 2);
    assert.match((await cli('frobnicate')).err, /unknown command 'frobnicate'/);
  });

  it('every command has --help', async () => {
    for (const c of ['validate', 'graph']) {
      const r = await cli(c, '--help');
      assert.equal(r.code, 0);
      assert.match(r.out, new RegExp(`Usage: maestro-dag ${c}`));
    }
    assert.match((await cli('--help')).out, /Commands:/);
  });
});
