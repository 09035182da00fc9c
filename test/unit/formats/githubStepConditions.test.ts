import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { importWorkflow } from '../../../src/engine/formats';
import { isFileHashChain } from '../../../src/engine/formats/githubActions/fileHashReads';
import { isJobStatus } from '../../../src/engine/formats/githubActions/jobState';
import { SAME_TEXT_FUNCTION, stepCondition } from '../../../src/engine/formats/githubActions/stepConditions';
import { outputOf } from '../../../src/engine/formats/githubActions/stepOutputs';
import { evaluate, type FileReader } from '../../../src/engine/expressions/evaluate';
import { parseExpression } from '../../../src/engine/expressions/parser';
import { collectReferences } from '../../../src/engine/expressions/references';
import { isTruthy, toText } from '../../../src/engine/expressions/values';
import type { EngineEvent } from '../../../src/engine/protocol';
import { startRun } from '../../../src/engine/run/engine';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import { githubHashOf, yaml } from '../helpers';
import { until } from '../processes';
import { inFolder, loggedLines, runWorkflowText } from './importedRuns';

/** The calls a step reads as it runs, each with its variable (a call with other arguments is the engine's, as for a first step). */
const HASH_VARIABLES: Record<string, string> = { '["lock"]': 'hash_lock', '["none.txt"]': 'hash_none' };
const scope = {
  earlierSteps: ['unit', 'lint-web', 'meta'],
  variable: (chain: readonly string[]) => {
    if (isFileHashChain(chain)) return HASH_VARIABLES[JSON.stringify(chain.slice(1))];
    const output = outputOf(chain);
    return isJobStatus(chain) ? 'job_result' : output?.id.toLowerCase() === 'meta' ? `steps_meta_${output.name.toLowerCase()}` : undefined;
  },
  valueName: (k: number) => `V${k}`,
};
const translated = (condition: string) => {
  const result = stepCondition(condition, scope);
  assert.ok('test' in result, JSON.stringify(result));
  return result;
};

