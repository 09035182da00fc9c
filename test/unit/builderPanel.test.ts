import { strict as assert } from 'node:assert';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex } from '../../src/engine/workflowIndex';
import { dagGraphOf } from '../../src/engine/dagGraph';
import { connectionProblem } from '../../src/webview/state/connections';
import { createPanelStore } from '../../src/webview/state/store';
import { yaml } from './helpers';

const graph = dagGraphOf(
  buildIndex(
    validateWorkflow(
      yaml(
        'version: 1',
        'name: G',
        'nodes:',
        '  a: { run: x }',
        '  b: { needs: a, run: x, timeout: soon }',
        '  c:',
        '    needs: b',
        '    name: C',
        '    env: { K: v }',
        '    retry: { max: 2 }',
        '    continueOnError: true',
        '    cache: { files: [src/**] }',
        '    description: Checks it.',
        '    artifacts: [out/*.xml]',
        '    shell: python3 -u',
        '    cwd: tools',
        '    image: python:3.12',
        '    run: |',
        '      echo c',
      ),
    ),
  ),
).graph;

describe('DAG panel: the builder', () => {
  it('refuses, before asking the host, connections that close a cycle or repeat an edge', () => {
    assert.equal(connectionProblem(graph, 'a', 'c'), undefined);
    assert.equal(connectionProblem(graph, 'c', 'a'), 'c needs a already: this would make a cycle');
    assert.equal(connectionProblem(graph, 'a', 'b'), 'b already needs a');
    assert.equal(connectionProblem(graph, 'a', 'a'), 'a node cannot need itself');
    assert.equal(connectionProblem(graph, 'a', 'zz'), 'drop on a node');
  });

  it("gives the form each node's properties as the file writes them, and its problems by property", () => {
    const c = graph.nodes.find((n) => n.id === 'c')!;
    assert.deepEqual(c.fields, {
      name: 'C',
      description: 'Checks it.',
      artifacts: ['out/*.xml'],
      run: 'echo c\n',
      retry: 2,
      continueOnError: true,
      failFast: false,
      cache: true,
      outputs: [],
      env: { K: 'v' },
      shell: 'python3 -u',
      cwd: 'tools',
      image: 'python:3.12',
      with: {},
    });
    const b = graph.nodes.find((n) => n.id === 'b')!;
    assert.deepEqual(
      b.problems.map((p) => [p.field, p.severity]),
      [['timeout', 'error']],
    );
  });

  it("gives the settings form the workflow's own settings as written, and the problems of each top-level property", () => {
    const settings = (...lines: string[]) => dagGraphOf(buildIndex(validateWorkflow(yaml(...lines)))).graph.settings;
    assert.deepEqual(settings('version: 1', 'name: G', 'description: Ships.', 'concurrency: 4', 'timeout: 30m', 'mutex: deploy', 'nodes:', '  a: { run: x }'), {
      name: 'G',
      description: 'Ships.',
      concurrency: '4',
      timeout: '30m',
      mutex: ['deploy'],
      inputs: [],
      problems: [],
    });
    const wrong = settings('version: 1', 'name: G', 'timeout: soon', 'concurrency: many', 'mutex: [a, b]', 'nodes:', '  a: { run: x, timeout: later }');
    assert.deepEqual(wrong?.mutex, ['a', 'b']);
    assert.deepEqual(
      wrong?.problems.map((p) => p.field),
      ['timeout', 'concurrency'],
      "a node's problems are the node's",
    );
    const inputs = settings(
      'version: 1',
      'name: G',
      'inputs:',
      '  target: { type: string, required: true, secret: true, description: Where }',
      '  count: { type: number, default: many }',
      '  flag: { type: boolean, default: true }',
      'nodes:',
      '  a: { run: x }',
    );
    assert.deepEqual(inputs?.inputs, [
      { name: 'target', type: 'string', required: true, secret: true, description: 'Where' },
      { name: 'count', type: 'number', default: 'many' },
      { name: 'flag', type: 'boolean', default: true },
    ]);
    assert.deepEqual(
      inputs?.problems.map((p) => p.field),
      ['inputs.count'],
      "a problem in an input is that input's",
    );
    const defaults = settings(
      'version: 1',
      'name: G',
      'env: { REGION: eu, DEBUG: true }',
      'defaults:',
      '  timeout: soon',
      '  retry: { max: 3, backoff: exponential }',
      '  shell: bash -x',
      'nodes:',
      '  a: { run: x }',
    );
    assert.deepEqual(
      [defaults?.env, defaults?.defaults],
      [
        { REGION: 'eu', DEBUG: 'true' },
        { timeout: 'soon', shell: 'bash -x', retry: '3' },
      ],
    );
    assert.deepEqual(
      defaults?.problems.map((p) => p.field),
      ['defaults.timeout'],
      "a problem in a default is that default's",
    );
  });

  it('says the same announcement again when it repeats', () => {
    const store = createPanelStore();
    store.getState().announce('Deleted a');
    const first = store.getState().announcement;
    store.getState().announce('Deleted a');
    assert.notEqual(store.getState().announcement, first);
    assert.match(store.getState().announcement, /^Deleted a/);
  });
});
