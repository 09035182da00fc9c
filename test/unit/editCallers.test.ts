import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import type { Output } from '../../src/cli/output';

const INNER = `version: 1
name: inner
inputs:
  target: { type: string }
nodes:
  build:
    run: echo "version=1" >> "$MAESTRO_OUTPUT"
    outputs: [version]
    env: { TO: "\${{ inputs.target }}" }
`;

const OUTER = `version: 1
name: outer
nodes:
  deploy:
    workflow: ../inner.workflow.yaml
    with: { target: production }   # kept
    outputs: [version]
  tag: { needs: deploy, run: git tag "$V", env: { V: "\${{ nodes.deploy.outputs.version }}" } }
`;

describe('cli: edit --callers follows a rename into the workflows that run the file', () => {
  let dir = '';
  let err = '';
  const io: Output = { out: () => undefined, err: (t) => (err += t), isTTY: false };
  const edit = (...args: string[]) => {
    err = '';
    return main(['edit', join(dir, 'inner.workflow.yaml'), ...args, '--callers', dir], io);
  };
  const outer = () => readFileSync(join(dir, 'sub', 'outer.workflow.yaml'), 'utf8');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maestro-callers-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'inner.workflow.yaml'), INNER);
    writeFileSync(join(dir, 'sub', 'outer.workflow.yaml'), OUTER);
    writeFileSync(join(dir, 'other.workflow.yaml'), 'version: 1\nname: other\nnodes:\n  s: { workflow: ./elsewhere.workflow.yaml, with: { target: x } }\n');
    writeFileSync(join(dir, 'latin1.workflow.yaml'), Buffer.from('version: 1\nname: caf\xe9\nnodes:\n  s: { workflow: ./inner.workflow.yaml }\n', 'latin1'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the files it would edit, and edits them with --write', async () => {
    assert.equal(await edit('rename-input', 'target', 'environment'), 0);
    assert.match(err, /latin1\.workflow\.yaml is not UTF-8: not looked at/);
    assert.match(err, /with --write, would also edit .*sub\/outer\.workflow\.yaml\n/);
    assert.equal(outer(), OUTER, 'nothing written without --write');
    assert.equal(await edit('rename-input', 'target', 'environment', '--write'), 0);
    assert.match(err, /also edited .*sub\/outer\.workflow\.yaml\n/);
    assert.equal(outer(), OUTER.replace('{ target: production }', '{ environment: production }'));
    assert.doesNotMatch(readFileSync(join(dir, 'other.workflow.yaml'), 'utf8'), /environment/, 'a workflow that runs another file');
    assert.equal(await edit('rename-output', 'build', 'version', 'release', '--write'), 0);
    assert.equal(
      outer(),
      OUTER.replace('{ target: production }', '{ environment: production }').replace(/\[version\]|outputs\.version/g, (m) => m.replace('version', 'release')),
    );
    assert.match(readFileSync(join(dir, 'inner.workflow.yaml'), 'utf8'), /echo "release=1"[^]*outputs: \[release\]/);
  });

  it('writes nothing when a caller refuses the new name, and says which', async () => {
    writeFileSync(join(dir, 'sub', 'outer.workflow.yaml'), OUTER.replace('{ target: production }', '{ target: production, environment: qa }'));
    assert.equal(await edit('rename-input', 'target', 'environment', '--write'), 2);
    assert.match(err, /node 'deploy' of .*outer\.workflow\.yaml gives both 'target' and 'environment' in its with:/);
    assert.equal(readFileSync(join(dir, 'inner.workflow.yaml'), 'utf8'), INNER);
  });

  it('leaves the callers reading an output another node of the file gives too, and says so', async () => {
    writeFileSync(join(dir, 'inner.workflow.yaml'), INNER + '  again: { run: echo "version=2" >> "$MAESTRO_OUTPUT" }\n');
    assert.equal(await edit('rename-output', 'build', 'version', 'release', '--write'), 0);
    assert.match(err, /'again' gives 'version' too: a workflow that runs this one goes on reading it/);
    assert.equal(outer(), OUTER);
  });

  it('follows an output on into the workflows that run a caller, as far as its sub-runs pass it on', async () => {
    // top runs outer (deploy lists no outputs, so a run of top reads outer's outputs, deploy's version among them);
    // wrapper runs outer through a node that lists [version]; passthrough runs inner with no list and reads nothing,
    // and top2 reads version from it; stop lists other outputs, so what runs it reads no version from it.
    const files: Record<string, string> = {
      'top.workflow.yaml': `version: 1
name: top
nodes:
  all: { workflow: ./sub/outer.workflow.yaml }
  show: { needs: all, run: echo "$V", env: { V: "\${{ nodes.all.outputs.version }}" } }
`,
      'wrapper.workflow.yaml': `version: 1
name: wrapper
nodes:
  w: { workflow: ./sub/outer.workflow.yaml, outputs: [version] }
  show: { needs: w, run: echo "$V", env: { V: "\${{ nodes.w.outputs.version }}" } }
`,
      'passthrough.workflow.yaml': 'version: 1\nname: passthrough\nnodes:\n  p: { workflow: ./inner.workflow.yaml, with: { target: t } }\n',
      'top2.workflow.yaml': `version: 1
name: top2
nodes:
  p: { workflow: ./passthrough.workflow.yaml }
  show: { needs: p, run: echo "$V", env: { V: "\${{ nodes.p.outputs.version }}" } }
`,
      'stop.workflow.yaml': `version: 1
name: stop
nodes:
  s: { workflow: ./inner.workflow.yaml, with: { target: t }, outputs: [other] }
`,
      'afterStop.workflow.yaml': `version: 1
name: afterStop
nodes:
  a: { workflow: ./stop.workflow.yaml }
  show: { needs: a, run: echo "$V", env: { V: "\${{ nodes.a.outputs.version }}" } }
`,
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    assert.equal(await edit('rename-output', 'build', 'version', 'release', '--write'), 0);
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    assert.equal(read('top.workflow.yaml'), files['top.workflow.yaml'].replace('outputs.version', 'outputs.release'));
    assert.equal(read('wrapper.workflow.yaml'), files['wrapper.workflow.yaml'].replace('[version]', '[release]').replace('outputs.version', 'outputs.release'));
    assert.equal(read('passthrough.workflow.yaml'), files['passthrough.workflow.yaml']);
    assert.equal(read('top2.workflow.yaml'), files['top2.workflow.yaml'].replace('outputs.version', 'outputs.release'));
    assert.equal(read('stop.workflow.yaml'), files['stop.workflow.yaml']);
    assert.equal(read('afterStop.workflow.yaml'), files['afterStop.workflow.yaml']);
    for (const name of Object.keys(files)) {
      const checked = await main(['validate', join(dir, name)], io);
      if (name !== 'afterStop.workflow.yaml') assert.equal(checked, 0, `${name} still valid: ${err}`);
    }
  });

  it('stops where a caller has another node that gives the old name, and says so', async () => {
    writeFileSync(join(dir, 'sub', 'outer.workflow.yaml'), OUTER + '  stamp: { run: echo "version=9" >> "$MAESTRO_OUTPUT" }\n');
    const top =
      'version: 1\nname: top\nnodes:\n  all: { workflow: ./sub/outer.workflow.yaml }\n  show: { needs: all, run: echo "$V", env: { V: "${{ nodes.all.outputs.version }}" } }\n';
    writeFileSync(join(dir, 'top.workflow.yaml'), top);
    assert.equal(await edit('rename-output', 'build', 'version', 'release', '--write'), 0);
    assert.match(err, /sub\/outer\.workflow\.yaml: 'stamp' gives 'version' too: a workflow that runs this one goes on reading it/);
    assert.match(outer(), /outputs: \[release\]/);
    assert.equal(readFileSync(join(dir, 'top.workflow.yaml'), 'utf8'), top);
  });

  it('is refused with another action', async () => {
    assert.equal(await edit('rename', 'build', 'make'), 2);
    assert.match(err, /--callers follows a rename-input or a rename-output/);
  });
});