describe("GitHub Actions import: a step's if", () => {
  it("reads a later step's hashFiles() as the step runs, after what the steps before it wrote", async () => {
    assert.equal(translated("hashFiles('requirements.txt') != '' && success()").test, '[ "$V0" = true ] && [ "$job_result" = success ]');
    const { text, notImported } = await importWorkflow(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: x',
        '    steps:',
        "      - run: echo \"key [${{ hashFiles('*.txt') }}]\"; printf 'flask\\n' > requirements.txt",
        '      - run: echo "installs from ${{ hashFiles(\'requirements.txt\') }}"',
        "        if: hashFiles('requirements.txt') != '' && !cancelled()",
        '        env:',
        "          KEY: ${{ hashFiles('*.txt') }}",
        '      - run: echo "key $KEY" && echo "never ${{ hashFiles(\'none.txt\') }}"',
        "        if: hashFiles('none.txt') != ''",
        "      - run: echo \"at the start [${{ format('{0}', hashFiles('requirements.txt')) }}]\"",
      ),
      'ci.yml',
    );
    // A call in another expression is still read as the job starts, and says so.
    assert.deepEqual(notImported, [
      "'hashFiles()' (line 13) is read as the job starts, not when its step runs: what the steps before it write or change is not hashed",
    ]);
    assert.match(text, /hash_files_2_1=\$\("\$MAESTRO_HASH_FILES" 'requirements\.txt'\) \|\| hash_status=\$\?/);
    assert.deepEqual(
      validateWorkflow(text).diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    await inFolder('hash-files', async (dir) => {
      const { status, events } = await runWorkflowText(dir, text);
      assert.equal(status, 'completed');
      // What GitHub hashes: the SHA-256 of each file's SHA-256, the files in the order the walk finds them.
      assert.deepEqual(loggedLines(events), ['key []', `installs from ${githubHashOf('flask\n')}`, 'at the start []']);
    });
  });

  it('fails the step whose hashFiles() cannot be read as it runs, saying why, without running it', async () => {
    const { text } = await importWorkflow(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: x',
        '    steps:',
        '      - run: echo first',
        '      - run: echo "never in the condition"',
        "        if: hashFiles('*.sock') != ''",
        '        id: tested',
        '      - run: echo "never in the run ${{ hashFiles(\'*.sock\') }}"',
        '        if: always()',
        '      - run: echo "after, as it failed"',
        "        if: always() && steps.tested.outcome == 'failure'",
      ),
      'ci.yml',
    );
    await inFolder('hash-fails', async (dir) => {
      // A socket is found by the pattern and cannot be read as a file.
      const server = createServer().listen(join(dir, 'a.sock'));
      await once(server, 'listening');
      try {
        const { status, events } = await runWorkflowText(dir, text);
        assert.equal(status, 'failed');
        const lines = loggedLines(events);
        assert.deepEqual(
          lines.filter((l) => !l.startsWith('hashFiles(')),
          ['first', 'after, as it failed'],
        );
        const failures = lines.filter((l) => l.startsWith('hashFiles('));
        assert.equal(failures.length, 2, lines.join('\n'));
        for (const line of failures) assert.match(line, /^hashFiles\('\*\.sock'\) failed below .+: cannot read .+a\.sock: /);
      } finally {
        server.close();
      }
    });
  });

  it('tests how the earlier steps went in the shell, and has the engine evaluate the rest', () => {
    assert.equal(translated('failure()').test, '[ "$job_result" = failure ]');
    assert.equal(translated('${{ always() }}').test, 'true');
    assert.equal(translated('!cancelled()').test, '! [ "$job_result" = cancelled ]');
    const onMain = translated("github.ref == 'refs/heads/main'");
    assert.equal(onMain.test, '[ "$job_result" = success ] && [ "$V0" = true ]', 'success() is implied, as on GitHub');
    assert.deepEqual(onMain.values, [{ name: 'V0', expression: "github.ref == 'refs/heads/main'" }]);
    const flaky = translated("steps.unit.outcome == 'Failure' || failure() && steps.LINT-web.conclusion != 'success'");
    assert.equal(flaky.test, '[ "$outcome_unit" = failure ] || { [ "$job_result" = failure ] && [ "$conclusion_lint_web" != success ]; }');
    assert.deepEqual(flaky.reads, [
      { id: 'unit', which: 'outcome' },
      { id: 'lint-web', which: 'conclusion' },
    ]);
    assert.deepEqual(translated('always() && inputs.force').values, [{ name: 'V0', expression: '!!(inputs.force)' }], "GitHub's truth, not the text");
    assert.equal(translated('!(failure() || inputs.skip)').test, '! { [ "$job_result" = failure ] || [ "$V0" = true ]; }');
    assert.equal(translated("always() && job.status == 'Failure'").test, 'same_text "$job_result" Failure', "the job's status as GitHub names it");
  });

  it('says why a condition cannot be translated', () => {
    const problem = (condition: string) => {
      const result = stepCondition(condition, scope);
      assert.ok('problem' in result, condition);
      return result.problem;
    };
    assert.match(problem("steps.cache.outputs.hit != 'true'"), /steps\.cache\.outputs\.hit is kept by GitHub's runner only/);
    assert.match(
      problem("contains(steps.meta.outputs.tag, 'v')"),
      /steps\.meta\.outputs\.tag translates alone or compared with a text \(==, !=\), not in contains/,
    );
    assert.match(problem("steps.later.outcome == 'success'"), /steps\.later, which is no earlier step/);
    assert.match(problem('failure() == true'), /uses a status function as a value/);
    assert.match(problem('failure() &&'), /does not parse/);
    assert.match(problem('a ${{ failure() }}'), /mixes text and expressions/);
  });

  it('decides as GitHub does, for any condition over the statuses, earlier steps, values and files (a property)', () => {
    const leaf = fc.constantFrom(
      'success()',
      'failure()',
      'always()',
      'cancelled()',
      "steps.unit.outcome == 'failure'",
      "steps.unit.conclusion == 'success'",
      "steps.lint-web.outcome != 'skipped'",
      'inputs.flag',
      "inputs.word == 'Yes'",
      'inputs.word',
      'inputs.none',
      '0',
      "steps.meta.outputs.tag == 'V1'",
      "steps.META.outputs.Tag != 'v2'",
      'steps.meta.outputs.tag',
      "job.status == 'Failure'",
      "job.status != 'cancelled'",
      'job.status',
      "hashFiles('lock') != ''",
      "hashFiles('LOCK') != ''",
      "hashFiles('lock') == 'ABC'",
      "hashFiles('lock')",
      "hashFiles('none.txt') == ''",
      "startsWith(hashFiles('lock'), 'a')",
    );
    const condition: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.tuple(tie('e'), fc.constantFrom('&&', '||'), tie('e')).map(([a, op, b]) => `${a} ${op} ${b}`),
        tie('e').map((e) => `!(${e})`),
        tie('e').map((e) => `(${e})`),
      ),
    })).e;
    const world = fc.record({
      job: fc.constantFrom('success', 'failure', 'cancelled'),
      unit: fc.constantFrom('success', 'failure', 'skipped'),
      unitKeepsGoing: fc.boolean(),
      lint: fc.constantFrom('success', 'failure', 'skipped'),
      flag: fc.boolean(),
      word: fc.constantFrom('yes', 'no', ''),
      tag: fc.constantFrom('v1', 'V1', 'v2', ''),
      hash: fc.constantFrom('abc', 'ABC', ''),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(condition, world), { minLength: 20, maxLength: 20 }), (cases) => {
        const decided = shellDecides(cases);
        cases.forEach(([c, w], i) => assert.equal(decided[i], githubDecides(c, w), `${c} in ${JSON.stringify(w)}`));
      }),
      { numRuns: 30 },
    );
  });

  it('runs the steps of an imported job as GitHub would: after a failure only those that ask for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-step-if-'));
    try {
      const source = yaml(
        'on: push',
        'jobs:',
        '  test:',
        '    runs-on: x',
        '    steps:',
        '      - { id: unit, continue-on-error: true, run: "touch unit; exit 3" }',
        '      - { if: "steps.unit.outcome == \'failure\'", run: touch flaky }',
        '      - { run: "mkdir -p sub && cd sub && export LEFT=1 && touch here" }',
        '      - { run: "pwd > where; echo \\"${LEFT:-unset}\\" > left" }',
        '      - { id: lint, continue-on-error: "${{ github.ref == \'refs/heads/dev\' }}", run: "touch lint; exit 5" }',
        "      - { if: \"steps.lint.conclusion == 'success' && steps.lint.outcome == 'failure'\", run: touch lint-let-go }",
        '      - { run: "touch build; exit 4" }',
        '      - { run: touch never }',
        '      - { if: failure(), run: "echo ${{ job.status }} > logs" }',
        '      - { if: "always() && github.ref == \'refs/heads/main\'", run: touch main-only }',
        '      - { if: "${{ !cancelled() && github.ref != \'refs/heads/main\' }}", run: touch elsewhere }',
      );
      const { text } = await importWorkflow(source, 'ci.yml');
      const path = join(dir, 'ci.workflow.yaml');
      writeFileSync(path, text);
      assert.deepEqual(
        validateWorkflow(text).diagnostics.map((d) => d.code),
        [],
      );
      const events: EngineEvent[] = [];
      const run = startRun({ workflowPath: path, runsDir: join(dir, 'runs'), inputs: { github_ref: 'refs/heads/dev' }, onEvent: (e) => events.push(e) });
      assert.equal(await run.finished(), 'failed', 'the failed step fails the node');
      run.dispose();
      const made = ['unit', 'flaky', 'sub/here', 'lint', 'lint-let-go', 'build', 'never', 'logs', 'main-only', 'elsewhere'].filter((f) =>
        existsSync(join(dir, f)),
      );
      assert.deepEqual(made, ['unit', 'flaky', 'sub/here', 'lint', 'lint-let-go', 'build', 'logs', 'elsewhere']);
      assert.equal(readFileSync(join(dir, 'logs'), 'utf8'), 'failure\n', 'job.status');
      const failed = events.find((e) => e.type === 'node:failed');
      assert.equal(failed?.type === 'node:failed' && failed.exitCode, 4, 'the status of the first failure that counts');
      assert.equal(
        spawnSync('cat', [join(dir, 'where'), join(dir, 'left')], { encoding: 'utf8' }).stdout,
        `${dir}\nunset\n`,
        'each step in a process of its own',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs the steps that ask for it after a cancel, as GitHub does, and no others', async () => {
    await inFolder('step-cancel', async (dir) => {
      const { text } = await importWorkflow(
        yaml(
          'on: push',
          'jobs:',
          '  test:',
          '    runs-on: x',
          '    steps:',
          '      - { run: "touch started; sleep 30; touch slept" }',
          '      - { run: touch next }',
          '      - { if: always(), run: "echo ${{ job.status }} > cleanup" }',
          '      - { if: cancelled(), run: touch on-cancel }',
          '      - { if: failure(), run: touch on-failure }',
          '      - { if: "!cancelled()", run: touch not-cancelled }',
        ),
        'ci.yml',
      );
      const { status, events } = await runWorkflowText(dir, text, {
        during: async (run) => {
          await until(() => existsSync(join(dir, 'started')));
          run.scheduler.cancel();
        },
      });
      assert.equal(status, 'cancelled');
      const made = ['started', 'slept', 'next', 'cleanup', 'on-cancel', 'on-failure', 'not-cancelled'].filter((f) => existsSync(join(dir, f)));
      assert.deepEqual(made, ['started', 'cleanup', 'on-cancel']);
      assert.equal(readFileSync(join(dir, 'cleanup'), 'utf8'), 'cancelled\n', 'job.status');
      assert.ok(events.some((e) => e.type === 'node:cancelled' && e.nodeId === 'test'));
    });
  });

  it("gives job.status to a job's steps where no step has a condition", async () => {
    await inFolder('job-status', async (dir) => {
      const source = yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: x',
        '    steps:',
        '      - { run: "echo \\"$S ${{ job.status }}\\" > status", env: { S: "${{ job.status }}" } }',
      );
      const { text, notImported } = await importWorkflow(source, 'ci.yml');
      assert.deepEqual(notImported, []);
      assert.equal((await runWorkflowText(dir, text)).status, 'completed');
      assert.equal(readFileSync(join(dir, 'status'), 'utf8'), 'success success\n');
    });
  });

  it("keeps the note where the node's shell is not a POSIX shell", async () => {
    const { text, notImported } = await importWorkflow(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: x',
        '    defaults: { run: { shell: python } }',
        '    steps:',
        '      - { if: failure(), run: "print(1)" }',
      ),
      'ci.yml',
    );
    assert.match(notImported.join('\n'), /runs only if failure\(\): a node's steps all run here, as its shell is not a POSIX shell/);
    assert.ok(!text.includes('job_status'), text);
  });
});

