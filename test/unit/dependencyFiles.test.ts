// What a workflow file's validation depends on (its sub-workflows and theirs), and which files are validated again
// when one file changes: the editor re-validates only those.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { dependencyFiles, validateFile } from '../../src/engine/validateFile';
import { DependentFiles } from '../../src/extension/language/dependentFiles';
import { yaml } from './helpers';

/** A workflow whose nodes run the given files, or one `true` step when it runs none. */
const workflowRunning = (files: string[]): string =>
  files.length === 0
    ? yaml('version: 1', 'name: W', 'nodes:', '  x: { run: "true" }')
    : yaml('version: 1', 'name: W', 'nodes:', ...files.map((f, i) => `  n${i}: { workflow: ${f} }`));

describe('the files a workflow file depends on', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'maestro-depends-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, runs: string[]): string => {
    const path = join(dir, name);
    writeFileSync(path, workflowRunning(runs));
    return path;
  };
  const dependsOn = (path: string): string[] => dependencyFiles(path, validateFile(path).workflow).sort();

  it('are the sub-workflows it runs, those missing too, and the ones they run in turn', () => {
    mkdirSync(join(dir, 'more'));
    write('more/c.workflow.yaml', ['../gone.workflow.yaml']);
    write('b.workflow.yaml', ['./more/c.workflow.yaml', './more/c.workflow.yaml']);
    const a = write('a.workflow.yaml', ['./b.workflow.yaml', './b.workflow.yaml', './missing.workflow.yaml']);
    assert.deepEqual(dependsOn(a), [
      join(dir, 'b.workflow.yaml'),
      join(dir, 'gone.workflow.yaml'),
      join(dir, 'missing.workflow.yaml'),
      join(dir, 'more', 'c.workflow.yaml'),
    ]);
    assert.deepEqual(dependsOn(write('plain.workflow.yaml', [])), []);
  });

  it('end where the loop check stops following files', () => {
    // A chain of 70 files: the loop check reads 64 of them from the first.
    for (let i = 1; i < 70; i++) write(`f${i}.workflow.yaml`, [`./f${i + 1}.workflow.yaml`]);
    const a = write('a.workflow.yaml', ['./f1.workflow.yaml']);
    const files = dependsOn(a);
    assert.equal(files.length, 64);
    assert.ok(files.includes(join(dir, 'f64.workflow.yaml')) && !files.includes(join(dir, 'f65.workflow.yaml')));
  });

  it('hold the file itself exactly when its validation finds it runs itself again (property)', () => {
    // Up to six files, each running some of the others or itself.
    const graphs = fc.array(fc.uniqueArray(fc.nat(5), { maxLength: 3 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(graphs, (runs) => {
        const run = mkdtempSync(join(dir, 'g-'));
        const name = (i: number) => `w${i % runs.length}.workflow.yaml`;
        runs.forEach((targets, i) => writeFileSync(join(run, name(i)), workflowRunning(targets.map((t) => `./${name(t)}`))));
        const first = join(run, name(0));
        const result = validateFile(first);
        const reached = new Set<number>();
        const queue = runs[0].map((t) => t % runs.length);
        while (queue.length > 0) {
          const next = queue.shift()!;
          if (reached.has(next)) continue;
          reached.add(next);
          queue.push(...runs[next].map((t) => t % runs.length));
        }
        assert.deepEqual(dependencyFiles(first, result.workflow).sort(), [...reached].map((i) => join(run, name(i))).sort());
        const loops = result.diagnostics.some((d) => d.code === 'recursive-workflow');
        assert.equal(loops, reached.has(0));
      }),
      { numRuns: 60 },
    );
  });
});

describe('the files validated again when one changes', () => {
  it('are those whose last validation depended on it, never the file itself', () => {
    const files = new DependentFiles<string>();
    files.note('/w/a', 'a', ['/w/b', '/w/c']);
    files.note('/w/b', 'b', ['/w/c', '/w/b']);
    files.note('/w/plain', 'plain', []);
    assert.deepEqual(files.dependentsOf('/w/c'), ['a', 'b']);
    assert.deepEqual(files.dependentsOf('/w/b'), ['a']);
    assert.deepEqual(files.dependentsOf('/w/plain'), []);
    assert.deepEqual(files.dependentsOf('/w/unrelated'), []);
    // Validated again, `b` runs nothing now; `a` is forgotten (it was opened, or deleted).
    files.note('/w/b', 'b', []);
    files.forget('/w/a');
    assert.deepEqual(files.dependentsOf('/w/c'), []);
  });

  it('are found by path, however the paths were written', () => {
    const files = new DependentFiles<string>();
    files.note('/w/sub/../a', 'a', ['/w/sub/./c']);
    assert.deepEqual(files.dependentsOf('/w/sub/c'), ['a']);
    assert.deepEqual(files.dependentsOf('/w/a'), []);
    assert.deepEqual(files.dependentsOf('/w/sub/cc'), []);
  });
});
