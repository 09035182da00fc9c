// Language services for sub-workflows: the workspace's workflow files completed on a node's `workflow:` value,
// written as the engine reads them, the inputs the named file declares under the node's `with:`, links and a hover.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InputSpec } from '../../src/engine/model';
import { givenOutputs } from '../../src/engine/validateFile';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex } from '../../src/engine/workflowIndex';
import { complete } from '../../src/extension/language/completion';
import { hoverAt } from '../../src/extension/language/hover';
import { subWorkflowLinks } from '../../src/extension/language/navigation';
import { MAX_WORKFLOW_CHOICES, workflowFileChoices, type FileLookups } from '../../src/extension/language/subWorkflowCompletion';
import { yaml } from './helpers';

const FILE = '/w/flows/outer.workflow.yaml';
const FILES = [FILE, '/w/flows/deploy.workflow.yaml', '/w/flows/sub/test.workflow.yaml', '/w/shared/build.workflow.yaml', '/w/my flow #2.workflow.yaml'];
const DEPLOY_INPUTS: Record<string, InputSpec> = {
  region: { name: 'region', type: 'string', required: true, description: 'Where to **deploy**' },
  replicas: { name: 'replicas', type: 'number', default: 2, required: false },
  dryRun: { name: 'dryRun', type: 'boolean', required: false },
};

const lookups: FileLookups = {
  file: FILE,
  workflowFiles: FILES,
  inputsOf: (written) => (written === './deploy.workflow.yaml' ? DEPLOY_INPUTS : undefined),
  outputsOf: (written) => (written === './deploy.workflow.yaml' ? ['url', 'version'] : undefined),
};

/** Completion at the `|` of a document. */
function completeAt(...lines: string[]) {
  const marked = yaml(...lines);
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return { items: complete(buildIndex(validateWorkflow(text)), offset, lookups), text, offset };
}

const head = ['version: 1', 'name: Outer', 'nodes:', '  prep:', '    run: echo prep'];