interface World {
  job: 'success' | 'failure' | 'cancelled';
  unit: string;
  unitKeepsGoing: boolean;
  lint: string;
  flag: boolean;
  word: string;
  tag: string;
  /** What hashFiles('lock') reads (and hashFiles('LOCK'): the walk is the engine's); the other patterns match nothing. */
  hash: string;
}

const filesOf = (w: World): FileReader => ({ hashFiles: (args) => (args[0].toLowerCase() === 'lock' ? w.hash : '') });

/** GitHub's rule, with its own evaluator: a condition without a status function is `success() && (…)`. */
function githubDecides(condition: string, w: World): boolean {
  const unitConclusion = w.unit === 'failure' && w.unitKeepsGoing ? 'success' : w.unit;
  const expr = parseExpression(condition);
  const value = evaluate(expr, {
    contexts: {
      steps: {
        unit: { outcome: w.unit, conclusion: unitConclusion },
        'lint-web': { outcome: w.lint, conclusion: w.lint },
        meta: { outcome: 'success', conclusion: 'success', outputs: { tag: w.tag } },
      },
      inputs: { flag: w.flag, word: w.word },
      job: { status: w.job },
    },
    status: { success: () => w.job === 'success', failure: () => w.job === 'failure', cancelled: () => w.job === 'cancelled' },
    files: filesOf(w),
  });
  const statusCalled = collectReferences({ expr, offsetOf: () => 0 }).calls.some((c) => ['success', 'failure', 'always', 'cancelled'].includes(c.name));
  return isTruthy(value) && (statusCalled || w.job === 'success');
}

