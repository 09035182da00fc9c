import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvent } from '../../src/engine/protocol';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { githubHashOf, yaml } from './helpers';
import { inFolder, loggedLines, runWorkflowText } from './formats/importedRuns';
import { setup } from './schedulerSetup';

const ended = (events: readonly EngineEvent[], id: string) =>
  events.find((e) => 'nodeId' in e && e.nodeId === id && /^node:(completed|failed|skipped)$/.test(e.type));

describe('hashFiles() in a workflow', () => {
  it("is read as a node starts, below the folder nodes run in by default, in its run, env, if and the workflow's env", async () => {
    await inFolder('hash-runs', async (dir) => {
      mkdirSync(join(dir, 'app'));
      writeFileSync(join(dir, 'app', 'package-lock.json'), 'v1');
      writeFileSync(join(dir, 'app', 'README'), 'r');
      const text = yaml(
        'version: 1',
        'name: hashes',
        'defaults:',
        '  cwd: app',
        'env:',
        "  AT_START: ${{ hashFiles('package-lock.json') }}",
        'nodes:',
        '  change:',
        '    run: printf v2 > package-lock.json',
        '  read:',
        '    needs: [change]',
        "    if: hashFiles('*.json') != ''",
        "    env: { NOW: \"${{ hashFiles('package-lock.json', 'README') }}\" }",
        '    run: |',
        '      echo "start $AT_START"',
        '      echo "now $NOW"',
        '      echo "none [${{ hashFiles(\'nothing/**\') }}]"',
        '  skipped:',
        "    if: hashFiles('nothing/**') != ''",
        '    run: echo never',
      );
      const { status, events } = await runWorkflowText(dir, text);
      assert.equal(status, 'completed');
      // The workflow's env is read as the run starts, before 'change' runs; the node's values as it starts, after.
      assert.deepEqual(loggedLines(events), [`start ${githubHashOf('v1')}`, `now ${githubHashOf('v2', 'r')}`, 'none []']);
      assert.match(String((ended(events, 'skipped') as { reason?: string }).reason), /its condition is false/);
    });
  });

  it("reads the same patterns once for all of a node's values as it starts, below the default folder", async () => {
    const reads: string[] = [];
    const { scheduler, clock, runner } = setup(
      [
        'defaults: { cwd: app }',
        'nodes:',
        "  a: { run: 'echo ${{ hashFiles(''x'') }}', env: { K: \"${{ hashFiles('x') }}-${{ hashFiles('y') }}\" } }",
        "  b: { needs: [a], run: 'echo ${{ hashFiles(''x'') }}' }",
      ],
      {},
      {
        files: (folder) => ({
          hashFiles: (args) => {
            reads.push(`${folder} ${args.join(',')}`);
            return `h${reads.length}`;
          },
        }),
      },
    );
    scheduler.start();
    await clock.advance(1000);
    await scheduler.done;
    assert.deepEqual(reads, ['/w/app x', '/w/app y', '/w/app x']);
    assert.equal(runner.startsOf('a')[0].script, 'echo h1');
    assert.equal(runner.startsOf('a')[0].env.K, 'h1-h2');
    assert.equal(runner.startsOf('b')[0].script, 'echo h3', 'the next node reads the files again');
  });

  it("gives a node's script the command that reads it as the script runs, below the same folder", async () => {
    await inFolder('hash-runs-command', async (dir) => {
      mkdirSync(join(dir, 'app'));
      writeFileSync(join(dir, 'app', 'a.lock'), 'v1');
      const text = yaml(
        'version: 1',
        'name: command',
        'defaults:',
        '  cwd: app',
        'nodes:',
        '  read:',
        '    run: |',
        '      echo "at start ${{ hashFiles(\'*.lock\') }}"',
        '      printf v2 > b.lock',
        '      echo "now $("$MAESTRO_HASH_FILES" \'*.lock\' \'!a.lock\')"',
        '      cd .. && echo "from above $("$MAESTRO_HASH_FILES" \'**/b.lock\')"',
        '      echo "none [$("$MAESTRO_HASH_FILES" \'nothing\')]"',
        '      echo "below $MAESTRO_WORKSPACE"',
        '      "$MAESTRO_HASH_FILES" \'../x\' || echo "refused with $?"',
      );
      const { status, events } = await runWorkflowText(dir, text);
      assert.equal(status, 'completed');
      const lines = loggedLines(events);
      assert.deepEqual(lines.slice(0, 5), [
        `at start ${githubHashOf('v1')}`,
        `now ${githubHashOf('v2')}`,
        `from above ${githubHashOf('v2')}`,
        'none []',
        `below ${join(dir, 'app')}`,
      ]);
      assert.match(lines[5], /^hashFiles\('\.\.\/x'\) failed below .+: '\.\.\/x' names a folder by '\.' or '\.\.'/);
      assert.equal(lines[6], 'refused with 1');
    });
  });

  it('gives the command to the nodes of the bundled engine, which start the bundled helper', async () => {
    await inFolder('hash-runs-bundle', async (dir) => {
      writeFileSync(join(dir, 'a.lock'), 'v1');
      const file = join(dir, 'w.workflow.yaml');
      writeFileSync(
        file,
        yaml(
          'version: 1',
          'name: bundled',
          'nodes:',
          '  read: { run: \'"$MAESTRO_HASH_FILES" "*.lock" > hash; grep -o dist/hashFiles.js "$MAESTRO_HASH_FILES" > helper\' }',
        ),
      );
      const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
      const r = spawnSync(process.execPath, [cli, 'run', file, '--runs-dir', join(dir, 'runs')], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      assert.equal(readFileSync(join(dir, 'hash'), 'utf8'), `${githubHashOf('v1')}\n`);
      assert.equal(readFileSync(join(dir, 'helper'), 'utf8'), 'dist/hashFiles.js\n', 'the bundle, not the source');
    });
  });

  it('fails the node with what is wrong when a pattern made at run time is one GitHub refuses', async () => {
    await inFolder('hash-runs-bad', async (dir) => {
      const text = yaml(
        'version: 1',
        'name: bad',
        'inputs:',
        '  at: { type: string, default: ../x }',
        'nodes:',
        "  a: { run: 'echo ${{ hashFiles(inputs.at) }}' }",
      );
      const { status, events } = await runWorkflowText(dir, text);
      assert.equal(status, 'failed');
      assert.match(
        String((ended(events, 'a') as { error?: string }).error),
        /hashFiles\(\): '\.\.\/x' names a folder by '\.' or '\.\.', which GitHub does not allow/,
      );
    });
  });

  it('is refused where it cannot be read: a name, a mutex, continueOnError, a matrix, and patterns GitHub refuses', () => {
    const { diagnostics } = validateWorkflow(
      yaml(
        'version: 1',
        'name: w',
        'nodes:',
        '  a:',
        "    name: n-${{ hashFiles('x') }}",
        "    mutex: m-${{ hashFiles('x') }}",
        "    continueOnError: ${{ hashFiles('x') != '' }}",
        '    matrix: { v: "${{ fromJSON(hashFiles(\'x\')) }}" }',
        "    run: echo ${{ hashFiles('a/../x') }} ${{ hashFiles('--follow', 'x') }} ${{ hashFiles('x', '../y') }}",
      ),
    );
    assert.deepEqual(
      diagnostics.map((d) => d.message),
      [
        "hashFiles() reads files as a node starts: it cannot be used in a node's name, which is evaluated when the run starts",
        "hashFiles() reads files as a node starts: it cannot be used in a node's mutex, which is evaluated when the run starts",
        'hashFiles() reads files as a node starts: it cannot be used in continueOnError, which is evaluated when the run starts',
        "hashFiles() reads files as a node starts: it cannot be used in a node's matrix, which is evaluated before the node has instances",
        "hashFiles(): 'a/../x' names a folder by '.' or '..', which GitHub does not allow: patterns name what is below the workspace",
        "hashFiles(): '--follow' is no option: the only one is '--follow-symbolic-links', first",
      ],
    );
  });
});
