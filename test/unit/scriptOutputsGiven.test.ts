// The outputs a sub-workflow gives through the script files its nodes run (`run: ./release.sh`, which writes
// `echo "version=$v" >> "$MAESTRO_OUTPUT"`): read where they can be, for the checks of the workflows that run it.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeScriptsOf } from '../../src/engine/calledScripts';
import { runOutputs } from '../../src/engine/outputMentions';
import { MAX_SCRIPT_BYTES, nodeScriptFiles, scriptFileWrites } from '../../src/engine/scriptFiles';
import { dependencyFiles, filesBeside, validateFile } from '../../src/engine/validateFile';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex } from '../../src/engine/workflowIndex';
import { complete } from '../../src/extension/language/completion';
import { hoverAt } from '../../src/extension/language/hover';
import { diagnose, yaml } from './helpers';

const header = ['version: 1', 'name: Test'];

describe('the outputs script files write, for the workflows that run theirs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maestro-script-outputs-'));
    mkdirSync(join(dir, 'tools'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, ...lines: string[]): string => {
    writeFileSync(join(dir, name), lines.join('\n') + '\n');
    return join(dir, name);
  };
  const sub = (name: string, ...nodes: string[]) => write(name, ...header, 'nodes:', ...nodes);
  /** The messages of a workflow beside the others that runs `file` and reads its output `output`. */
  const readsOf = (file: string, output: string): string[] =>
    diagnose(
      yaml(
        ...header,
        'nodes:',
        `  deploy: { workflow: ./${file} }`,
        `  after: { needs: deploy, run: echo "$V", env: { V: "\${{ nodes.deploy.outputs.${output} }}" } }`,
      ),
      filesBeside(join(dir, 'top.workflow.yaml')),
    ).map((d) => d.message);

  it('names the script files a node runs from the workflow folder, through its working folder, or none it can place', () => {
    const scriptPathsOf = (node: Parameters<typeof nodeScriptsOf>[0]) => nodeScriptsOf(node)?.scripts.map((c) => c.path);
    assert.deepEqual(scriptPathsOf({ kind: 'run', run: './release.sh\nbash lib/x.sh' }), ['release.sh', 'lib/x.sh']);
    assert.deepEqual(scriptPathsOf({ kind: 'run', run: './build.sh', cwd: 'tools' }), ['tools/build.sh']);
    assert.deepEqual(scriptPathsOf({ kind: 'run', run: 'make', cwd: '${{ inputs.dir }}' }), [], 'runs no script file');
    assert.equal(scriptPathsOf({ kind: 'run', run: './build.sh', cwd: '${{ inputs.dir }}' }), undefined);
    assert.deepEqual(scriptPathsOf({ kind: 'approval' }), []);
    const parsed = validateWorkflow(yaml(...header, 'nodes:', '  a: { run: ./a.sh }', '  b: { run: ./b.sh, cwd: tools }', '  c: { run: ./a.sh }'));
    assert.deepEqual(runOutputs(parsed.parsed, parsed.workflow).scripts, [
      { cwd: '.', scripts: [{ path: 'a.sh' }] },
      { cwd: 'tools', scripts: [{ path: 'tools/b.sh' }] },
      { cwd: '.', scripts: [{ path: 'a.sh' }] },
    ]);
  });

  it('gives what the scripts write to the workflows that run the file, and warns at a name none of them writes', () => {
    write('tools/release.sh', '#!/bin/sh', 'echo "version=$(git describe)" >> "$MAESTRO_OUTPUT"');
    write('tools/build.sh', "printf 'digest=%s\\n' x >> $MAESTRO_OUTPUT");
    sub('release.workflow.yaml', '  release: { run: bash tools/release.sh }', '  build: { cwd: tools, run: ./build.sh }');
    assert.deepEqual(readsOf('release.workflow.yaml', 'version'), []);
    assert.deepEqual(readsOf('release.workflow.yaml', 'digest'), []);
    assert.deepEqual(readsOf('release.workflow.yaml', 'versoin'), [
      "node 'deploy' gives no output 'versoin': no node of ./release.workflow.yaml, which it runs, declares or writes it — did you mean 'version'?",
    ]);
    // Written again, the script is read again.
    write('tools/release.sh', '#!/bin/sh', 'echo "tag=v1" >> "$MAESTRO_OUTPUT"');
    assert.match(readsOf('release.workflow.yaml', 'version')[0], /gives no output 'version'/);
    assert.deepEqual(readsOf('release.workflow.yaml', 'tag'), []);
  });

  it('reads what a Python or JavaScript script file writes, told by its extension or its #! line, and a shell script sourced by neither', () => {
    write('tools/version.py', 'import os', 'with open(os.environ["MAESTRO_OUTPUT"], "a") as f:', '    f.write(f"version={v}\\n")');
    const digest = write('tools/digest', '#!/usr/bin/env node', 'fs.appendFileSync(process.env.MAESTRO_OUTPUT, `digest=${d}\\n`);', '. ./lib.sh');
    write('tools/lib.sh', 'echo "sourced=1" >> "$MAESTRO_OUTPUT"');
    sub('release.workflow.yaml', '  release: { run: python3 -u tools/version.py }', '  build: { cwd: tools, run: ./digest }');
    assert.deepEqual(readsOf('release.workflow.yaml', 'version'), []);
    assert.deepEqual(readsOf('release.workflow.yaml', 'digest'), []);
    assert.match(readsOf('release.workflow.yaml', 'versoin')[0], /gives no output 'versoin'.*did you mean 'version'\?/);
    // A program's text is not a shell's: `. ./lib.sh` there runs nothing.
    assert.match(readsOf('release.workflow.yaml', 'sourced')[0], /gives no output 'sourced'/);
    assert.deepEqual(scriptFileWrites({ path: digest }), [{ output: 'digest', at: readFileSync(digest, 'utf8').indexOf('digest=') }]);
  });

  it('reads a script file in the language of the program the line runs it with, whatever the file says', () => {
    // No #! line and no extension: run by python3, it is Python.
    write('tools/gen', 'import os', 'open(os.environ["MAESTRO_OUTPUT"], "a").write("version=1\\n")');
    // A .py file run by bash is read by bash: its Python writes nothing there, its echo does.
    write('tools/odd.py', 'echo "channel=stable" >> "$MAESTRO_OUTPUT"', 'open(os.environ["MAESTRO_OUTPUT"], "a").write("url=x\\n")');
    sub('release.workflow.yaml', '  release: { run: python3 tools/gen }', '  build: { run: bash tools/odd.py }');
    for (const output of ['version', 'channel']) assert.deepEqual(readsOf('release.workflow.yaml', output), [], output);
    assert.match(readsOf('release.workflow.yaml', 'url')[0], /gives no output 'url'/);
    // The same file run itself is read as its #! line or extension says, and the two readings are kept apart.
    const gen = join(dir, 'tools', 'gen');
    assert.deepEqual(scriptFileWrites({ path: gen, reader: 'python' }), [{ output: 'version', at: readFileSync(gen, 'utf8').indexOf('version=') }]);
    assert.deepEqual(scriptFileWrites({ path: gen }), []);
    const release = join(dir, 'release.workflow.yaml');
    assert.deepEqual(nodeScriptFiles(buildIndex(validateFile(release)), release, 'release'), [{ path: gen, reader: 'python' }]);
  });

  it('says nothing where a script cannot be read or placed: missing, a folder, a named pipe, too large, a working folder made by an expression', () => {
    sub('missing.workflow.yaml', '  release: { run: ./gone.sh }');
    mkdirSync(join(dir, 'folder.sh'));
    sub('folder.workflow.yaml', '  release: { run: ./folder.sh }');
    execFileSync('mkfifo', [join(dir, 'pipe.sh')]);
    sub('pipe.workflow.yaml', '  release: { run: ./pipe.sh }');
    write('big.sh', 'echo "size=1" >> "$MAESTRO_OUTPUT"', '#'.repeat(MAX_SCRIPT_BYTES));
    sub('big.workflow.yaml', '  release: { run: ./big.sh }');
    sub('placed.workflow.yaml', '  release: { run: ./release.sh, cwd: "${{ inputs.dir }}" }');
    for (const file of ['missing', 'folder', 'pipe', 'big', 'placed']) assert.deepEqual(readsOf(`${file}.workflow.yaml`, 'anything'), [], file);
    assert.equal(scriptFileWrites({ path: join(dir, 'pipe.sh') }), undefined);
    assert.equal(scriptFileWrites({ path: join(dir, 'big.sh') }), undefined);
    // A script that writes nothing it can see is read as writing nothing.
    write('quiet.sh', 'echo "$NAME=1" >> "$MAESTRO_OUTPUT"');
    sub('quiet.workflow.yaml', '  release: { run: ./quiet.sh }');
    assert.equal(readsOf('quiet.workflow.yaml', 'anything').length, 1);
  });

  it("follows the scripts a script runs or sources, one level down, from the node's working folder as the shell does", () => {
    write('tools/release.sh', '#!/bin/bash', 'set -e', '. ./lib/version.sh', 'source common.sh', 'bash ./lib/ship.sh "$1"');
    mkdirSync(join(dir, 'tools', 'lib'));
    write('tools/lib/version.sh', 'echo "version=$(git describe)" >> "$MAESTRO_OUTPUT"');
    write('tools/common.sh', 'echo "channel=stable" >> "$MAESTRO_OUTPUT"');
    write('tools/lib/ship.sh', 'echo "url=https://x" >> "$MAESTRO_OUTPUT"');
    sub('release.workflow.yaml', '  release: { cwd: tools, run: ./release.sh }');
    for (const output of ['version', 'channel', 'url']) assert.deepEqual(readsOf('release.workflow.yaml', output), [], output);
    assert.match(readsOf('release.workflow.yaml', 'versoin')[0], /gives no output 'versoin'.*did you mean 'version'\?/);
    // The editor's completion, definition and rename, and the CLI's rename, look in the same files.
    const release = join(dir, 'release.workflow.yaml');
    assert.deepEqual(
      nodeScriptFiles(buildIndex(validateFile(release)), release, 'release'),
      ['release.sh', 'lib/version.sh', 'common.sh', 'lib/ship.sh'].map((f, i) =>
        i ? { path: join(dir, 'tools', f), reader: 'shell' } : { path: join(dir, 'tools', f) },
      ),
    );
    const top = sub('top.workflow.yaml', '  deploy: { workflow: ./release.workflow.yaml }');
    assert.deepEqual(
      dependencyFiles(top, validateFile(top).workflow).sort(),
      [join(dir, 'release.workflow.yaml'), ...['common.sh', 'lib/ship.sh', 'lib/version.sh', 'release.sh'].map((f) => join(dir, 'tools', f))].sort(),
    );
  });

  it('says nothing where the scripts a script runs cannot all be known: one missing, one further down, a change of folder', () => {
    write('sources-missing.sh', '. ./gone.sh');
    write('deeper.sh', '. ./middle.sh');
    write('middle.sh', 'echo "a=1" >> "$MAESTRO_OUTPUT"', './bottom.sh');
    write('bottom.sh', 'echo "b=1" >> "$MAESTRO_OUTPUT"');
    write('moves.sh', 'cd "$(dirname "$0")"', '. ./middle.sh');
    write('leaf.sh', 'echo "c=1" >> "$MAESTRO_OUTPUT"');
    write('moves-later.sh', 'set -e; cd tools', '. ./leaf.sh');
    write('moves-if.sh', 'if [ -d tools ]; then cd tools; fi', './leaf.sh');
    for (const script of ['sources-missing', 'deeper', 'moves', 'moves-later', 'moves-if']) {
      sub(`${script}.workflow.yaml`, `  release: { run: ./${script}.sh }`);
      assert.deepEqual(readsOf(`${script}.workflow.yaml`, 'anything'), [], script);
    }
    // A script that sources one the node runs already adds nothing to follow.
    write('both.sh', '. ./bottom.sh');
    sub('both.workflow.yaml', '  first: { run: ./both.sh }', '  second: { run: ./bottom.sh }');
    assert.equal(readsOf('both.workflow.yaml', 'anything').length, 1);
    assert.deepEqual(readsOf('both.workflow.yaml', 'b'), []);
    // A change of folder in a script that runs no other changes nothing.
    write('builds.sh', 'cd build', 'make', 'echo "artifact=app" >> "$MAESTRO_OUTPUT"');
    sub('builds.workflow.yaml', '  build: { run: ./builds.sh }');
    assert.equal(readsOf('builds.workflow.yaml', 'anything').length, 1);
  });

  it('makes the scripts of the sub-workflows a file runs files its validation depends on', () => {
    write('tools/release.sh', 'echo "version=1" >> "$MAESTRO_OUTPUT"');
    sub('release.workflow.yaml', '  release: { run: ./tools/release.sh }', '  again: { run: ./tools/release.sh }');
    const top = sub('top.workflow.yaml', '  deploy: { workflow: ./release.workflow.yaml }', '  own: { run: ./mine.sh }');
    assert.deepEqual(dependencyFiles(top, validateFile(top).workflow).sort(), [join(dir, 'release.workflow.yaml'), join(dir, 'tools', 'release.sh')]);
  });
});