/** The translated tests, all cases in one shell, each given the variables the imported script would have. */
function shellDecides(cases: [string, World][]): boolean[] {
  const script = cases.map(([condition, w]) => {
    const result = stepCondition(condition, scope);
    assert.ok('test' in result, `${condition}: ${JSON.stringify(result)}`);
    const values = result.values.map(({ name, expression }) => {
      const value = evaluate(parseExpression(expression), { contexts: { inputs: { flag: w.flag, word: w.word } }, files: filesOf(w) });
      return `${name}='${toText(value)}'`;
    });
    const unitConclusion = w.unit === 'failure' && w.unitKeepsGoing ? 'success' : w.unit;
    const vars = [
      `job_result=${w.job}`,
      `outcome_unit=${w.unit}`,
      `conclusion_unit=${unitConclusion}`,
      `conclusion_lint_web=${w.lint}`,
      `outcome_lint_web=${w.lint}`,
      `steps_meta_tag='${w.tag}'`,
      `hash_lock='${w.hash}'`,
      "hash_none=''",
      ...values,
    ];
    return `(${vars.join('; ')}; if ${result.test}; then echo yes; else echo no; fi)`;
  });
  const out = spawnSync('bash', ['-e', '-c', [...SAME_TEXT_FUNCTION, ...script].join('\n')], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  return out.stdout
    .trim()
    .split('\n')
    .map((l) => l === 'yes');
}

/** The processes whose command line matches, started in `dir` (others of the machine, a test's beside this one, aside). */
function processesIn(dir: string, commandLine: string): number[] {
  const pids = spawnSync('pgrep', ['-f', commandLine], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
  const cwdOf = (pid: number) => {
    try {
      return realpathSync(`/proc/${pid}/cwd`);
    } catch {
      // Without /proc (macOS), or a process that ended meanwhile: counted where it may be this test's.
      return existsSync('/proc') ? undefined : dir;
    }
  };
  return pids.filter((pid) => cwdOf(pid) === realpathSync(dir));
}

describe("GitHub Actions import: a step's timeout-minutes", () => {
  it('fails the step when its time is up, ending what it started, and ends the watchdog of one that ends in time', async () => {
    await inFolder('step-timeout', async (dir) => {
      const { text, notImported } = await importWorkflow(
        yaml(
          'on: push',
          'jobs:',
          '  t:',
          '    runs-on: x',
          '    steps:',
          '      - { name: quick, timeout-minutes: 10, run: touch quick }',
          '      - { name: slow, timeout-minutes: 0.01, run: "(sleep 30; touch child-lived) & echo $! > child.pid; sleep 30; touch slept" }',
          '      - { if: always(), run: "touch cleanup; ! kill -0 $(cat child.pid) 2> /dev/null || touch child-alive" }',
          '      - { timeout-minutes: "${{ inputs.minutes }}", run: "true" }',
        ),
        'ci.yml',
      );
      assert.deepEqual(notImported, [
        "step 'step on line 9' (line 9) has timeout-minutes ${{ inputs.minutes }}, which is not a positive number of minutes: write one",
      ]);
      const { status, events } = await runWorkflowText(dir, text);
      assert.equal(status, 'failed');
      assert.deepEqual(
        ['quick', 'slept', 'cleanup', 'child-alive'].filter((f) => existsSync(join(dir, f))),
        ['quick', 'cleanup'],
        "the step's child is ended with it, before the steps after it run",
      );
      // The shell may say `Terminated` of its sleep, when that is ended before the shell itself.
      assert.deepEqual(
        loggedLines(events).filter((line) => line !== 'Terminated'),
        ['step "slow" timed out after 1s'],
      );
      for (const left of ['^sleep 600$', '^sleep 30$'])
        assert.deepEqual(processesIn(dir, left), [], `no process '${left}' is left: the watchdog and the step's children are ended`);
    });
  });
});
