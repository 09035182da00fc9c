import { strict as assert } from 'node:assert';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { complete } from '../../src/extension/language/completion';
import { cursorContext } from '../../src/extension/language/cursorContext';
import { filesReadMarkdown, hoverAt } from '../../src/extension/language/hover';
import { filesReadNow } from '../../src/extension/language/hashFilesPreview';
import {
  definitionAt,
  documentSymbols,
  givenInputAt,
  mentionsAt,
  mentionsOf,
  prepareRename,
  renameEdits,
  subRunOutputAt,
} from '../../src/extension/language/navigation';
import { buildIndex } from '../../src/engine/workflowIndex';
import { githubHashOf, yaml } from './helpers';

/** A document with a `|` marking the cursor. */
function at(...lines: string[]) {
  const marked = yaml(...lines);
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return { index: buildIndex(validateWorkflow(text)), offset, text };
}

const labels = (items: { label: string }[]) => items.map((i) => i.label);

/** Two nodes that share a mutex, one of which names another too. */
const MUTEXES = ['version: 1', 'name: Test', 'nodes:', '  a: { run: x, mutex: [port-5432, db] }', '  b: { run: x, mutex: port-5432 }'];

const base = [
  'version: 1',
  'name: Test',
  'inputs:',
  '  target: { type: string, default: prod, description: Where to deploy }',
  'nodes:',
  '  build:',
  '    run: echo "v=1" >> "$MAESTRO_OUTPUT"',
  '    outputs: [version, digest]',
  '  test:',
  '    needs: [build]',
  '    matrix: { shard: [1, 2] }',
  '    run: echo ${{ nodes.build.outputs.version }}',
  '  deploy:',
  '    needs: [test]',
  "    if: nodes.build.outputs.version != ''",
  '    run: ./deploy ${{ inputs.target }}',
];

