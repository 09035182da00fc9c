import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { ImportError, importWorkflow, type ImportFormat } from '../../../src/engine/formats';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import { yamlText } from '../../../src/engine/formats/yamlOut';

const GITHUB = `name: CI
on: [push, workflow_dispatch]
jobs:
  build:
    runs-on: ubuntu-latest
    outputs: { v: "\${{ steps.a.outputs.v }}" }
    strategy: { matrix: { node: [18, 20] } }
    steps:
      - uses: actions/checkout@v4
      - id: a
        run: echo "v=1" >> "$GITHUB_OUTPUT"
  test:
    needs: build
    if: \${{ always() }}
    environment: { name: prod }
    concurrency: { group: deploy, cancel-in-progress: true }
    services: { db: { image: postgres, ports: ["5432:5432"], env: { A: "\${{ matrix.x }}" } } }
    runs-on: ubuntu-latest
    steps:
      - run: echo \${{ needs.build.outputs.v }}
`;
const ARGO = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { generateName: x- }
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - { name: a, template: t }
          - { name: b, template: t, depends: "a", when: "'{{tasks.a.outputs.parameters.v}}' == '1'" }
    - name: t
      synchronization: { mutexes: [{ name: db }], semaphores: [{}] }
      sidecars: [{ name: db, image: postgres, command: [sh, -c], args: ["{{inputs.parameters.x}}"], ports: [{ containerPort: 5432 }] }]
      script: { image: bash, command: [bash], source: "echo hi" }
`;

/** A real workflow with some lines dropped, duplicated or cut short: broken in the ways files are. */
const damaged = (text: string) =>
  fc.array(fc.tuple(fc.nat(), fc.constantFrom('drop', 'dup', 'cut', 'tab')), { maxLength: 4 }).map((ops) => {
    const lines = text.split('\n');
    for (const [n, op] of ops) {
      const i = n % lines.length;
      if (op === 'drop') lines.splice(i, 1);
      else if (op === 'dup') lines.splice(i, 0, lines[i]);
      else if (op === 'cut') lines[i] = lines[i].slice(0, Math.floor(lines[i].length / 2));
      else lines[i] = `\t${lines[i]}`;
    }
    return lines.join('\n');
  });

const KEYS = [
  ...['jobs', 'on', 'steps', 'run', 'uses', 'needs', 'spec', 'templates', 'dag', 'tasks', 'apiVersion', 'kind', 'script', 'withItems', 'depends'],
  ...['services', 'concurrency', 'ports', 'sidecars', 'synchronization', 'mutexes', 'mutex', 'containerPort'],
  ...['defaults', 'shell', 'working-directory', 'env', 'if', 'continue-on-error', 'timeout-minutes', 'outputs', 'strategy', 'matrix', 'id', 'with'],
];
const shaped = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 3 }),
  object: fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string()), tie('value'), { maxKeys: 4 }),
})).object;

/** YAML with aliases that name no anchor, or anchors that hold themselves. */
const aliased = fc.constantFrom(
  '*!',
  'a: *x',
  'apiVersion: argoproj.io/v1\nkind: *k',
  'on: push\njobs: *j',
  '&a [*a]',
  'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nspec: &s { templates: [*s] }',
);

const input = fc.oneof(
  fc.string(),
  aliased,
  fc.string().map((s) => `*${s}`),
  damaged(GITHUB),
  damaged(ARGO),
  shaped.map((v) => yamlText(v)),
  shaped.map((v) => `apiVersion: argoproj.io/v1alpha1\n${yamlText({ kind: 'Workflow', spec: v })}`),
);

describe('import of any file (properties)', function () {
  this.timeout(120_000);
  it('gives a workflow that parses, or an ImportError with a line: never another exception', async () => {
    await fc.assert(
      fc.asyncProperty(input, fc.constantFrom<ImportFormat | undefined>(undefined, 'github-actions', 'argo'), async (text, format) => {
        try {
          const result = await importWorkflow(text, 'in.yml', { format });
          const parsed = validateWorkflow(result.text);
          assert.equal(parsed.diagnostics.filter((d) => d.code === 'yaml-syntax').length, 0, result.text);
        } catch (e) {
          assert.ok(e instanceof ImportError, `not an ImportError: ${(e as Error).stack}`);
          assert.ok(e.problems.length > 0 && e.problems.every((p) => p.line >= 1 && p.message.length > 0));
        }
      }),
      { numRuns: Number(process.env.MAESTRO_PROPERTY_RUNS ?? 400) },
    );
  });
});

/** The lines of a text whose key could be renamed: `key:` with only spaces or `- ` before it. */
const keyLines = (text: string) =>
  text
    .split('\n')
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => /^\s*(- )?[A-Za-z-]+:/.test(line));

/** A workflow with one of its keys renamed `__proto__`, and that key's line (1-based). */
const withReservedKey = (text: string) =>
  fc.constantFrom(...keyLines(text)).map(({ line, i }) => {
    const lines = text.split('\n');
    lines[i] = line.replace(/^(\s*(?:- )?)[A-Za-z-]+:/, '$1__proto__:');
    return { text: lines.join('\n'), line: i + 1 };
  });

describe('import of a file with a key named __proto__ (properties)', () => {
  it('is refused at that key, whichever it is: plain data would lose it unsaid', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(withReservedKey(GITHUB), withReservedKey(ARGO)), async ({ text, line }) => {
        await assert.rejects(importWorkflow(text, 'in.yml'), (e) => {
          assert.ok(e instanceof ImportError, String(e));
          assert.ok(
            e.problems.some((p) => p.line === line && p.message.includes("'__proto__' cannot be a key")),
            `${JSON.stringify(e.problems)}\n${text}`,
          );
          return true;
        });
      }),
      { numRuns: 60 },
    );
  });

  it('names every such key; an Argo task that would lose its node is refused too', async () => {
    const text = GITHUB.replace('on: [push, workflow_dispatch]', 'on:\n  workflow_dispatch:\n    inputs:\n      __proto__: { type: string }').replace(
      'runs-on: ubuntu-latest\n    outputs',
      'runs-on: ubuntu-latest\n    env: { __proto__: x }\n    outputs',
    );
    await assert.rejects(importWorkflow(text, 'ci.yml'), (e) => {
      assert.ok(e instanceof ImportError);
      assert.deepEqual(
        e.problems.map((p) => [p.line, p.column]),
        [
          [5, 7],
          [9, 12],
        ],
      );
      assert.match(e.message, /^ci\.yml:5:7: '__proto__' cannot be a key: .*; rename it in this file, nothing is imported$/m);
      return true;
    });
    const task = (text: string) => importWorkflow(ARGO.replace('{ name: a, template: t }', text), 'wf.yaml');
    await assert.rejects(
      task('{ name: __proto__, template: t }'),
      / wf\.yaml:10:1: a node cannot be named '__proto__' .*; rename the task, nothing is imported$/,
    );
    await assert.rejects(task('{ name: b, template: t }'), / wf\.yaml:11:1: a second task gives the node 'b'; rename one, nothing is imported$/);
  });
});
