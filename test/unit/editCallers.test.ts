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

  it('is refused with another action', async () => {
    assert.equal(await edit('rename', 'build', 'make'), 2);
    assert.match(err, /--callers follows a rename-input or a rename-output/);
  });
});
