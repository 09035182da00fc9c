import { strict as assert } from 'node:assert';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { importWorkflow, localActionsOf } from '../../../src/engine/formats';
import { withLocalActions } from '../../../src/engine/formats/githubActions/localActions';
import { evaluate } from '../../../src/engine/expressions/evaluate';
import { parseExpression } from '../../../src/engine/expressions/parser';
import { toText } from '../../../src/engine/expressions/values';
import { startRun } from '../../../src/engine/run/engine';
import { yaml } from '../helpers';

const WORKFLOW = yaml(
  'on: push',
  'jobs:',
  '  build:',
  '    runs-on: x',
  '    steps:',
  '      - uses: actions/checkout@v4',
  '      - name: Set up',
  '        id: setup',
  '        uses: ./.github/actions/setup',
  '        with: { greeting: "hi ${{ matrix.who }}", level: 3 }',
  '        env: { FROM_STEP: step }',
  '      - run: echo "${{ steps.setup.outputs.version }}" > version.txt',
);

const SETUP = yaml(
  'name: Setup',
  'inputs:',
  '  greeting: { required: true }',
  '  level: { default: "1" }',
  '  mode: { default: fast }',
  'runs:',
  '  using: composite',
  '  steps:',
  '    - name: Greet (${{ inputs.mode }})',
  '      shell: bash',
  '      run: echo "${{ inputs.greeting }} $FROM_STEP" > greeting.txt && "${{ github.action_path }}/tool.sh" "$GITHUB_ACTION_PATH"',
  "    - if: inputs.level == '3'",
  '      shell: bash',
  '      run: echo "level $LEVEL" > level.txt',
  '      env: { LEVEL: "${{ inputs.level }}" }',
  "    - if: inputs.mode != 'fast'",
  '      shell: bash',
  '      run: touch slow.txt',
  '    - uses: ./.github/actions/inner',
  '      with: { word: "${{ inputs.mode }}" }',
  '    - { id: version, shell: bash, run: \'echo "version=9.${{ inputs.level }}" >> "$GITHUB_OUTPUT"\' }',
  'outputs:',
  '  version: { value: "${{ steps.version.outputs.version }}" }',
);

const INNER = yaml('runs:', '  using: composite', '  steps:', '    - { shell: bash, run: "echo ${{ inputs.word }} > inner.txt" }');

/** A repository with the workflow and its actions, for `run`. */
function repository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'maestro-local-actions-'));
  mkdirSync(join(dir, '.git'));
  mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
  mkdirSync(join(dir, '.github', 'actions', 'setup'), { recursive: true });
  mkdirSync(join(dir, '.github', 'actions', 'inner'), { recursive: true });
  writeFileSync(join(dir, '.github', 'workflows', 'ci.yml'), WORKFLOW.replace('hi ${{ matrix.who }}', 'hi team'));
  writeFileSync(join(dir, '.github', 'actions', 'setup', 'action.yml'), SETUP);
  writeFileSync(join(dir, '.github', 'actions', 'inner', 'action.yaml'), INNER);
  const tool = join(dir, '.github', 'actions', 'setup', 'tool.sh');
  writeFileSync(tool, '#!/bin/sh\necho "tool at $1" > tool.txt\n');
  chmodSync(tool, 0o755);
  return dir;
}

