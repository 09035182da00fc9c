import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { main } from '../../src/cli/main';
import type { Output } from '../../src/cli/output';
import { expandMatrix, matrixOf } from '../../src/engine/matrix';
import { matrixInstanceReads, matrixKeyAt, matrixKeyMentionsOf } from '../../src/engine/matrixMentions';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex } from '../../src/engine/workflowIndex';
import { refusalOf, edit } from './helpers';

const indexOf = (text: string) => buildIndex(validateWorkflow(text));

const refusal = (text: string, id: string, from: string, to: string): string => refusalOf(text, { type: 'renameMatrixKey', id, from, to });

const WORKFLOW = `version: 1
name: tests
nodes:
  test:
    matrix:
      os: [linux, macos]   # where
      node: [18, 20]
      exclude:
        - { os: macos, node: 18 }
      include:
        - os: linux
          coverage: true
    run: ./test.sh \${{ matrix.os }} --coverage=\${{ matrix.coverage }}
    env:
      OS: \${{ matrix['os'] }}
      UPPER: \${{ matrix.OS }}
    if: matrix.os != 'windows'
  report:
    needs: test
    run: echo "$LINUX"
    env:
      LINUX: \${{ nodes.test.outputs.log['test[os=linux,node=18,coverage=true]'] }}
      STALE: \${{ nodes.test.outputs.log['test[os=windows]'] }}
`;

