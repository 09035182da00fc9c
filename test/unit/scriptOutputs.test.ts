import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { calledScripts } from '../../src/engine/calledScripts';
import { scriptOutputEdits } from '../../src/engine/edits/scriptOutputs';
import { nodeScriptFiles } from '../../src/engine/scriptFiles';
import { applyEdits } from '../../src/engine/edits/actions';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex } from '../../src/engine/workflowIndex';
import { writesIn } from '../../src/engine/shellWrites';
import { yaml } from './helpers';

/** The paths of the script files a `run` runs, as written. */
const calledPaths = (run: string): string[] => calledScripts(run).map((c) => c.path);

describe('outputs written by the script files a node runs', () => {
  it('finds the files a run runs: a first word with a slash, or the file after bash, sh, source or .', () => {
    assert.deepEqual(calledPaths('./release.sh "$V"'), ['./release.sh']);
    assert.deepEqual(calledPaths('set -e\nbash -x scripts/ship.sh --fast\n. ./env.sh\nsource lib/a.sh\n./release.sh && ./release.sh'), [
      'scripts/ship.sh',
      './env.sh',
      'lib/a.sh',
      './release.sh',
    ]);
    assert.deepEqual(calledPaths('bash release.sh\nsource env.sh\nsh -e ./x.sh'), ['release.sh', 'env.sh', './x.sh']);
    // An option's argument is not the file: -o and -O (alone or last in a cluster), --rcfile, exec's -a.
    assert.deepEqual(
      calledPaths('bash -o pipefail a.sh\nbash -eo pipefail b.sh\nbash -O extglob +o posix c.sh\nbash --rcfile rc.sh d.sh\nexec -a name ./e.sh\nbash -- f.sh'),
      ['a.sh', 'b.sh', 'c.sh', 'd.sh', './e.sh', 'f.sh'],
    );
    // After -c the word is a command: a path runs that file, a bare name is looked up on the PATH.
    assert.deepEqual(calledPaths('bash -c ./g.sh\nbash -ec release.sh\nsh -c "./h.sh"'), ['./g.sh']);
    // Nothing a shell would expand, no absolute path, no command found on the PATH (a bare name is one).
    // A file is read in the language of the program that runs it; one run itself (exec too) says its own.
    assert.deepEqual(calledScripts('./a\nbash b.py\n. ./c\npython3 tools/d\nnode e.sh\nexec ./f\n./a'), [
      { path: './a' },
      { path: 'b.py', reader: 'shell' },
      { path: './c', reader: 'shell' },
      { path: 'tools/d', reader: 'python' },
      { path: 'e.sh', reader: 'javascript' },
      { path: './f' },
    ]);
    assert.deepEqual(calledPaths('"$DIR"/x.sh\n/usr/bin/x\nmake release\n./*.sh\n~/x.sh\necho ./x.sh\n./dir/\nrelease.sh\nbash -c "./x.sh"\nexec make'), []);
  });

  it("resolves them from the node's working folder", () => {
    const index = buildIndex(
      validateWorkflow(
        yaml(
          'version: 1',
          'name: S',
          'defaults: { cwd: tools }',
          'nodes:',
          '  a: { run: ./release.sh }',
          '  b: { run: ../ship.sh, cwd: sub }',
          '  g: { approval: {} }',
        ),
      ),
    );
    assert.deepEqual(nodeScriptFiles(index, '/w/flows/s.workflow.yaml', 'a'), [{ path: '/w/flows/tools/release.sh' }]);
    assert.deepEqual(nodeScriptFiles(index, '/w/flows/s.workflow.yaml', 'b'), [{ path: '/w/flows/ship.sh' }]);
    assert.deepEqual(nodeScriptFiles(index, '/w/flows/s.workflow.yaml', 'g'), []);
  });

  it('renames the writes of the output in a script, and nothing else', () => {
    const script = [
      '#!/bin/bash',
      'version=$(git describe)',
      'echo "version=$version" >> "$MAESTRO_OUTPUT"',
      'printf \'%s\\n\' "notes=done" >> "$MAESTRO_OUTPUT"',
      'cat >> "$MAESTRO_OUTPUT" <<EOF',
      'version=again',
      'EOF',
      'echo "version is $version"',
      '',
    ].join('\n');
    const renamed = scriptOutputEdits('release.sh', script, 'version', 'release');
    assert.ok('edits' in renamed);
    assert.equal(
      applyEdits(script, renamed.edits),
      script.replace('echo "version=$version"', 'echo "release=$version"').replace('\nversion=again', '\nrelease=again'),
    );
    assert.deepEqual(scriptOutputEdits('release.sh', 'echo "version=1"', 'version', 'x'), { edits: [] });
    assert.deepEqual(scriptOutputEdits('release.sh', script, 'version', 'Notes'), { error: "it writes an output 'Notes' already" });
    // A file that tells nothing of its language is renamed in the language of the program that runs it.
    const program = 'import os\nopen(os.environ["MAESTRO_OUTPUT"], "a").write("version=1\\n")';
    const at = program.indexOf('version=');
    assert.deepEqual(scriptOutputEdits('tools/gen', program, 'version', 'tag', 'python'), { edits: [{ span: { start: at, end: at + 7 }, newText: 'tag' }] });
    assert.deepEqual(scriptOutputEdits('tools/gen', program, 'version', 'tag'), { edits: [] });
  });

  it('leaves a script that writes other outputs as it is, whatever they are named', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/);
    fc.assert(
      fc.property(fc.uniqueArray(name, { minLength: 2, maxLength: 4 }), (names) => {
        const [from, ...others] = names;
        const script = others.map((n) => `echo "${n}=1" >> "$MAESTRO_OUTPUT"`).join('\n');
        const renamed = scriptOutputEdits('release.sh', script, from, `${from}-x`);
        assert.ok('edits' in renamed && renamed.edits.length === 0);
        const withIt = `${script}\necho "${from}=2" >> "$MAESTRO_OUTPUT"`;
        const done = scriptOutputEdits('release.sh', withIt, from, `${from}-x`);
        assert.ok('edits' in done);
        assert.deepEqual(
          writesIn(applyEdits(withIt, done.edits)).map((w) => w.output),
          [...others, `${from}-x`],
        );
      }),
    );
  });
});
