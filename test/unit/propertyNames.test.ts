import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { applyEdits, planEdit } from '../../src/engine/edits/actions';
import { NODE_PROPERTIES } from '../../src/engine/edits/setField';
import { propertyMeant } from '../../src/engine/validation/propertyNames';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex } from '../../src/engine/workflowIndex';
import { yaml } from './helpers';

const TOP_LEVEL = ['version', 'name', 'description', 'inputs', 'env', 'concurrency', 'timeout', 'defaults', 'nodes'];

describe("property names: another tool's word, or a typo, is named as ours", () => {
  it('names our property for the word another tool uses, however it is cased or joined, where ours is allowed', () => {
    assert.equal(propertyMeant('depends_on', NODE_PROPERTIES), 'needs');
    assert.equal(propertyMeant('dependsOn', NODE_PROPERTIES), 'needs');
    assert.equal(propertyMeant('Working-Directory', NODE_PROPERTIES), 'cwd');
    assert.equal(propertyMeant('retries', NODE_PROPERTIES), 'retry');
    assert.equal(propertyMeant('jobs', TOP_LEVEL), 'nodes');
    assert.equal(propertyMeant('max-parallel', TOP_LEVEL), 'concurrency');
    // GitLab's and Azure Pipelines' words.
    assert.equal(propertyMeant('allow_failure', NODE_PROPERTIES), 'continueOnError');
    assert.equal(propertyMeant('timeoutInMinutes', NODE_PROPERTIES), 'timeout');
    // Not where our property is not allowed: a node has no `nodes`, the top level no `needs`.
    assert.equal(propertyMeant('jobs', NODE_PROPERTIES), undefined);
    assert.equal(propertyMeant('depends_on', TOP_LEVEL), undefined);
    // A typo as before.
    assert.equal(propertyMeant('nedds', NODE_PROPERTIES), 'needs');
  });

  it('never names the word written, nor a property not allowed there', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 24 }), fc.constantFrom('depends_on', 'JOBS', 'run', 'needs', 'cmd', 'when')), fc.boolean(), (word, top) => {
        const allowed = top ? TOP_LEVEL : NODE_PROPERTIES;
        const meant = propertyMeant(word, allowed);
        if (meant !== undefined) {
          assert.notEqual(meant, word);
          assert.ok(allowed.includes(meant), `${meant} is not allowed`);
        }
      }),
    );
  });

  it('turns a workflow written with other tools’ words into a valid one by its fixes alone', () => {
    const text = yaml(
      'version: 1',
      'name: Elsewhere',
      'max_parallel: 2',
      'jobs:',
      '  build:',
      '    command: make',
      '    timeout_seconds: 30',
      '    retries: 2',
      '  test:',
      '    depends_on: [build]',
      '    working-directory: .',
      '    environment: { CI: "true" }',
      '    script: make test',
    );
    // The nodes under `jobs` are checked once it is `nodes`: two rounds of fixes.
    const named: string[] = [];
    let fixed = text;
    for (let round = 0; round < 2; round++) {
      const problems = validateWorkflow(fixed).diagnostics.filter((d) => d.message.includes('did you mean'));
      named.push(...problems.map((d) => /'([^']+)' .*did you mean '(\w+)'/.exec(d.message)!.slice(1).join(' → ')));
      fixed = applyEdits(
        fixed,
        problems.flatMap((d) => d.fixes?.[0]?.edits ?? []),
      );
    }
    assert.deepEqual(named, [
      'max_parallel → concurrency',
      'jobs → nodes',
      'command → run',
      'timeout_seconds → timeout',
      'retries → retry',
      'depends_on → needs',
      'working-directory → cwd',
      'environment → env',
      'script → run',
    ]);
    assert.deepEqual(validateWorkflow(fixed).diagnostics, []);
    assert.match(fixed, /concurrency: 2\nnodes:\n {2}build:\n {4}run: make\n {4}timeout: 30\n {4}retry: 2/);
  });

  it("writes GitHub's timeout-minutes as our timeout, a duration, and offers no fix where no duration says the same", () => {
    const diagnosed = (value: string) => {
      const text = yaml('version: 1', 'name: x', 'nodes:', '  a:', '    run: make', `    timeout-minutes: ${value}`);
      const [d] = validateWorkflow(text).diagnostics;
      return { message: d.message, fixed: d.fixes ? applyEdits(text, d.fixes[0].edits) : undefined };
    };
    const ten = diagnosed('10');
    assert.equal(ten.message, "unknown property 'timeout-minutes' in node 'a' — did you mean 'timeout: 10m'?");
    assert.match(ten.fixed ?? '', /\n {4}timeout: 10m\n$/);
    assert.deepEqual(validateWorkflow(ten.fixed ?? '').diagnostics, []);
    assert.match(diagnosed('1.5').fixed ?? '', /\n {4}timeout: 90s\n$/);
    const computed = diagnosed('"${{ inputs.minutes }}"');
    assert.equal(computed.message, "unknown property 'timeout-minutes' in node 'a' — did you mean 'timeout'?");
    assert.equal(computed.fixed, undefined);
    assert.equal(diagnosed('0').fixed, undefined);
  });

  it("names ours for a value of another type, but renames only a value of a type ours takes (Compose's list of words)", () => {
    const text = yaml(
      'version: 1',
      'name: x',
      'nodes:',
      '  a:',
      '    command: [make, test]',
      '    environment: ["CI=1"]',
      '    depends_on: { b: { condition: started } }',
      '  b: { run: x }',
    );
    const problems = validateWorkflow(text).diagnostics.filter((d) => d.message.includes('did you mean'));
    assert.deepEqual(
      problems.map((d) => [/'([^']+)'.*did you mean '(\w+)'/.exec(d.message)!.slice(1).join(' → '), d.fixes?.length ?? 0]),
      [
        ['command → run', 0],
        ['environment → env', 0],
        ['depends_on → needs', 0],
      ],
    );
  });

  it('the builder names it too when asked to set a property by another name', () => {
    const outcome = planEdit(buildIndex(validateWorkflow(yaml('version: 1', 'name: x', 'nodes:', '  a: { run: x }'))), {
      type: 'set',
      id: 'a',
      key: 'depends_on',
      value: ['b'],
    });
    assert.ok('error' in outcome);
    assert.equal(outcome.error, "a node has no property 'depends_on' — did you mean 'needs'?");
  });
});
