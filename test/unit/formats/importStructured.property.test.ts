import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ConversionError, exportWorkflow, ImportError, importWorkflow } from '../../../src/engine/formats';
import { yamlText } from '../../../src/engine/formats/yamlOut';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import { githubErrors } from './validators';

// GitHub workflows of the shapes real ones have: jobs with needs, defaults, matrices, outputs and services; steps in
// every shell, with env, folders, conditions, continue-on-error and timeouts, writing outputs and the runner's files.
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });
const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const JOBS = ['a', 'b', 'build'] as const;
const runExpr = fc.constantFrom(
  '${{ steps.a.outputs.v }}',
  '${{ steps.a.outputs.w }}',
  '${{ needs.a.outputs.v }}',
  '${{ matrix.os }}',
  '${{ env.X }}',
  '${{ github.sha }}',
  '${{ secrets.T }}',
  "${{ hashFiles('**/x.lock', '!y/**') }}",
);
const line = fc.oneof(
  fc.constantFrom(
    'echo "v=1" >> "$GITHUB_OUTPUT"',
    'echo X=1 >> "$GITHUB_ENV"',
    'echo "# done" >> $GITHUB_STEP_SUMMARY',
    'cd sub',
    'exit 0',
    'set +e',
    'print(1)',
    'Write-Output $env:X',
    "cat <<'EOF'",
    'EOF',
    'MAESTRO_STEP',
    '`',
    "'",
  ),
  runExpr.map((e) => `echo ${e}`),
);
const shell = fc.constantFrom('bash', 'sh', 'python', 'pwsh', 'cmd', 'bash {0}', 'perl {0}', 'python3 {0}', 'pwsh -File {0}');
const stepEnv = fc.dictionary(fc.constantFrom('X', 'MODE', 'GITHUB_TOKEN'), fc.oneof(fc.constantFrom('1', "it's"), runExpr), { maxKeys: 2 });
const runStep = fc
  .record({
    id: maybe(fc.constantFrom('s2', 'deploy')),
    run: fc.array(line, { maxLength: 4 }).map((l) => l.join('\n')),
    shell: maybe(shell),
    'working-directory': maybe(fc.constantFrom('sub', '../up')),
    env: maybe(stepEnv),
    if: maybe(fc.constantFrom('${{ always() }}', "steps.a.outputs.v == '1'", 'failure()', "hashFiles('x') != ''", "env.X == '1'")),
    'continue-on-error': maybe(fc.oneof(fc.boolean(), fc.constant("${{ matrix.os == 'a' }}"))),
    'timeout-minutes': maybe(fc.integer({ min: 1, max: 5 })),
  })
  .map(defined);
const usesStep = fc
  .record({
    uses: fc.constantFrom('actions/checkout@v4', 'actions/upload-artifact@v4', 'actions/setup-node@v4', 'other/action@v1'),
    with: maybe(fc.constant({ path: 'dist' })),
  })
  .map(defined);
const job = fc
  .record({
    'runs-on': fc.constantFrom('ubuntu-latest', 'windows-latest'),
    needs: maybe(fc.constantFrom(...JOBS)),
    env: maybe(fc.dictionary(fc.constantFrom('X', 'MODE'), fc.constantFrom('plain', '${{ github.sha }}', '${{ matrix.os }}'), { maxKeys: 2 })),
    defaults: maybe(fc.record({ run: fc.record({ shell }) })),
    outputs: maybe(fc.dictionary(fc.constantFrom('v', 'w'), fc.constantFrom('${{ steps.a.outputs.v }}', '${{ steps.a.outputs.w }}', 'x'), { maxKeys: 2 })),
    services: maybe(fc.constant({ db: { image: 'postgres', ports: ['5432:5432'] } })),
    steps: fc.array(fc.oneof({ weight: 3, arbitrary: runStep }, { weight: 1, arbitrary: usesStep }), { maxLength: 4 }),
    first: fc.record({ shell: maybe(shell) }).map(defined),
  })
  .map(({ first, needs, ...rest }) => {
    const made = {
      ...rest,
      ...(needs !== undefined ? { needs } : {}),
      strategy: { matrix: { os: ['a', 'b'] } },
      // Every job's first step is `a`, writing both outputs.
      steps: [{ id: 'a', run: 'echo "v=1" >> "$GITHUB_OUTPUT"\necho "w=2" >> "$GITHUB_OUTPUT"', ...first }, ...rest.steps],
    };
    // A job reads the outputs of job a only where it needs it.
    return needs === 'a' ? made : (JSON.parse(JSON.stringify(made).replace(/needs\.a\.outputs\.v/g, 'github.sha')) as typeof made);
  });
const workflow = fc
  .record({ defaults: maybe(fc.record({ run: fc.record({ shell }) })), jobs: fc.dictionary(fc.constantFrom(...JOBS), job, { minKeys: 1, maxKeys: 3 }) })
  .map(({ defaults, jobs }) => yamlText({ on: 'push', ...(defaults ? { defaults } : {}), jobs }));

describe('import of GitHub workflows of real shapes (properties)', function () {
  this.timeout(300_000);
  it("gives a workflow without structural errors whose export GitHub's parser accepts, or a refusal that says why", async () => {
    await fc.assert(
      fc.asyncProperty(workflow, async (text) => {
        let imported: string;
        try {
          imported = (await importWorkflow(text, 'ci.yml', { format: 'github-actions' })).text;
        } catch (e) {
          assert.ok(e instanceof ImportError, `not an ImportError: ${(e as Error).stack}`);
          return;
        }
        const { workflow: spec, diagnostics } = validateWorkflow(imported);
        const structural = diagnostics.filter((d) => d.code === 'schema' || d.code === 'yaml-syntax' || d.code === 'invalid-matrix');
        assert.deepEqual(structural, [], imported);
        if (diagnostics.some((d) => d.severity === 'error')) return;
        let exported: string;
        try {
          exported = exportWorkflow(spec, 'github-actions');
        } catch (e) {
          // What GitHub cannot express is refused, saying what (a matrix job's outputs read as one value).
          assert.ok(e instanceof ConversionError, `the export threw: ${(e as Error).stack}\n${imported}`);
          return;
        }
        assert.deepEqual(await githubErrors(exported), [], exported);
      }),
      { numRuns: Number(process.env.MAESTRO_PROPERTY_RUNS ?? 150) },
    );
  });
});
