// Validation of the nodes that run other workflow files: the file must exist, must not run this one again (directly
// or through others), and the chain must not nest deeper than a run goes.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesBeside } from '../../src/engine/validateFile';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { codes, diagnose, yaml } from './helpers';

const header = ['version: 1', 'name: Test'];

describe('validation of sub-workflow nodes', () => {
  it('checks that sub-workflows exist when it can', () => {
    const text = yaml(...header, 'nodes:', '  sub: { workflow: ./other.workflow.yaml }');
    assert.deepEqual(codes(text), [], 'without a file system, paths are not checked');
    assert.deepEqual(codes(text, { fileExists: () => false }), ['4:missing-workflow']);
    assert.deepEqual(codes(text, { fileExists: () => true }), []);
  });

  it('refuses a sub-workflow that is the file itself, as the file system names it', () => {
    const text = yaml(...header, 'nodes:', '  again: { workflow: ./w.workflow.yaml }', '  other: { workflow: ../w.workflow.yaml }');
    const options = filesBeside('/work/flows/w.workflow.yaml');
    const found = diagnose(text, { ...options, fileExists: () => true, workflowInputs: () => undefined });
    assert.deepEqual(
      found.map((d) => [d.code, d.line, d.text]),
      [['recursive-workflow', 4, './w.workflow.yaml']],
    );
    assert.equal(found[0].message, "node 'again' runs this very workflow: a workflow cannot include itself");
  });

  it('refuses a sub-workflow that runs the file again through others, naming the files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-loop-'));
    try {
      mkdirSync(join(dir, 'more'));
      const file = (name: string, ...nodes: string[]) => writeFileSync(join(dir, name), yaml(...header, 'nodes:', ...nodes));
      file('b.workflow.yaml', '  x: { run: "true" }', '  c: { workflow: ./more/c.workflow.yaml }');
      file('more/c.workflow.yaml', '  back: { workflow: ../a.workflow.yaml }');
      file('d.workflow.yaml', '  e: { workflow: ./b.workflow.yaml }', '  f: { workflow: ./d.workflow.yaml }');
      const a = join(dir, 'a.workflow.yaml');
      const text = yaml(
        ...header,
        'nodes:',
        '  b: { workflow: ./b.workflow.yaml }',
        '  d: { workflow: d.workflow.yaml }',
        '  c: { workflow: more/c.workflow.yaml }',
      );
      const found = diagnose(text, filesBeside(a));
      assert.deepEqual(
        found.map((d) => [d.code, d.line, d.message]),
        [
          [
            'recursive-workflow',
            4,
            "node 'b' runs b.workflow.yaml, which runs this workflow again (b.workflow.yaml → more/c.workflow.yaml → this file): a workflow cannot include itself",
          ],
          [
            'recursive-workflow',
            5,
            "node 'd' runs d.workflow.yaml, which runs this workflow again (d.workflow.yaml → b.workflow.yaml → more/c.workflow.yaml → this file): a workflow cannot include itself",
          ],
          [
            'recursive-workflow',
            6,
            "node 'c' runs more/c.workflow.yaml, which runs this workflow again (more/c.workflow.yaml → this file): a workflow cannot include itself",
          ],
        ],
      );
      // Mended on disk, the loop is gone at the next validation (d's own loop is d's to report).
      file('more/c.workflow.yaml', '  back: { run: "true" }');
      assert.deepEqual(diagnose(text, filesBeside(a)), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses sub-workflows nested deeper than a run goes, on the node that starts the chain', () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-deep-'));
    try {
      // s1 runs s2, … s7 runs s8; s8 runs nothing. From a file running s1, 9 files deep; from one running s2, 8.
      for (let i = 1; i <= 8; i++) {
        const node = i < 8 ? `  next: { workflow: ./s${i + 1}.workflow.yaml }` : '  end: { run: "true" }';
        writeFileSync(join(dir, `s${i}.workflow.yaml`), yaml(...header, 'nodes:', '  side: { run: "true" }', node));
      }
      const text = yaml(...header, 'nodes:', '  deep: { workflow: ./s1.workflow.yaml }', '  fits: { workflow: ./s2.workflow.yaml }');
      const found = diagnose(text, filesBeside(join(dir, 'top.workflow.yaml')));
      assert.deepEqual(
        found.map((d) => [d.code, d.line, d.message]),
        [
          [
            'nested-too-deep',
            4,
            "node 'deep' runs ./s1.workflow.yaml, whose sub-workflows nest 9 workflow files deep with this one: a run nests at most 8, and would fail there",
          ],
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("a sub-workflow node's outputs, checked against what the file it runs gives", () => {
    let dir: string;
    const deploy = yaml(
      ...header,
      'nodes:',
      '  push:',
      '    run: |',
      '      echo "url=https://example.test" >> "$MAESTRO_OUTPUT"',
      '  tag: { run: "true", outputs: [Version] }',
    );
    const diagnoseIn = (...nodes: string[]) => diagnose(yaml(...header, 'nodes:', ...nodes), filesBeside(join(dir, 'top.workflow.yaml')));
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'maestro-sub-outputs-'));
      writeFileSync(join(dir, 'deploy.workflow.yaml'), deploy);
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('warns at a read of an output no node of that file declares or writes, and reads others in any case', () => {
      const found = diagnoseIn(
        '  deploy: { workflow: ./deploy.workflow.yaml }',
        '  after:',
        '    needs: deploy',
        '    run: echo "$V"',
        '    env: { V: "${{ nodes.deploy.outputs.URL }} ${{ nodes.deploy.outputs.version }} ${{ nodes.deploy.outputs.urls }} ${{ nodes.deploy.outputs.* }}" }',
      );
      assert.deepEqual(
        found.map((d) => [d.code, d.severity, d.line, d.text, d.message]),
        [
          [
            'undeclared-output',
            'warning',
            8,
            'urls',
            "node 'deploy' gives no output 'urls': no node of ./deploy.workflow.yaml, which it runs, declares or writes it — did you mean 'url'?",
          ],
        ],
      );
    });

    it('warns at a name in its outputs that no node of that file gives, as written, and checks reads against the list', () => {
      const found = diagnoseIn(
        '  deploy: { workflow: ./deploy.workflow.yaml, outputs: [url, version, digest] }',
        '  after: { needs: deploy, run: echo "$V", env: { V: "${{ nodes.deploy.outputs.digest }} ${{ nodes.deploy.outputs.tag }}" } }',
      );
      assert.deepEqual(
        found.map((d) => [d.code, d.line, d.text]),
        [
          ['undeclared-output', 4, 'version'],
          ['undeclared-output', 4, 'digest'],
          ['undeclared-output', 5, 'tag'],
        ],
      );
      assert.match(
        found[0].message,
        /^\.\/deploy\.workflow\.yaml gives no output 'version': none of its nodes declares or writes it, so 'deploy' would have no value for it — did you mean 'Version'\?$/,
      );
      assert.match(found[2].message, /^node 'deploy' does not declare an output 'tag'/);
      // A list entry is fixed to the name meant, as is a read of a sub-run's output.
      const listed = validateWorkflow(
        yaml(...header, 'nodes:', '  deploy: { workflow: ./deploy.workflow.yaml, outputs: [url, version] }'),
        filesBeside(join(dir, 'top.workflow.yaml')),
      );
      assert.deepEqual(
        listed.diagnostics.map((d) => d.fixes?.map((f) => [f.title, f.edits[0].newText])),
        [[["Change to 'Version'", 'Version']]],
      );
      const read = validateWorkflow(
        yaml(
          ...header,
          'nodes:',
          '  deploy: { workflow: ./deploy.workflow.yaml }',
          '  after: { needs: deploy, run: echo "$V", env: { V: "${{ nodes.deploy.outputs.urls }}" } }',
        ),
        filesBeside(join(dir, 'top.workflow.yaml')),
      );
      assert.deepEqual(
        read.diagnostics.map((d) => d.fixes?.map((f) => [f.title, f.edits[0].newText])),
        [[["Change to 'url'", 'url']]],
      );
    });

    it('follows a sub-workflow node that lists no outputs into the file it runs, and says nothing where a file on the way cannot be read', () => {
      const reads = (file: string, output = 'anything') => [
        `  deploy: { workflow: ./${file} }`,
        `  after: { needs: deploy, run: echo "$V", env: { V: "\${{ nodes.deploy.outputs.${output} }}" } }`,
      ];
      const file = (name: string, ...nodes: string[]) => writeFileSync(join(dir, name), yaml(...header, 'nodes:', ...nodes));
      // open → deploy: what deploy gives, open gives; open → missing: anything.
      file(
        'open.workflow.yaml',
        '  inner: { workflow: ./deploy.workflow.yaml }',
        '  also: { workflow: ./deploy.workflow.yaml }',
        '  own: { run: x, outputs: [mine] }',
      );
      file('unknown.workflow.yaml', '  inner: { workflow: ./missing.workflow.yaml }');
      file('loop.workflow.yaml', '  back: { workflow: ./loop.workflow.yaml }');
      writeFileSync(join(dir, 'broken.workflow.yaml'), 'nodes: [');
      assert.deepEqual(
        diagnoseIn(...reads('open.workflow.yaml')).map((d) => [d.text, d.message]),
        [
          [
            'anything',
            "node 'deploy' gives no output 'anything': no node of ./open.workflow.yaml, which it runs, declares or writes it (its outputs: mine, url, Version)",
          ],
        ],
      );
      assert.deepEqual(diagnoseIn(...reads('open.workflow.yaml', 'version')), [], 'a grandchild writes it');
      assert.deepEqual(diagnoseIn(...reads('unknown.workflow.yaml')), []);
      assert.deepEqual(diagnoseIn(...reads('broken.workflow.yaml')), []);
      assert.deepEqual(diagnoseIn(...reads('loop.workflow.yaml')), [], 'a file that runs itself (reported there) gives what cannot be known');
      file('closed.workflow.yaml', '  inner: { workflow: ./missing.workflow.yaml, outputs: [url] }');
      assert.deepEqual(
        diagnoseIn(...reads('closed.workflow.yaml')).map((d) => d.text),
        ['anything'],
      );
    });
  });
});
