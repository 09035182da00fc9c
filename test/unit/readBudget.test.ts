// What one validation reads beside the workflow it validates is bounded: a file that names thousands of others (a
// repository someone else wrote) makes each keystroke read no more than the caches keep, the same files each time.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ReadBudget, StatCache } from '../../src/engine/statCache';
import { nodeScriptFiles, scriptReadBudget } from '../../src/engine/scriptFiles';
import { filesBeside } from '../../src/engine/validateFile';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex } from '../../src/engine/workflowIndex';
import { diagnose, yaml } from './helpers';

const header = ['version: 1', 'name: Test'];

describe('the files one validation reads beside a workflow', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maestro-read-budget-'));
    mkdirSync(join(dir, 's'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, ...lines: string[]) => writeFileSync(join(dir, name), lines.join('\n') + '\n');
  const warnings = (...nodes: string[]) => diagnose(yaml(...header, 'nodes:', ...nodes), filesBeside(join(dir, 'top.workflow.yaml'))).map((d) => d.message);
  const reading = (node: string, output: string) => [
    `  ${node}_read:`,
    `    needs: ${node}`,
    '    run: echo "$V"',
    `    env: { V: "\${{ nodes.${node}.outputs.${output} }}" }`,
  ];

  it('are at most as many as a budget allows, each counted once, the first asked for read', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 }),
        fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'), { maxLength: 40 }),
        (max, asked) => {
          const budget = new ReadBudget(max);
          const allowed = asked.filter((p) => budget.allows(p));
          const distinct = [...new Set(asked)];
          assert.deepEqual([...new Set(allowed)], distinct.slice(0, max));
          assert.deepEqual(
            allowed,
            asked.filter((p) => distinct.indexOf(p) < max),
          );
        },
      ),
    );
    const reads: string[] = [];
    const cache = new StatCache(1024, 2, (path) => reads.push(path));
    write('one.txt', '1');
    write('two.txt', '2');
    write('three.txt', '3');
    const budget = cache.budget();
    assert.equal(cache.get(join(dir, 'one.txt'), budget), 1);
    assert.equal(cache.get(join(dir, 'two.txt'), budget), 2);
    assert.equal(cache.get(join(dir, 'three.txt'), budget), undefined, 'past the budget: not read');
    assert.equal(cache.get(join(dir, 'one.txt'), budget), 1, 'one read already: asked again');
    assert.equal(reads.length, 2);
    // A file changed is read again, and keeps the other in the cache.
    write('two.txt', '22');
    assert.equal(cache.get(join(dir, 'two.txt')), 3);
    assert.equal(cache.get(join(dir, 'one.txt')), 1);
    assert.equal(reads.length, 3);
  });

  it('check the first sub-workflows a file runs, as many as are kept, and say nothing of those past them, each time the same', () => {
    const count = 70;
    for (let i = 0; i < count; i++) write(`s/w${i}.workflow.yaml`, ...header, 'nodes:', `  a: { run: echo "o=1" >> "$MAESTRO_OUTPUT" }`);
    const nodes = Array.from({ length: count }, (_, i) => [`  n${i}: { workflow: ./s/w${i}.workflow.yaml }`, ...reading(`n${i}`, 'nope')]).flat();
    const first = warnings(...nodes);
    assert.equal(first.length, 64);
    assert.match(first[63], /^node 'n63' gives no output 'nope'/);
    assert.deepEqual(warnings(...nodes), first);
  });

  it('say nothing of a sub-workflow whose nodes run more scripts than are kept', () => {
    for (let i = 0; i < 65; i++) write(`s/x${i}.sh`, `echo "o${i}=1" >> "$MAESTRO_OUTPUT"`);
    const runs = (n: number) => ['  a:', '    run: |', ...Array.from({ length: n }, (_, i) => `      ./s/x${i}.sh`)];
    write('many.workflow.yaml', ...header, 'nodes:', ...runs(65));
    write('some.workflow.yaml', ...header, 'nodes:', ...runs(64));
    assert.deepEqual(warnings('  m: { workflow: ./many.workflow.yaml }', ...reading('m', 'nope')), []);
    assert.equal(warnings('  m: { workflow: ./some.workflow.yaml }', ...reading('m', 'nope')).length, 1);
    assert.deepEqual(warnings('  m: { workflow: ./some.workflow.yaml }', ...reading('m', 'o63')), []);
  });

  it("give the editor's look over many nodes' scripts no more files than one validation reads", () => {
    const nodes = Array.from({ length: 4 }, (_, n) => [
      `  n${n}:`,
      '    run: |',
      ...Array.from({ length: 25 }, (_, i) => `      ./s/x${n * 25 + i}.sh`),
    ]).flat();
    for (let i = 0; i < 100; i++) write(`s/x${i}.sh`, `echo "o${i}=1" >> "$MAESTRO_OUTPUT"`);
    const file = join(dir, 'many.workflow.yaml');
    const index = buildIndex(validateWorkflow(yaml(...header, 'nodes:', ...nodes)));
    assert.deepEqual(
      [0, 1, 2, 3].map((n) => nodeScriptFiles(index, file, `n${n}`).length),
      [25, 25, 25, 25],
    );
    const shared = scriptReadBudget();
    const files = [0, 1, 2, 3].map((n) => nodeScriptFiles(index, file, `n${n}`, shared));
    assert.deepEqual(
      files.map((f) => f.length),
      [25, 25, 14, 0],
    );
    assert.deepEqual(files[2].at(-1), { path: join(dir, 's', 'x63.sh') });
  });
});
