import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importWorkflow } from '../../../src/engine/formats';
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
});