describe('the outputs a node gives through the script files it runs, in the editor', () => {
  const text = yaml(
    ...header,
    'nodes:',
    '  release:',
    '    run: |',
    '      ./tools/release.sh',
    '      echo "notes=x" >> "$MAESTRO_OUTPUT"',
    '  listed: { run: ./tools/release.sh, outputs: [digest] }',
    '  after:',
    '    needs: [release, listed]',
    '    run: echo "${{ nodes.release.outputs.version }} ${{ nodes.release.outputs. }}"',
  );
  const index = buildIndex(validateWorkflow(text));
  const lookups = {
    file: '/w/top.workflow.yaml',
    workflowFiles: [],
    inputsOf: () => undefined,
    outputsOf: () => undefined,
    scriptOutputsOf: (id: string) => (id === 'release' || id === 'listed' ? ['version', 'notes'] : []),
  };

  it('completes what they write beside what the node writes itself, once each; a node that lists its outputs offers the list', () => {
    const at = text.indexOf('outputs. }') + 'outputs.'.length;
    assert.deepEqual(
      complete(index, at, lookups).map((i) => i.label),
      ['notes', 'version'],
    );
    const listed = text.replace('nodes.release.outputs. ', 'nodes.listed.outputs. ');
    assert.deepEqual(
      complete(buildIndex(validateWorkflow(listed)), listed.indexOf('outputs. }') + 'outputs.'.length, lookups).map((i) => i.label),
      ['digest'],
    );
  });

  it('says on hover which script files may write an output the file does not', () => {
    const complete = text.replace(' ${{ nodes.release.outputs. }}', '');
    const read = buildIndex(validateWorkflow(complete));
    const hover = hoverAt(read, complete.indexOf('outputs.version') + 'outputs.v'.length);
    assert.match(hover!.markdown, /Not written in this file: `\.\/tools\/release\.sh`, which it runs, may write it/);
    // Where the scripts can be read, the one that writes it is named: the node's own, or one it sources.
    const at = complete.indexOf('outputs.version') + 'outputs.v'.length;
    const writers = (files: string[]) => ({ scriptWriters: (id: string, output: string) => (id === 'release' && output === 'version' ? files : []) });
    assert.match(
      hoverAt(read, at, writers(['tools/lib/version.sh']))!.markdown,
      /Written by `tools\/lib\/version\.sh`, a script file its node runs \(go to definition/,
    );
    assert.match(
      hoverAt(read, at, writers(['tools/release.sh', 'tools/lib.sh']))!.markdown,
      /Written by `tools\/release\.sh`, `tools\/lib\.sh`, script files its node runs/,
    );
    const own = hoverAt(read, complete.indexOf('notes='));
    assert.doesNotMatch(own!.markdown, /Not written in this file/);
  });
});
