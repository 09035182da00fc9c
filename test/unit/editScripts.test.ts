import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import type { Output } from '../../src/cli/output';

const FLOW = `version: 1
name: release
nodes:
  build:
    run: ./release.sh
    outputs: [version]
  ship: { needs: build, run: ./ship.sh, env: { V: "\${{ nodes.build.outputs.version }}" } }
`;

const RELEASE = `#!/bin/bash
v=$(date +%s)
echo "version=$v" >> "$MAESTRO_OUTPUT"
echo "version is $v"
`;

describe('cli: edit rename-output renames the output where a script file the node runs (or one it sources) writes it', () => {
  let dir = '';
  let err = '';
  let out = '';
  const io: Output = { out: (t) => (out += t), err: (t) => (err += t), isTTY: false };
  const edit = (...args: string[]) => {
    err = '';
    out = '';
    return main(['edit', join(dir, 'release.workflow.yaml'), 'rename-output', 'build', ...args], io);
  };
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maestro-scripts-'));
    writeFileSync(join(dir, 'release.workflow.yaml'), FLOW);
    writeFileSync(join(dir, 'release.sh'), RELEASE);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('says which file it would edit, and edits it with --write, with nothing left to note', async () => {
    assert.equal(await edit('version', 'release'), 0);
    assert.match(out, /outputs: \[release\]/);
    assert.equal(err, `maestro-dag: with --write, would also edit ${join(dir, 'release.sh')}\n`);
    assert.equal(read('release.sh'), RELEASE);
    assert.equal(await edit('version', 'release', '--write'), 0);
    assert.equal(read('release.sh'), RELEASE.replace('echo "version=$v"', 'echo "release=$v"'));
    assert.equal(read('release.workflow.yaml'), FLOW.replace('[version]', '[release]').replace('outputs.version', 'outputs.release'));
    assert.equal(err, `maestro-dag: also edited ${join(dir, 'release.sh')}\n`);
  });

  it('notes the write it cannot see where the file is missing or writes no such output', async () => {
    rmSync(join(dir, 'release.sh'));
    assert.equal(await edit('version', 'release', '--write'), 0);
    assert.match(err, /the script of 'build' does not write 'version' where the rename can see it/);
  });

  it('refuses, changing nothing, where the file writes the new name already', async () => {
    writeFileSync(join(dir, 'release.sh'), `${RELEASE}echo "release=x" >> "$MAESTRO_OUTPUT"\n`);
    assert.equal(await edit('version', 'release', '--write'), 2);
    assert.equal(err, `maestro-dag: ${join(dir, 'release.sh')}: it writes an output 'release' already\n`);
    assert.equal(read('release.workflow.yaml'), FLOW);
  });

  it('renames an output the file does not name, written only by a script it runs or one that script sources', async () => {
    writeFileSync(join(dir, 'release.workflow.yaml'), 'version: 1\nname: release\nnodes:\n  build: { run: ./release.sh }\n');
    writeFileSync(join(dir, 'release.sh'), '#!/bin/sh\n. ./lib.sh\n');
    writeFileSync(join(dir, 'lib.sh'), RELEASE);
    assert.equal(await edit('version', 'release', '--write'), 0);
    assert.equal(err, `maestro-dag: also edited ${join(dir, 'lib.sh')}\n`);
    assert.equal(read('lib.sh'), RELEASE.replace('echo "version=$v"', 'echo "release=$v"'));
    // An output no script writes either, and a name no output may have, are refused as before.
    assert.equal(await edit('version', 'stamp'), 2);
    assert.equal(err, "maestro-dag: node 'build' has no output 'version'\n");
    assert.equal(await edit('release', 'bad name'), 2);
    assert.match(err, /'bad name' cannot name an output/);
    assert.equal(read('lib.sh'), RELEASE.replace('echo "version=$v"', 'echo "release=$v"'));
  });
});
