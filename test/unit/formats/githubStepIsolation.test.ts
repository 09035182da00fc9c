import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportWorkflow, importWorkflow } from '../../../src/engine/formats';
import { runsPastFailures } from '../../../src/engine/platform/shells';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import { yaml } from '../helpers';
import { inFolder, runWorkflowText } from './importedRuns';

describe('GitHub Actions import: each step as a process of its own', () => {
  it("keeps a step's folder, variables, options and exit to it; a step that changes none of them is written as it is", async () => {
    await inFolder('step-isolation', async (dir) => {
      mkdirSync(join(dir, 'docs'));
      const { text } = await importWorkflow(
        yaml(
          'on: push',
          'jobs:',
          '  a:',
          '    runs-on: x',
          '    steps:',
          '      - { name: Docs, run: "cd docs && touch in-docs" }',
          '      - run: echo "version=1" >> "$GITHUB_OUTPUT"',
          '      - { name: Early, run: "VERSION=2; set +e; if true; then exit 0; fi; touch never" }',
          '      - run: pwd > where; echo "${VERSION:-unset}" > version',
          '      - run: false',
          '      - run: touch after-failure',
        ),
        'ci.yml',
      );
      const [node] = validateWorkflow(text).workflow.nodes;
      assert.match(node.run!, /^# Docs\n\(\ncd docs && touch in-docs\n\)\necho "version=1" >> "\$MAESTRO_OUTPUT"\n# Early\n\(\n/);
      assert.match(node.run!, /\)\npwd > where; echo "\$\{VERSION:-unset\}" > version\nfalse\ntouch after-failure$/);
      assert.equal((await runWorkflowText(dir, text)).status, 'failed', "an earlier step's set +e does not reach the failing step");
      assert.ok(existsSync(join(dir, 'docs', 'in-docs')));
      assert.equal(readFileSync(join(dir, 'where'), 'utf8'), `${dir}\n`, 'the workspace, not the folder an earlier step went to');
      assert.equal(readFileSync(join(dir, 'version'), 'utf8'), 'unset\n');
      assert.ok(!existsSync(join(dir, 'never')) && !existsSync(join(dir, 'after-failure')));
    });
  });

  it("runs a shell: bash step under the default bash with GitHub's pipefail, in its subshell rather than a file of its own", async () => {
    await inFolder('step-pipefail', async (dir) => {
      const { text } = await importWorkflow(
        yaml(
          'on: push',
          'jobs:',
          '  a:',
          '    runs-on: x',
          '    steps:',
          '      - run: false | true',
          '      - { shell: bash, run: false | true }',
          '      - run: touch after',
        ),
        'ci.yml',
      );
      const [node] = validateWorkflow(text).workflow.nodes;
      assert.equal(node.run, 'false | true\n(\nset -o pipefail\nfalse | true\n)\ntouch after');
      assert.equal((await runWorkflowText(dir, text)).status, 'failed', 'the pipe fails where its first command does');
      assert.ok(!existsSync(join(dir, 'after')));
    });
  });

  it('runs past a failing command a step whose shell is bash {0} or sh {0}, as GitHub does, and fails the job where its last command fails', async () => {
    await inFolder('step-no-errexit', async (dir) => {
      const { text } = await importWorkflow(
        yaml(
          'on: push',
          'jobs:',
          '  byDefault:',
          '    runs-on: x',
          '    defaults: { run: { shell: "bash {0}" } }',
          '    steps:',
          '      - run: false; touch job-default',
          '      - { shell: bash, run: "false; touch never" }',
          '  fails:',
          '    runs-on: x',
          '    steps:',
          '      - { shell: "sh {0}", run: "false; touch own" }',
          '      - { shell: "bash -x {0}", run: "false; touch traced; false" }',
          '      - run: touch not-after-failure',
          '  guarded:',
          '    runs-on: x',
          '    steps:',
          '      - { shell: "bash {0}", run: "false; touch in-guard" }',
          '      - { if: "always()", run: touch always }',
          '  only:',
          '    runs-on: x',
          '    steps:',
          '      - { shell: "bash --noprofile {0}", run: "false; touch only" }',
          '  loneGuarded:',
          '    runs-on: x',
          '    steps:',
          '      - { shell: "bash {0}", run: "echo X=1 >> $GITHUB_ENV; false; touch lone-guarded" }',
          '  stops:',
          '    runs-on: x',
          '    steps:',
          '      - { shell: "bash -eo pipefail {0}", run: "false; touch never-e" }',
        ),
        'ci.yml',
      );
      const nodes = new Map(validateWorkflow(text).workflow.nodes.map((n) => [n.id, n]));
      assert.deepEqual(
        ['bash {0}', 'sh -x {0}', '"/opt/my tools/sh" {0}', 'bash -xe {0}', 'bash -o errexit {0}', 'bash', 'sh', 'perl {0}', 'bash -x'].map(runsPastFailures),
        [true, true, true, false, false, false, false, false, false],
      );
      assert.equal(nodes.get('byDefault')!.run, '(\nset +e\nfalse; touch job-default\n)\n(\nset -o pipefail\nfalse; touch never\n)');
      // A lone step's shell is the node's, as written, which runs it past failures as GitHub does.
      assert.deepEqual([nodes.get('only')!.shell, nodes.get('only')!.run], ['bash --noprofile {0}', 'false; touch only']);
      const { status, events } = await runWorkflowText(dir, text);
      assert.equal(status, 'failed');
      const ended = new Map(events.flatMap((e) => (e.type === 'node:completed' || e.type === 'node:failed' ? [[e.nodeId, e.type]] : [])));
      assert.deepEqual(Object.fromEntries(ended), {
        byDefault: 'node:failed',
        fails: 'node:failed',
        guarded: 'node:completed',
        only: 'node:completed',
        loneGuarded: 'node:completed',
        stops: 'node:failed',
      });
      const made = ['job-default', 'never', 'own', 'traced', 'not-after-failure', 'in-guard', 'always', 'only', 'never-e'].filter((f) =>
        existsSync(join(dir, f)),
      );
      assert.deepEqual(made, ['job-default', 'own', 'traced', 'in-guard', 'always', 'only']);
    });
  });

  it('gives back a node whose shell is bash {0} as it was exported', async () => {
    const node = yaml('version: 1', 'name: W', 'nodes:', '  a:', '    shell: bash {0}', '    run: false; echo on');
    const back = validateWorkflow((await importWorkflow(exportWorkflow(validateWorkflow(node).workflow, 'github-actions'), 'ci.yml')).text).workflow;
    assert.deepEqual(
      back.nodes.map((n) => [n.shell, n.run]),
      [['bash {0}', 'false; echo on']],
    );
  });
});
