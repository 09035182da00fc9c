import { strict as assert } from 'node:assert';
import { importWorkflow } from '../../../src/engine/formats';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import { yaml } from '../helpers';

describe("GitHub Actions import: a step's env", () => {
  const source = yaml(
    'on: push',
    'jobs:',
    '  release:',
    '    runs-on: x',
    '    env: { STEP2_GH_TOKEN: "the job\'s own", MODE: fast }',
    '    steps:',
    '      - run: echo start',
    '      - run: gh release create',
    '        env: { GH_TOKEN: "${{ secrets.GITHUB_TOKEN }}", LEVEL: "3" }',
    '      - run: gh release upload',
    '        env: { TOKEN: "${{ secrets.GITHUB_TOKEN }}", SHA: "v-${{ github.sha }}" }',
  );

  it('passes a value with expressions through the node env, never into the script; a literal stays in the script', async () => {
    const { text } = await importWorkflow(source, 'release.yml');
    const { workflow, diagnostics } = validateWorkflow(text);
    const [node] = workflow.nodes;
    assert.deepEqual(node.env, {
      STEP2_GH_TOKEN: "the job's own",
      MODE: 'fast',
      STEP2_GH_TOKEN_: '${{ inputs.secrets_GITHUB_TOKEN }}',
      STEP3_SHA: 'v-${{ inputs.github_sha }}',
    });
    assert.ok(!node.run!.includes('${{'), node.run);
    assert.match(node.run!, /\(\nexport GH_TOKEN="\$STEP2_GH_TOKEN_"\nexport LEVEL='3'\ngh release create\n\)/);
    assert.match(node.run!, /\(\nexport TOKEN="\$STEP2_GH_TOKEN_"\nexport SHA="\$STEP3_SHA"\ngh release upload\n\)/, 'one value, one variable');
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      [],
      'no script injection to warn of',
    );
  });

  it("gives the runner's variables of the github context from the run's inputs, and notes the others", async () => {
    const { text, notImported } = await importWorkflow(
      yaml(
        'on: push',
        'jobs:',
        '  tag:',
        '    runs-on: x',
        '    env: { GITHUB_SHA: mine }',
        '    steps:',
        '      - run: echo "${GITHUB_REF#refs/tags/} $GITHUB_SHA $GITHUB_REPOSITORY" && ls "$RUNNER_TOOL_CACHE"',
      ),
      'tag.yml',
    );
    const [node] = validateWorkflow(text).workflow.nodes;
    assert.deepEqual(
      node.env,
      { GITHUB_SHA: 'mine', GITHUB_REF: '${{ inputs.github_ref }}', GITHUB_REPOSITORY: '${{ inputs.github_repository }}' },
      "the job's own kept",
    );
    assert.deepEqual(notImported, ["step 'step on line 7' (line 7) uses $RUNNER_TOOL_CACHE, which only GitHub's runner sets"]);
  });

  it("runs a step's working-directory from the workspace, as GitHub does, where the job's default is another", async () => {
    const { text } = await importWorkflow(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: x',
        '    defaults: { run: { working-directory: web } }',
        '    steps:',
        '      - run: npm ci',
        '      - { run: go build, working-directory: api }',
        '      - { run: ls, working-directory: web/src }',
      ),
      'ci.yml',
    );
    const [node] = validateWorkflow(text).workflow.nodes;
    assert.equal(node.cwd, 'web');
    assert.equal(node.run, "npm ci\n(\ncd '../api'\ngo build\n)\n(\ncd 'src'\nls\n)");
  });
});

describe("GitHub Actions import: the env of a job's only run step", () => {
  it("is the node's env, over the job's, where no value is a step's state; an exported node comes back as it was", async () => {
    const { text } = await importWorkflow(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: x',
        '    env: { MODE: job, KEEP: job }',
        '    steps:',
        '      - uses: actions/checkout@v4',
        '      - run: echo "$MODE $TOKEN $STATUS"',
        '        env: { MODE: step, TOKEN: "${{ secrets.T }}", STATUS: "${{ job.status }}" }',
      ),
      'ci.yml',
    );
    const [node] = validateWorkflow(text).workflow.nodes;
    assert.deepEqual(node.env, { MODE: 'step', KEEP: 'job', TOKEN: '${{ inputs.secrets_T }}' });
    // The job's status is the script's to give.
    assert.match(node.run!, /^export STATUS="\$\{job_result\}"$/m);
    assert.doesNotMatch(node.run!, /export (MODE|TOKEN)=/);
  });
});