describe('renaming a key of a matrix', () => {
  it('finds where the key is named: the matrix, its entries, reads in any case and quoted, and instance ids', () => {
    const index = indexOf(WORKFLOW);
    const named = matrixKeyMentionsOf(index, 'test', 'os').map((m) => [m.role, WORKFLOW.slice(m.span.start, m.span.end)]);
    assert.deepEqual(named, [
      ['definition', 'os'],
      ['entry', 'os'],
      ['entry', 'os'],
      ['expression', 'os'],
      ['expression', "'os'"],
      ['expression', 'OS'],
      ['expression', 'os'],
      ['instance', 'os'],
    ]);
    const at = (needle: string, shift = 0) => matrixKeyAt(index, WORKFLOW.indexOf(needle) + shift);
    assert.deepEqual(
      [at('matrix.OS', 8), at('[os=linux', 1), at('coverage: true'), at('node: [18')].map((m) => m && [m.key, m.role]),
      [
        ['os', 'expression'],
        ['os', 'instance'],
        ['coverage', 'entry'],
        ['node', 'definition'],
      ],
    );
    assert.equal(at('matrix:', 1), undefined);
  });

  it('renames it everywhere, the instance ids other nodes read by included, and back', () => {
    const renamed = edit(WORKFLOW, { type: 'renameMatrixKey', id: 'test', from: 'os', to: 'platform' });
    assert.equal(
      renamed,
      WORKFLOW.replace('os: [linux', 'platform: [linux')
        .replace('{ os: macos', '{ platform: macos')
        .replace('- os: linux', '- platform: linux')
        .replace('matrix.os }}', 'matrix.platform }}')
        .replace("matrix['os']", "matrix['platform']")
        .replace('matrix.OS', 'matrix.platform')
        .replace("matrix.os != 'windows'", "matrix.platform != 'windows'")
        .replace('[os=linux,node=18', '[platform=linux,node=18'),
    );
    assert.deepEqual(
      validateWorkflow(renamed).diagnostics.map((d) => d.code),
      validateWorkflow(WORKFLOW).diagnostics.map((d) => d.code),
    );
    const back = edit(renamed, { type: 'renameMatrixKey', id: 'test', from: 'platform', to: 'os' });
    assert.equal(back, WORKFLOW.replace('matrix.OS', 'matrix.os'));
  });

  it('renames the key and the node inside an instance id written in another case, keeping its case elsewhere', () => {
    const text = WORKFLOW.replace("STALE: ${{ nodes.test.outputs.log['test[os=windows]'] }}", "MAC: ${{ nodes.test.outputs.log['TEST[OS=MACOS,node=20]'] }}");
    assert.ok(text.includes("'TEST[OS=MACOS,node=20]'"));
    const key = edit(text, { type: 'renameMatrixKey', id: 'test', from: 'os', to: 'platform' });
    assert.ok(key.includes("'TEST[platform=MACOS,node=20]'"), key);
    const node = edit(text, { type: 'rename', from: 'test', to: 'unit' });
    assert.ok(node.includes("'unit[OS=MACOS,node=20]'"), node);
    assert.deepEqual(
      validateWorkflow(key).diagnostics.map((d) => d.code),
      validateWorkflow(text).diagnostics.map((d) => d.code),
    );
  });

  it('renames a key only include gives', () => {
    const renamed = edit(WORKFLOW, { type: 'renameMatrixKey', id: 'test', from: 'coverage', to: 'cov' });
    assert.ok(renamed.includes('cov: true') && renamed.includes('matrix.cov }}') && renamed.includes("'test[os=linux,node=18,cov=true]'"), renamed);
  });

  it('refuses what cannot be renamed, saying why', () => {
    assert.equal(refusal(WORKFLOW, 'nope', 'os', 'x'), "there is no node 'nope'");
    assert.equal(refusal(WORKFLOW, 'report', 'os', 'x'), "node 'report' has no matrix");
    assert.equal(refusal(WORKFLOW, 'test', 'arch', 'x'), "the matrix of 'test' has no key 'arch'");
    assert.match(refusal(WORKFLOW, 'test', 'os', '1os'), /^'1os' cannot name a matrix key/);
    assert.match(refusal(WORKFLOW, 'test', 'os', 'include'), /not include or exclude/);
    assert.equal(refusal(WORKFLOW, 'test', 'os', 'Node'), "the matrix of 'test' already has a key 'Node'");
    const reads = WORKFLOW.replace("OS: ${{ matrix['os'] }}", 'OS: ${{ matrix.arch }}');
    assert.equal(refusal(reads, 'test', 'os', 'Arch'), "matrix.Arch is still read in 'test': pick another name, or fix those expressions first");
    const made =
      'version: 1\nname: m\nnodes:\n  plan: { run: x, outputs: [m] }\n  t:\n    needs: plan\n    matrix: ${{ fromJSON(nodes.plan.outputs.m) }}\n    run: echo ${{ matrix.os }}\n';
    assert.equal(refusal(made, 't', 'os', 'x'), "the matrix of 't' is made at run time: its keys are those of the value it is made from");
    const escaped = WORKFLOW.replace("OS: ${{ matrix['os'] }}", 'OS: "${{ matrix[\'o\\x73\'] }}"');
    assert.match(refusal(escaped, 'test', 'os', 'platform'), /^'os' is written with escapes at offset \d+: rename it there by hand$/);
  });

  it('renames the axes of a matrix made in part at run time, keys written out', () => {
    const text =
      'version: 1\nname: m\nnodes:\n  plan: { run: x, outputs: [s] }\n  t:\n    needs: plan\n    matrix:\n      shard: ${{ fromJSON(nodes.plan.outputs.s) }}\n    run: echo ${{ matrix.shard }}\n';
    assert.equal(
      edit(text, { type: 'renameMatrixKey', id: 't', from: 'shard', to: 'part' }),
      text.replace('shard:', 'part:').replace('matrix.shard', 'matrix.part'),
    );
  });

  it('renaming a matrix node renames it in the instance ids its outputs are read by', () => {
    const renamed = edit(WORKFLOW, { type: 'rename', from: 'test', to: 'suite' });
    assert.ok(renamed.includes("nodes.suite.outputs.log['suite[os=linux,node=18,coverage=true]']"), renamed);
    assert.ok(renamed.includes("['test[os=windows]']"), 'an id no instance has is left');
  });

  it('keeps every instance id naming its instance, for any matrix, reads and key renamed (property)', () => {
    const keyArb = fc.constantFrom('os', 'node', 'shard', 'arch', 'flavor');
    const valueArb = fc.oneof(fc.constantFrom('linux', 'a b', 'x-1'), fc.integer({ min: 0, max: 30 }), fc.boolean());
    const matrixArb = fc.dictionary(keyArb, fc.uniqueArray(valueArb, { minLength: 1, maxLength: 3, selector: String }), { minKeys: 1, maxKeys: 3 });
    fc.assert(
      fc.property(matrixArb, fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), fc.nat(), fc.constantFrom('renamed', 'Zone'), (axes, picks, which, to) => {
        const spec = { id: 't', matrix: matrixOf(axes)! };
        const ids = expandMatrix(spec).map((i) => i.id);
        const keys = Object.keys(axes);
        const from = keys[which % keys.length];
        const axisLines = keys.map((k) => `      ${k}: ${JSON.stringify(axes[k])}`);
        const reads = picks.map((p, i) => `      R${i}: "\${{ nodes.t.outputs.x['${ids[p % ids.length]}'] }}"`);
        const text = [
          'version: 1',
          'name: p',
          'nodes:',
          '  t:',
          '    matrix:',
          ...axisLines,
          `    run: echo "$K"`,
          `    env: { K: "\${{ matrix.${from} }} \${{ matrix['${from}'] }}" }`,
          '  r:',
          '    needs: t',
          '    run: echo "$R0"',
          '    env:',
          ...reads,
          '',
        ].join('\n');
        const before = indexOf(text);
        const renamed = edit(text, { type: 'renameMatrixKey', id: 't', from, to });
        const after = indexOf(renamed);
        assert.deepEqual(matrixKeyMentionsOf(after, 't', from), []);
        assert.equal(matrixInstanceReads(after, 't').length, matrixInstanceReads(before, 't').length, renamed);
        const renamedAxes = Object.fromEntries(Object.entries(axes).map(([k, v]) => [k === from ? to : k, v]));
        const newIds = expandMatrix({ id: 't', matrix: matrixOf(renamedAxes)! }).map((i) => i.id);
        assert.deepEqual(
          matrixInstanceReads(after, 't').map((r) => r.instance.id),
          picks.map((p) => newIds[p % newIds.length]),
        );
        assert.deepEqual(
          after.result.diagnostics.map((d) => [d.code, d.severity]),
          before.result.diagnostics.map((d) => [d.code, d.severity]),
        );
        assert.equal(edit(renamed, { type: 'renameMatrixKey', id: 't', from: to, to: from }), text);
      }),
      { numRuns: 200 },
    );
  });
});