describe("GitHub Actions import: the repository's composite actions", () => {
  it("runs an action's steps in the job: its inputs given by the step's with or their defaults, its folder as action_path", async () => {
    const dir = repository();
    try {
      const file = join(dir, '.github', 'workflows', 'ci.yml');
      const text = readFileSync(file, 'utf8');
      const localActions = await localActionsOf(file, text);
      assert.deepEqual([...localActions.keys()], ['./.github/actions/setup', './.github/actions/inner']);
      const imported = await importWorkflow(text, 'ci.yml', { localActions });
      assert.deepEqual(imported.notImported, []);
      assert.match(imported.text, /# Set up: Greet \(fast\)\n/);
      writeFileSync(join(dir, 'ci.workflow.yaml'), imported.text);
      const run = startRun({ workflowPath: join(dir, 'ci.workflow.yaml'), runsDir: join(dir, 'runs') });
      assert.equal(await run.finished(), 'completed');
      run.dispose();
      const read = (f: string) => readFileSync(join(dir, f), 'utf8');
      assert.equal(read('greeting.txt'), 'hi team step\n', "the step's with and env");
      assert.equal(read('level.txt'), 'level 3\n', 'an input in a condition and an env value');
      assert.equal(read('tool.txt'), 'tool at ./.github/actions/setup\n', 'github.action_path and $GITHUB_ACTION_PATH');
      assert.equal(read('inner.txt'), 'fast\n', "an action of the action, given the outer one's input's default");
      assert.equal(read('version.txt'), '9.3\n', "the using step's output, written by the action's step");
      assert.throws(() => read('slow.txt'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('notes an action it cannot put in: not found, not composite, or outside the repository', async () => {
    const dir = repository();
    try {
      mkdirSync(join(dir, '.github', 'actions', 'js'));
      writeFileSync(join(dir, '.github', 'actions', 'js', 'action.yml'), 'runs: { using: node20, main: index.js }\n');
      const outside = mkdtempSync(join(tmpdir(), 'maestro-outside-'));
      writeFileSync(join(outside, 'action.yml'), SETUP);
      symlinkSync(outside, join(dir, '.github', 'actions', 'linked'));
      const file = join(dir, '.github', 'workflows', 'other.yml');
      const text = yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: x',
        '    steps:',
        '      - uses: ./.github/actions/js',
        '      - uses: ./.github/actions/missing',
        '      - uses: ./.github/actions/linked',
        '      - uses: ./../outside',
        '      - run: make',
      );
      const { notImported } = await importWorkflow(text, 'other.yml', { localActions: await localActionsOf(file, text) });
      assert.deepEqual(notImported, [
        "step './.github/actions/js' (line 6) uses the action ./.github/actions/js of the repository, which runs with 'node20', not as a composite action of steps: write what it does as commands here",
        "step './.github/actions/missing' (line 7) uses the action ./.github/actions/missing of the repository, whose action.yml was not found in the repository: write what it does as commands here",
        "step './.github/actions/linked' (line 8) uses the action ./.github/actions/linked of the repository, whose action.yml was not found in the repository: write what it does as commands here",
        "step './../outside' (line 9) uses the action ./../outside of the repository, whose action.yml was not found in the repository: write what it does as commands here",
      ]);
      rmSync(outside, { recursive: true, force: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps what it notes of the other steps, with their lines, where a later step reads an action's output", async () => {
    const setup = yaml(
      'runs:',
      '  using: composite',
      '  steps:',
      '    - { id: version, shell: bash, run: echo "version=1" >> $GITHUB_OUTPUT }',
      'outputs:',
      '  version: { value: "${{ steps.version.outputs.version }}" }',
    );
    const { text, notImported } = await importWorkflow(
      yaml(
        'on: push',
        'jobs:',
        '  test:',
        '    runs-on: x',
        '    steps:',
        '      - { id: setup, uses: ./.github/actions/setup }',
        '      - uses: ./.github/actions/missing',
        '        with: { v: "${{ steps.setup.outputs.version }}" }',
        '      - run: echo "${{ steps.setup.outputs.version }}"',
      ),
      'ci.yml',
      { localActions: new Map([['./.github/actions/setup', setup]]) },
    );
    assert.deepEqual(notImported, [
      "step './.github/actions/missing' (line 7) uses the action ./.github/actions/missing of the repository, whose action.yml was not found in the repository: write what it does as commands here",
    ]);
    assert.match(text, /echo "\$\{steps_setup_version_version\}"/);
  });

  it("reads each reference once: the workflow's own inputs a value brings in stay the workflow's", () => {
    const action = yaml(
      'inputs: { who: { default: nobody } }',
      'runs:',
      '  using: composite',
      '  steps:',
      "    - { shell: bash, if: \"inputs.who != ''\", run: 'echo \"${{ inputs.who }} ${{ format(''{0}!'', inputs.who) }}\"' }",
    );
    const [placed] = withLocalActions([{ uses: './a', with: { who: '${{ inputs.who }}' } }], new Map([['./a', action]]), undefined, () => undefined).steps;
    assert.equal(placed.run, 'echo "${{ inputs.who }} ${{ format(\'{0}!\', (inputs.who)) }}"');
    assert.equal(placed.if, "(inputs.who) != ''");
  });

  it("gives an action's input, in any expression, the text the step passes (a property)", () => {
    // Text GitHub takes as text: any `${{` opens an expression (one that does not parse is refused with the workflow).
    const text = fc.stringMatching(/^[a-z '{}$.,-]{0,12}$/).filter((t) => !t.includes('${{'));
    fc.assert(
      fc.property(text, text, fc.boolean(), (before, after, withMatrix) => {
        const given = withMatrix ? `${before}\${{ matrix.x }}${after}` : before;
        const action = yaml('runs:', '  using: composite', '  steps:', "    - { shell: bash, if: 'inputs.v == inputs.v', run: echo }");
        const [placed] = withLocalActions([{ uses: './a', with: { v: given } }], new Map([['./a', action]]), undefined, () => undefined).steps;
        const side = String(placed.if).split(' == ')[0];
        const value = toText(evaluate(parseExpression(side), { contexts: { matrix: { x: 'M' } } }));
        assert.equal(value, withMatrix ? `${before}M${after}` : before, String(placed.if));
      }),
      { numRuns: 200 },
    );
  });
});