describe('language services', () => {
  describe('completion', () => {
    it('offers node ids in needs, leaving out the node itself, those already listed, and any that would make a cycle', () => {
      const { index, offset } = at(...base.slice(0, 13), '    needs: [test, |]', '    run: x', '  audit:', '    needs: deploy', '    run: x');
      assert.deepEqual(labels(complete(index, offset)), ['build']);
    });

    it('offers the mutexes other nodes name, with who names them, leaving out those the node names already', () => {
      const { index, offset } = at(...MUTEXES, '  c:', '    run: x', '    mutex: [db, |]');
      const items = complete(index, offset);
      assert.deepEqual(labels(items), ['port-5432']);
      assert.equal(items[0].detail, 'one at a time with a, b');
    });

    it('offers node ids in a block list of needs', () => {
      const { index, offset } = at(...base, '  report:', '    needs:', '      - |', '    run: x');
      assert.deepEqual(labels(complete(index, offset)), ['build', 'test', 'deploy']);
    });

    it('offers contexts and functions at the start of an expression', () => {
      const { index, offset } = at(...base, '  n:', '    needs: deploy', '    run: echo ${{ | }}');
      const items = complete(index, offset);
      assert.ok(labels(items).includes('inputs'));
      assert.ok(labels(items).includes('fromJSON()'));
      assert.ok(!labels(items).includes('always()'), 'status functions belong in conditions');
      assert.equal(items.find((i) => i.label === 'contains()')?.insertText, 'contains($1)$0');
      const condition = at(...base, '  n:', '    needs: deploy', '    if: ${{ | }}', '    run: x');
      assert.ok(labels(complete(condition.index, condition.offset)).includes('always()'));
      assert.ok(labels(items).includes('hashFiles()'));
      const name = at(...base, '  n:', '    name: n-${{ | }}', '    run: x');
      assert.ok(!labels(complete(name.index, name.offset)).includes('hashFiles()'), 'a name is evaluated before any file is read');
    });

    it('offers upstream nodes, their fields and declared outputs', () => {
      const nodes = at(...base, '  n:', '    needs: deploy', '    run: echo ${{ nodes.| }}');
      assert.deepEqual(labels(complete(nodes.index, nodes.offset)), ['build', 'test', 'deploy']);
      const fields = at(...base.slice(0, 13), '    needs: [test]', '    run: ${{ nodes.build.| }}');
      assert.deepEqual(labels(complete(fields.index, fields.offset)), ['outputs', 'status', 'outcome']);
      const outputs = at(...base.slice(0, 13), '    needs: [test]', '    run: ${{ nodes.build.outputs.ver| }}');
      const items = complete(outputs.index, outputs.offset);
      assert.deepEqual(labels(items), ['version', 'digest']);
      assert.equal(items[0].replaceStart, outputs.offset - 3, 'the partial word is replaced');
      // A node that lists no outputs: what its script writes (base's build writes `v`).
      const undeclared = at(...base.slice(0, 7), ...base.slice(8, 13), '    needs: [test]', '    run: ${{ nodes.build.outputs.| }}');
      assert.deepEqual(labels(complete(undeclared.index, undeclared.offset)), ['v']);
    });

    it('offers the nodes a node does not need yet, after those it does, with the edit that adds them to its needs', () => {
      const { index, offset, text } = at(...base, '  n:', '    needs: [test]   # kept', '    run: echo ${{ nodes.| }}', '  audit: { needs: n, run: x }');
      const items = complete(index, offset);
      assert.deepEqual(
        items.map((i) => [i.label, i.sortText, i.additionalEdits?.map((e) => e.newText)]),
        [
          ['build', undefined, undefined],
          ['test', undefined, undefined],
          ['deploy', '~deploy', [', deploy']],
        ],
      );
      assert.match(items[2].detail!, /adds it to the needs of n$/);
      // Chosen: the id at the cursor and the entry in needs, after which the file reads it without a problem.
      const [need] = items[2].additionalEdits!;
      const chosen = text.slice(0, need.span.start) + need.newText + text.slice(need.span.end, offset) + 'deploy.status' + text.slice(offset);
      assert.match(chosen, /needs: \[test, deploy\] {3}# kept/);
      const codes = validateWorkflow(chosen).diagnostics.map((d) => d.code);
      assert.ok(!codes.includes('unreachable-reference') && !codes.includes('cycle'), codes.join(', '));
      // Without the entry, the read would be one a node cannot make.
      const unneeded = text.slice(0, offset) + 'deploy.status' + text.slice(offset);
      assert.ok(validateWorkflow(unneeded).diagnostics.some((d) => d.code === 'unreachable-reference'));
    });

    it('offers only upstream nodes in a bare condition', () => {
      const { index, offset } = at(...base.slice(0, 13), '    needs: [test]', '    if: nodes.|', '    run: x');
      assert.deepEqual(labels(complete(index, offset)), ['build', 'test']);
    });

    it('offers inputs and matrix keys', () => {
      const inputs = at(...base, '  n: { needs: deploy, run: "${{ inputs.| }}" }');
      assert.deepEqual(
        complete(inputs.index, inputs.offset).map((i) => [i.label, i.detail]),
        [['target', 'input · string = "prod"']],
      );
      const secret = at('version: 1', 'name: S', 'inputs:', '  token: { secret: true }', 'nodes:', '  n: { env: { T: "${{ inputs.| }}" }, run: x }');
      assert.deepEqual(
        complete(secret.index, secret.offset).map((i) => [i.label, i.detail]),
        [['token', 'secret input · string']],
      );
      const matrix = at(...base.slice(0, 11), '    run: echo ${{ matrix.| }}');
      assert.deepEqual(labels(complete(matrix.index, matrix.offset)), ['shard']);
      const shaped = at(
        ...base.slice(0, 10),
        '    matrix: { shard: [1, 2], include: [{ shard: 3, big: true }], exclude: [{ shard: 1 }] }',
        '    run: echo ${{ matrix.| }}',
      );
      assert.deepEqual(
        complete(shaped.index, shaped.offset).map((i) => [i.label, i.detail]),
        [
          ['shard', 'matrix · 1, 2, 3'],
          ['big', 'matrix · true'],
        ],
        'a key only an include entry has, and the values include gives a key, are offered too',
      );
      const hover = at(
        ...base.slice(0, 10),
        '    matrix: { shard: [1, 2], include: [{ shard: 3, big: true }], exclude: [{ shard: 1 }] }',
        '    maxParallel: 1',
        '    failFast: true',
        '    run: x',
        '  later: { needs: [te|st], run: x }',
      );
      assert.match(hoverAt(hover.index, hover.offset)!.markdown, /matrix: 2 instances \(shard, 1 excluded, 1 included\), at most 1 at once, fails fast/);
    });

    it("says in a node's hover how its shell starts its script, where it names one", () => {
      const runsAs = (shell: string | undefined) => {
        const { index, offset } = at('version: 1', 'name: x', 'nodes:', `  a: { run: x${shell ? `, shell: "${shell}"` : ''} }`, '  b: { needs: [|a], run: x }');
        return /- runs as: (.*)/.exec(hoverAt(index, offset)!.markdown)?.[1];
      };
      assert.equal(runsAs(undefined), undefined, 'the default bash goes without saying');
      assert.equal(runsAs('python3 -u'), '`python3 -u -c SCRIPT`');
      assert.equal(runsAs('bash -x'), '`bash -x -e -c SCRIPT`');
      assert.equal(runsAs('Rscript --vanilla {0}'), '`Rscript --vanilla SCRIPT_FILE.R`');
      assert.equal(runsAs('sh {0}'), '`sh SCRIPT_FILE.sh`, on past a failing command (no `-e`)');
      assert.equal(runsAs('bash -e {0}'), '`bash -e SCRIPT_FILE.sh`');
      assert.equal(
        runsAs('pwsh'),
        '`pwsh -NoProfile -NonInteractive -Command "$ErrorActionPreference = \'Stop\'; SCRIPT; if ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }"`',
      );
    });

    it('offers the written keys of a matrix made at run time, and says in hover what makes it', () => {
      const made = [...base.slice(0, 10), '    matrix:', '      os: [linux]', '      shard: ${{ fromJSON(nodes.build.outputs.digest) }}'];
      const keys = at(...made, '    run: echo ${{ matrix.| }}');
      assert.deepEqual(
        complete(keys.index, keys.offset).map((i) => [i.label, i.detail]),
        [
          ['os', 'matrix · made when the run reaches the node'],
          ['shard', 'matrix · made when the run reaches the node'],
        ],
      );
      const hover = at(...made, '    run: x', '  later: { needs: [te|st], run: x }');
      assert.match(
        hoverAt(hover.index, hover.offset)!.markdown,
        /matrix: made when the run reaches it, from `os: \[linux\], shard: \$\{\{ fromJSON\(nodes\.build\.outputs\.digest\) \}\}`/,
      );
    });

    it("offers a matrix's keys and their values in the entries of its exclude and include", () => {
      const matrix = ['    matrix:', '      os: [linux, macos]', '      node: [18, 20]'];
      const items = (...lines: string[]) => {
        const { index, offset } = at(...base.slice(0, 10), ...matrix, ...lines);
        return complete(index, offset).map((i) => [i.label, i.insertText, i.detail]);
      };
      const keys = [
        ['os', 'os: ', 'matrix · linux, macos'],
        ['node', 'node: ', 'matrix · 18, 20'],
      ];
      assert.deepEqual(items('      exclude:', '        - |'), keys, 'a new entry');
      assert.deepEqual(items('      exclude:', '        - os: linux', '          |'), [keys[1]], "the entry's next key");
      assert.deepEqual(items('      exclude:', '        - os: |'), [
        ['linux', 'linux', 'matrix · os'],
        ['macos', 'macos', 'matrix · os'],
      ]);
      assert.deepEqual(
        items('      include: [{ arch: arm }, { os: win, | }]').map(([label]) => label),
        ['node', 'arch'],
        "include may add keys: the other entries' keys are offered too",
      );
    });

    it('offers the properties a node may still have, with their docs', () => {
      const { index, offset } = at(...base, '  n:', '    run: x', '    ti|');
      const items = complete(index, offset);
      assert.ok(labels(items).includes('timeout'));
      assert.ok(!labels(items).includes('run'), 'a property already written is not offered');
      assert.match(items.find((i) => i.label === 'timeout')!.documentation ?? '', /How long one attempt may take/);
    });

    it('offers the properties of nested objects and allowed values', () => {
      const retry = at(...base, '  n:', '    run: x', '    retry:', '      max: 2', '      |');
      assert.deepEqual(labels(complete(retry.index, retry.offset)), ['backoff', 'delay', 'maxDelay']);
      const backoff = at(...base, '  n:', '    run: x', '    retry:', '      max: 2', '      backoff: |');
      assert.deepEqual(labels(complete(backoff.index, backoff.offset)), ['fixed', 'linear', 'exponential']);
      const shell = at(...base, '  n:', '    run: x', '    shell: |');
      assert.deepEqual(labels(complete(shell.index, shell.offset)), ['bash', 'sh', 'zsh', 'python3 -u', 'node', 'pwsh']);
      const root = at('version: 1', 'name: x', '|', 'nodes: { a: { run: x } }');
      assert.deepEqual(labels(complete(root.index, root.offset)), ['description', 'inputs', 'env', 'concurrency', 'mutex', 'timeout', 'defaults']);
    });

    it('knows where it is in half-typed YAML', () => {
      const list = 'nodes:\n  a:\n    needs: [b, c';
      assert.deepEqual(cursorContext(list, list.length), {
        kind: 'value',
        path: ['nodes', 'a'],
        key: 'needs',
        prefix: 'c',
        start: list.length - 1,
        inList: true,
      });
      const block = 'nodes:\n  a:\n    run: |\n      echo ${{ nodes.b.out';
      assert.deepEqual(cursorContext(block, block.length), { kind: 'expression', path: ['nodes', 'a', 'run'], prefix: 'nodes.b.out', start: block.length - 3 });
    });
  });

  describe('navigation', () => {
    it('finds every mention of a node: key, needs entries, expressions', () => {
      const { index } = at(...base, '|');
      const mentions = mentionsOf(index, 'build').map((m) => m.role);
      assert.deepEqual(mentions, ['definition', 'needs', 'expression', 'expression']);
    });

    it('goes to the definition from a needs entry and from an expression', () => {
      const needs = at(...base.slice(0, 9), '  test:', '    needs: [bu|ild]', ...base.slice(10));
      const def = definitionAt(needs.index, needs.offset)!;
      assert.equal(needs.text.slice(def.start, def.end), 'build');
      assert.equal(needs.text.slice(0, def.start).split('\n').length, 6);
      const expr = at(...base.slice(0, 11), '    run: echo ${{ nodes.bui|ld.outputs.version }}', ...base.slice(12));
      assert.equal(definitionAt(expr.index, expr.offset)?.start, def.start);
    });

    it('renames a node everywhere, and refuses bad names', () => {
      const { index, offset, text } = at(...base.slice(0, 5), '  bu|ild:', ...base.slice(6));
      const result = renameEdits(index, offset, 'compile');
      assert.ok('edits' in result);
      let renamed = text;
      for (const e of [...result.edits].sort((a, b) => b.span.start - a.span.start))
        renamed = renamed.slice(0, e.span.start) + e.newText + renamed.slice(e.span.end);
      assert.equal(result.edits.length, 4);
      assert.match(renamed, /^ {2}compile:$/m);
      assert.match(renamed, /needs: \[compile\]/);
      assert.match(renamed, /nodes\.compile\.outputs\.version != ''/);
      assert.deepEqual(
        validateWorkflow(renamed).diagnostics.filter((d) => d.code !== 'script-injection'),
        [],
      );
      assert.match((renameEdits(index, offset, '9lives') as { error: string }).error, /not a valid node id/);
      assert.match((renameEdits(index, offset, 'test') as { error: string }).error, /already exists/);
      assert.match((prepareRename(index, 0) as { error: string }).error, /Only node ids, inputs, outputs and matrix keys can be renamed/);
    });

    it("goes to an input's definition, finds its reads, renames it, and shows it on hover", () => {
      const read = at(...base.slice(0, 6), '    run: echo ${{ inputs.tar|get }}', ...base.slice(7), '  audit:', "    if: inputs.Target != ''", '    run: x');
      const def = definitionAt(read.index, read.offset)!;
      assert.equal(read.text.slice(0, def.start).split('\n').length, 4, 'the key under inputs:');
      assert.deepEqual(
        mentionsAt(read.index, read.offset).map((m) => [m.role, read.text.slice(m.span.start, m.span.end)]),
        [
          ['definition', 'target'],
          ['expression', 'target'],
          ['expression', 'target'],
          ['expression', 'Target'],
        ],
      );
      assert.deepEqual(prepareRename(read.index, read.offset), { span: mentionsAt(read.index, read.offset)[1].span, placeholder: 'target' });
      const renamed = renameEdits(read.index, read.offset, 'environment');
      assert.ok('edits' in renamed);
      assert.deepEqual(renamed.renamed, { kind: 'input', from: 'target', to: 'environment' });
      assert.equal(renamed.edits.length, 4);
      assert.match((renameEdits(read.index, read.offset, 'a b') as { error: string }).error, /cannot name an input/);
      const hover = hoverAt(read.index, read.offset)!;
      assert.equal(hover.markdown, 'Input **target** (string, default `prod`)\n\nWhere to deploy\n\n- read by 3 expressions');
      const caller = at(
        'version: 1',
        'name: c',
        'nodes:',
        '  ship:',
        '    workflow: ./release.workflow.yaml',
        '    with: { tar|get: prod, count: "${{ inputs.n }}" }',
      );
      assert.deepEqual(givenInputAt(caller.index, caller.offset), {
        nodeId: 'ship',
        input: 'target',
        span: { start: caller.text.indexOf('target'), end: caller.text.indexOf('target') + 6 },
        workflow: './release.workflow.yaml',
      });
      assert.equal(givenInputAt(caller.index, caller.text.indexOf('prod')), undefined, 'a value is not');
      const inputs = { target: { name: 'target', type: 'string' as const, required: true, description: 'Where *to*' } };
      assert.equal(
        hoverAt(caller.index, caller.offset, { describe: () => ({ name: 'Release', nodes: 2, inputs }) })!.markdown,
        'Input **target** of `./release.workflow.yaml` (string, required)\n\nWhere \\*to\\*',
      );
      const unknown = at(...base.slice(0, 6), '    run: echo ${{ inputs.nowh|ere }}', ...base.slice(7));
      assert.match((prepareRename(unknown.index, unknown.offset) as { error: string }).error, /^'nowhere' is not an input of this workflow\.$/);
    });

    it("goes to an output's declaration, finds where it is written and read, renames it, and shows it on hover", () => {
      const read = at(...base.slice(0, 11), '    run: echo ${{ nodes.build.outputs.VER|SION }}', ...base.slice(12));
      const def = definitionAt(read.index, read.offset)!;
      assert.equal(read.text.slice(def.start - 10, def.end), 'outputs: [version');
      assert.deepEqual(
        mentionsAt(read.index, read.offset).map((m) => [m.role, read.text.slice(m.span.start, m.span.end)]),
        [
          ['definition', 'version'],
          ['expression', 'VERSION'],
          ['expression', 'version'],
        ],
      );
      assert.deepEqual(prepareRename(read.index, read.offset), { span: mentionsAt(read.index, read.offset)[1].span, placeholder: 'version' });
      const renamed = renameEdits(read.index, read.offset, 'release');
      assert.ok('edits' in renamed);
      assert.deepEqual(renamed.renamed, {
        kind: 'output',
        nodeId: 'build',
        from: 'version',
        to: 'release',
        note: `the script of 'build' does not write 'version' where the rename can see it (echo "version=…" >> "$MAESTRO_OUTPUT"): write it as 'release' there`,
      });
      assert.equal(renamed.edits.length, 3);
      assert.match((renameEdits(read.index, read.offset, 'digest') as { error: string }).error, /already has an output 'digest'/);
      // The script writes `v`: an output the node does not declare is named where it is written.
      const written = at(...base.slice(0, 6), '    run: echo "|v=1" >> "$MAESTRO_OUTPUT"', ...base.slice(7));
      assert.deepEqual(definitionAt(written.index, written.offset), { start: written.offset, end: written.offset + 1 });
      assert.equal(hoverAt(written.index, written.offset)!.markdown, 'Output `v` of **build** — *not declared in its outputs* — read by no expression');
      const declared = at(...base.slice(0, 7), '    outputs: [ver|sion, digest]', ...base.slice(8));
      assert.equal(hoverAt(declared.index, declared.offset)!.markdown, 'Output `version` of **build** — read by 2 expressions');
      // A sub-workflow node's: the file whose run gives it.
      const subRun = at(
        'version: 1',
        'name: s',
        'nodes:',
        '  d: { workflow: ./deploy.workflow.yaml }',
        '  n: { needs: d, run: echo "$U", env: { U: "${{ nodes.d.outputs.u|rl }}" } }',
      );
      assert.equal(
        hoverAt(subRun.index, subRun.offset)!.markdown,
        'Output `url` of **d**\n\nGiven by the run of `./deploy.workflow.yaml`: go to definition opens where it is written (its node, or a script file its node runs).',
      );
      const gate = at(
        'version: 1',
        'name: g',
        'nodes:',
        '  ok: { approval: { prompt: Go? } }',
        '  after:',
        '    needs: ok',
        '    run: echo ${{ nodes.ok.outputs.com|ment }}',
      );
      assert.match((prepareRename(gate.index, gate.offset) as { error: string }).error, /^'ok' is an approval gate: .*\.$/);
      const sub = at(
        'version: 1',
        'name: s',
        'nodes:',
        '  deploy: { workflow: ./inner.workflow.yaml, outputs: [version] }',
        '  tag:',
        '    needs: deploy',
        '    run: echo ${{ nodes.deploy.outputs.vers|ion }}',
      );
      assert.deepEqual(subRunOutputAt(sub.index, sub.offset), {
        nodeId: 'deploy',
        output: 'version',
        span: { start: sub.text.lastIndexOf('version'), end: sub.text.lastIndexOf('version') + 7 },
        workflow: './inner.workflow.yaml',
      });
      assert.equal(subRunOutputAt(sub.index, sub.text.indexOf('[version]') + 2)?.output, 'version', 'its outputs list too');
      assert.equal(subRunOutputAt(read.index, read.offset), undefined, 'not a step');
    });

    it('outlines inputs and nodes with their phase and kind', () => {
      const { index } = at(
        'version: 1',
        'name: x',
        'inputs: { a: { default: 1 } }',
        'nodes:',
        '  design: { phase: design, run: x }',
        '  gate: { needs: design, approval: { prompt: ok } }',
        '|',
      );
      const symbols = documentSymbols(index);
      assert.deepEqual(
        symbols.map((s) => [s.name, s.children.map((c) => [c.name, c.detail])]),
        [
          ['inputs', [['a', 'string']]],
          [
            'nodes',
            [
              ['design', 'design'],
              ['gate', 'approval'],
            ],
          ],
        ],
      );
    });
  });

  describe('hover', () => {
    it('summarizes a node on its id', () => {
      const { index, offset } = at(...base.slice(0, 13), '    needs: [te|st]', ...base.slice(14));
      const h = hoverAt(index, offset)!;
      assert.match(h.markdown, /\*\*test\*\* — shell step/);
      assert.match(h.markdown, /matrix: 2 instances/);
      assert.match(h.markdown, /needs: `build`/);
    });

    it("names a node's mutexes and the nodes that share them", () => {
      const { index, offset } = at(...MUTEXES, '  c: { run: x, mutex: port-5432 }', '  d: { needs: [|a], run: x }');
      assert.match(hoverAt(index, offset)!.markdown, /- mutex: `port-5432` \(one at a time with `b`, `c`\), `db` \(no other node names it\)/);
    });

    it('documents properties from the schema', () => {
      const { index, offset } = at(...base.slice(0, 12), '  deploy:', '    nee|ds: [test]', ...base.slice(14));
      assert.match(hoverAt(index, offset)!.markdown, /\*\*needs\*\*\n\nThe node id, or list of node ids/);
    });

    it('explains outputs, functions and contexts in expressions', () => {
      const out = at(...base.slice(0, 11), '    run: echo ${{ nodes.build.outputs.ver|sion }}', ...base.slice(12));
      assert.match(hoverAt(out.index, out.offset)!.markdown, /Output `version` of \*\*build\*\*/);
      const fn = at(...base.slice(0, 14), '    if: alw|ays()', '    run: x');
      assert.match(hoverAt(fn.index, fn.offset)!.markdown, /always\(\)/);
    });

    it('shows what a hashFiles() call reads now, within bounds, where the lookup can read the files', () => {
      const ws = realpathSync(mkdtempSync(join(tmpdir(), 'maestro-hover-files-')));
      try {
        for (const name of ['a.lock', 'b.lock', 'c.txt']) writeFileSync(join(ws, name), name);
        const read = (...args: string[]) => filesReadNow(ws, args);
        const call = at('version: 1', 'name: W', 'nodes:', "  a: { run: 'echo ${{ hash|Files(''*.lock'') }}', if: \"hashFiles('*.lock', '!b.lock') != ''\" }");
        const lookups = { filesRead: (args: readonly string[]) => filesReadNow(ws, args) };
        // In a single-quoted scalar the call's quotes are doubled: the text is not read as the call, and only the doc is shown.
        assert.doesNotMatch(hoverAt(call.index, call.offset, lookups)!.markdown, /Now below/);
        const condition = call.text.indexOf('hashFiles', call.text.indexOf('if:')) + 2;
        const markdown = hoverAt(call.index, condition, lookups)!.markdown;
        assert.match(markdown, /^`hashFiles\(pattern, …\)`/);
        assert.ok(markdown.endsWith(`Now below \`${ws}\`: 1 file (\`a.lock\`), \`${githubHashOf('a.lock')}\``), markdown);
        assert.equal(filesReadMarkdown(read('none/**')), `Now below \`${ws}\`: no file matches, so it is \`''\``);
        assert.match(filesReadMarkdown(read('--follow')), /follow.* is no option/);
        for (let i = 0; i < 10; i++) writeFileSync(join(ws, `more-${i}.lock`), '');
        assert.match(filesReadMarkdown(read('*.lock')), /: 12 files \(`a\.lock`, `b\.lock`, `more-0\.lock`, .*, `more-5\.lock`, and 4 more\), `[0-9a-f]{64}`$/);
        assert.equal(hoverAt(call.index, condition)!.markdown.includes('Now below'), false, 'without the lookup, the doc alone');
      } finally {
        rmSync(ws, { recursive: true, force: true });
      }
    });
  });

  describe('quick fixes', () => {
    const apply = (text: string, edits: { span: { start: number; end: number }; newText: string }[]) =>
      [...edits].sort((a, b) => b.span.start - a.span.start).reduce((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), text);

    it('removes a self-dependency from a flow list, a block list, or a lone value', () => {
      for (const [needs, expected] of [
        ['    needs: [a, self]', '    needs: [a]'],
        ['    needs: [self, a]', '    needs: [a]'],
        ['    needs: self', null],
      ] as const) {
        const text = yaml('version: 1', 'name: x', 'nodes:', '  a: { run: x }', '  self:', needs, '    run: x');
        const d = validateWorkflow(text).diagnostics.find((x) => x.code === 'self-dependency')!;
        const fixed = apply(text, d.fixes![0].edits);
        if (expected) assert.ok(fixed.includes(expected), fixed);
        else assert.ok(!fixed.includes('needs'), fixed);
        assert.deepEqual(validateWorkflow(fixed).diagnostics, []);
      }
      const block = yaml('version: 1', 'name: x', 'nodes:', '  a: { run: x }', '  self:', '    needs:', '      - a', '      - self', '    run: x');
      const d = validateWorkflow(block).diagnostics.find((x) => x.code === 'self-dependency')!;
      assert.deepEqual(validateWorkflow(apply(block, d.fixes![0].edits)).diagnostics, []);
    });
  });
});