describe('cli: edit rename-matrix-key', () => {
  it('renames a key in the file, and a run reads the instances under their new ids', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-rename-key-'));
    try {
      const file = join(dir, 'w.workflow.yaml');
      writeFileSync(
        file,
        [
          'version: 1',
          'name: keys',
          'nodes:',
          '  t:',
          '    matrix: { os: [linux, macos] }',
          '    run: echo "log=ran on ${{ matrix.os }}" >> "$MAESTRO_OUTPUT"',
          '    outputs: [log]',
          '  show:',
          '    needs: t',
          '    run: echo "$LINUX" > shown.txt',
          '    env: { LINUX: "${{ nodes.t.outputs.log[\'t[os=linux]\'] }}" }',
          '',
        ].join('\n'),
      );
      let err = '';
      const io: Output = { out: () => undefined, err: (t) => (err += t), isTTY: false };
      assert.equal(await main(['edit', file, 'rename-matrix-key', 't', 'os', 'platform', '--write'], io), 0, err);
      assert.match(readFileSync(file, 'utf8'), /matrix: \{ platform: \[linux, macos\] \}[^]*matrix\.platform[^]*'t\[platform=linux\]'/);
      assert.equal(await main(['run', file, '--runs-dir', join(dir, 'runs')], io), 0, err);
      assert.equal(readFileSync(join(dir, 'shown.txt'), 'utf8'), 'ran on linux\n');
      assert.equal(await main(['edit', file, 'rename-matrix-key', 't', 'os', 'x'], io), 2);
      assert.equal(err, "maestro-dag: the matrix of 't' has no key 'os'\n");
      assert.equal(await main(['edit', file, 'rename-matrix-key', 't', 'platform'], io), 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