describe('completion of sub-workflows', () => {
  it("offers the workspace's other workflow files on `workflow:`, relative to the file, nearest first", () => {
    const { items, offset } = completeAt(...head, '  deploy:', '    workflow: |');
    assert.deepEqual(
      items.sort((a, b) => a.sortText!.localeCompare(b.sortText!)).map((i) => i.insertText),
      ['./deploy.workflow.yaml', './sub/test.workflow.yaml', '"../my flow #2.workflow.yaml"', '../shared/build.workflow.yaml'],
    );
    assert.ok(
      items.every((i) => i.kind === 'file' && i.replaceStart === offset),
      'the file itself is not offered',
    );
  });

  it('offers the nearest files of a workspace that has thousands', () => {
    const many = Array.from({ length: 3000 }, (_, i) => `/w/${i % 2 ? 'flows/deep/er' : 'far/away'}/f${i}.workflow.yaml`);
    const choices = workflowFileChoices(FILE, [...many, '/w/flows/near.workflow.yaml']);
    assert.equal(choices.length, MAX_WORKFLOW_CHOICES);
    assert.equal(choices[0], './near.workflow.yaml');
    assert.ok(
      choices.every((c) => !c.startsWith('../')),
      'those below the file come before those above it',
    );
  });

  it('replaces the whole path typed so far, and leaves quoting to a value already quoted', () => {
    const typed = completeAt(...head, '  deploy:', '    workflow: ./sub/te|');
    assert.equal(typed.items[0].replaceStart, typed.offset - './sub/te'.length);
    const quoted = completeAt(...head, '  deploy:', "    workflow: '../my|");
    const odd = quoted.items.find((i) => i.label.includes('#'));
    assert.deepEqual([odd?.insertText, odd?.replaceStart], ['../my flow #2.workflow.yaml', quoted.offset - '../my'.length]);
  });

  it('offers the inputs the sub-workflow declares under `with:`, required first, those given left out', () => {
    const { items } = completeAt(...head, '  deploy:', '    workflow: ./deploy.workflow.yaml', '    with:', '      replicas: 3', '      |');
    assert.deepEqual(
      items.map((i) => [i.label, i.detail, i.insertText]),
      [
        ['region', 'string · required', 'region: $0'],
        ['dryRun', 'boolean', 'dryRun: $0'],
      ],
    );
    assert.equal(items[0].documentation, 'Where to \\*\\*deploy\\*\\*', "the other file's description shows as text");
  });

  it('offers them as keys of a flow mapping on the `with:` line, not after a key', () => {
    const flow = completeAt(...head, '  deploy:', '    workflow: ./deploy.workflow.yaml', '    with: { replicas: 3, |}');
    assert.deepEqual(
      flow.items.map((i) => [i.label, i.replaceStart === flow.offset]),
      [
        ['region', true],
        ['dryRun', true],
      ],
    );
    const typed = completeAt(...head, '  deploy:', '    workflow: ./deploy.workflow.yaml', '    with: { re|');
    assert.equal(typed.items[0].replaceStart, typed.offset - 2);
    assert.deepEqual(completeAt(...head, '  deploy:', '    workflow: ./deploy.workflow.yaml', '    with: { region: |').items, []);
  });

  it('offers files and inputs in a node written wholly in flow style', () => {
    const files = completeAt(...head, '  deploy: { workflow: ./de| }');
    assert.deepEqual(files.items[0]?.label, './deploy.workflow.yaml');
    assert.equal(files.items[0]?.replaceStart, files.offset - 4);
    const inputs = completeAt(...head, '  deploy: { workflow: ./deploy.workflow.yaml, with: { | , dryRun: true } }');
    assert.deepEqual(
      inputs.items.map((i) => i.label),
      ['region', 'replicas'],
    );
  });

  it("offers the outputs the sub-workflow's nodes declare after nodes.<id>.outputs., unless the node lists its own", () => {
    const tail = (workflow: string, outputs = '') => [
      `  deploy: { workflow: ${workflow}${outputs} }`,
      '  notify:',
      '    needs: deploy',
      '    run: echo ${{ nodes.deploy.outputs.| }}',
    ];
    assert.deepEqual(
      completeAt(...head, ...tail('./deploy.workflow.yaml')).items.map((i) => [i.label, i.kind]),
      [
        ['url', 'output'],
        ['version', 'output'],
      ],
    );
    assert.deepEqual(
      completeAt(...head, ...tail('./deploy.workflow.yaml', ', outputs: [url]')).items.map((i) => i.label),
      ['url'],
    );
    assert.deepEqual(completeAt(...head, ...tail('./gone.workflow.yaml')).items, []);
  });

  it("reads the outputs a sub-run of a workflow file gives: what its nodes declare, stdoutAs, write and a gate's, each once", () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-outputs-'));
    try {
      const file = join(dir, 'deploy.workflow.yaml');
      writeFileSync(
        file,
        yaml(
          'version: 1',
          'name: D',
          'nodes:',
          '  a: { run: x, outputs: [url, version] }',
          '  b: { run: y, stdoutAs: list, outputs: [url] }',
          '  c:',
          '    run: |',
          '      echo "digest=$(cat d)" >> "$MAESTRO_OUTPUT"',
          '      echo "url=$u" >> "$MAESTRO_OUTPUT"',
          '  gate: { approval: { prompt: Go? } }',
          '  inner: { workflow: ./inner.workflow.yaml, outputs: [report] }',
        ),
      );
      assert.deepEqual(givenOutputs(file), ['url', 'version', 'list', 'digest', 'approved', 'approvedBy', 'comment', 'report']);
      assert.equal(givenOutputs(join(dir, 'gone.workflow.yaml')), undefined);
      const open = join(dir, 'open.workflow.yaml');
      writeFileSync(open, yaml('version: 1', 'name: O', 'nodes:', '  a: { run: x, outputs: [url] }', '  inner: { workflow: ./inner.workflow.yaml }'));
      assert.equal(givenOutputs(open), undefined, 'a sub-workflow node that lists no outputs gives what its file gives, which cannot be read');
      writeFileSync(join(dir, 'inner.workflow.yaml'), yaml('version: 1', 'name: I', 'nodes:', '  deep: { run: x, outputs: [report, depth] }'));
      assert.deepEqual(givenOutputs(open), ['url', 'report', 'depth']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('offers nothing under `with:` of a sub-workflow that cannot be read, and keeps the schema elsewhere', () => {
    assert.deepEqual(completeAt(...head, '  deploy:', '    workflow: ./missing.workflow.yaml', '    with:', '      |').items, []);
    assert.ok(completeAt(...head, '  deploy:', '    workflow: ./deploy.workflow.yaml', '    |').items.some((i) => i.label === 'with'));
    assert.ok(!completeAt(...head, '  deploy:', '    run: |').items.some((i) => i.kind === 'file'));
  });
});

describe('links to sub-workflows', () => {
  it("finds each node's workflow: path, inside its quotes, in block and flow style", () => {
    const text = yaml(
      'version: 1',
      'name: Outer',
      'nodes:',
      '  a:',
      '    workflow: ./a.workflow.yaml   # the first',
      '  b: { workflow: "../shared/b.workflow.yaml", needs: a }',
      "  c: { workflow: 'c d.workflow.yaml' }",
      '  d: { run: echo ./d.workflow.yaml }',
    );
    const links = subWorkflowLinks(buildIndex(validateWorkflow(text)));
    assert.deepEqual(
      links.map((l) => [l.nodeId, l.written, text.slice(l.span.start, l.span.end)]),
      [
        ['a', './a.workflow.yaml', './a.workflow.yaml'],
        ['b', '../shared/b.workflow.yaml', '../shared/b.workflow.yaml'],
        ['c', 'c d.workflow.yaml', 'c d.workflow.yaml'],
      ],
    );
  });
});

describe('hover over a sub-workflow path', () => {
  it('shows what the file says of itself: its name, size, description and inputs, as text', () => {
    const text = yaml('version: 1', 'name: Outer', 'nodes:', '  deploy:', '    workflow: "./deploy.workflow.yaml"');
    const index = buildIndex(validateWorkflow(text));
    const offset = text.indexOf('deploy.workflow');
    const summary = { name: 'Deploy [prod](http://x)', description: 'Ships *it*', nodes: 1, inputs: DEPLOY_INPUTS };
    const hover = hoverAt(index, offset, { describe: (written) => (written === './deploy.workflow.yaml' ? summary : undefined) });
    assert.equal(text.slice(hover!.span.start, hover!.span.end), './deploy.workflow.yaml');
    assert.equal(
      hover!.markdown,
      [
        '**Deploy \\[prod\\]\\(http\\://x\\)** — `./deploy.workflow.yaml`, 1 node',
        '',
        'Ships \\*it\\*',
        '',
        '- inputs: `region` (string, required) · `replicas` (number, default `2`) · `dryRun` (boolean)',
      ].join('\n'),
    );
    assert.equal(hoverAt(index, offset), undefined, 'nothing to read the file with: no hover');
    assert.equal(hoverAt(index, offset, { describe: () => undefined }), undefined, 'a file that cannot be read: no hover');
  });
});
