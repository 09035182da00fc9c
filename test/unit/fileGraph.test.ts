// The worker's graph of an unopened workflow file: kept while the file and the sub-workflows its validation read
// stay as they were, made again when any of them changes.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileText } from '../../src/engine/fileText';
import { validateFile } from '../../src/engine/validateFile';
import { fileGraph, graphOfValidated, stampBeforeRead } from '../../src/engine/validation/worker/fileGraph';
import { isWorkerRequest } from '../../src/engine/validation/worker/protocol';
import type { DagGraph } from '../../src/webview/protocol';

describe('the graph of an unopened workflow file', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'maestro-graph-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes a file with the time of a write `ago` seconds ago (as files are when a panel moves to them), or ahead. */
  const write = (name: string, text: string, ago = 60) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    const then = Date.now() / 1000 - ago;
    utimesSync(path, then, then);
    return path;
  };
  const main = (input: string, ago?: number) =>
    write('main.workflow.yaml', `version: 1\nname: Main\nnodes:\n  deploy: { workflow: ./sub.workflow.yaml, with: { ${input}: x } }\n`, ago);
  const sub = (input: string, ago?: number) => write('sub.workflow.yaml', `version: 1\nname: Sub\ninputs:\n  ${input}: {}\nnodes:\n  a: { run: x }\n`, ago);
  const problems = (found: ReturnType<typeof fileGraph>) => (found as { graph: DagGraph }).graph.nodes[0].problems.map((p) => p.message);

  it('is kept while nothing it was made of changed', () => {
    sub('target');
    const path = main('target');
    const first = fileGraph(path);
    assert.deepEqual(problems(first), []);
    assert.equal(fileGraph(path), first, 'the same graph, not made again');
  });

  it('is kept from a validation in the background (a panel is open): the panel moving to the file does not validate it again', () => {
    sub('target');
    const path = main('target');
    const read = stampBeforeRead(path);
    const made = graphOfValidated(path, read, validateFile(path, readFileText(path)));
    assert.equal(fileGraph(path), made);
    main('place');
    const before = stampBeforeRead(path);
    main('target', -60);
    const stale = graphOfValidated(path, before, validateFile(path, readFileText(path)));
    assert.notEqual(fileGraph(path), stale, 'a file written after its stamp is read again');
    assert.ok(isWorkerRequest({ type: 'validate', id: 1, path, keepGraph: true }));
    assert.ok(!isWorkerRequest({ type: 'validate', id: 1, path, keepGraph: 'yes' }));
  });

  it('is made again when a sub-workflow it read changes, or the file itself', () => {
    sub('target');
    const path = main('target');
    const first = fileGraph(path);
    sub('place', 30);
    const second = fileGraph(path);
    assert.notEqual(second, first);
    assert.match(problems(second).join('\n'), /'target'/);
    main('place');
    const third = fileGraph(path);
    assert.deepEqual(problems(third), []);
  });

  it('is not kept when a sub-workflow was written while it was made, which it may have read before or after', () => {
    sub('target', -60);
    const path = main('target');
    const first = fileGraph(path);
    assert.notEqual(fileGraph(path), first);
  });

  it('says a file that went away is gone, and forgets its graph', () => {
    sub('target');
    const path = main('target');
    fileGraph(path);
    rmSync(path);
    assert.deepEqual(fileGraph(path), { unreadable: 'it may have been deleted or moved' });
  });
});
