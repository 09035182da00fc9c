// Argo's `{{= }}` expressions (the expr language) imported as ours where ours can say the same, and noted where not.
import { strict as assert } from 'node:assert';
import { importWorkflow } from '../../../src/engine/formats';
import { parseCondition } from '../../../src/engine/expressions/condition';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import { yaml } from '../helpers';

const ARGO = yaml(
  'apiVersion: argoproj.io/v1alpha1',
  'kind: Workflow',
  'metadata: { generateName: expr- }',
  'spec:',
  '  entrypoint: main',
  '  arguments:',
  '    parameters:',
  '      - { name: env, value: prod }',
  '      - { name: skip, value: "false" }',
  '  templates:',
  '    - name: main',
  '      dag:',
  '        tasks:',
  '          - { name: gen, template: gen }',
  '          - name: deploy',
  '            template: echo',
  `            when: "{{=workflow.parameters.env == 'prod' and !fromJSON(workflow.parameters.skip)}}"`,
  '            arguments: { parameters: [{ name: msg, value: "{{workflow.parameters.env}}" }] }',
  '          - name: big',
  '            depends: gen',
  '            template: echo',
  '            when: "{{= asInt(tasks.gen.outputs.result) > 5 }}"',
  '            arguments: { parameters: [{ name: msg, value: "v-{{=tasks.gen.outputs.result}}" }] }',
  '          - name: trimmed',
  '            template: echo',
  `            when: "{{=sprig.trim(workflow.parameters.env) == 'prod'}}"`,
  `            arguments: { parameters: [{ name: msg, value: "{{=workflow.parameters.env + 'x'}}" }] }`,
  '    - name: gen',
  '      script: { image: alpine, command: [sh], source: "echo 7" }',
  '    - name: echo',
  '      inputs: { parameters: [{ name: msg }] }',
  '      script:',
  '        image: alpine',
  '        command: [sh]',
  `        source: "echo {{=inputs.parameters['msg'] == \\"it's\\"}}"`,
);

describe('Argo import: {{= }} expressions', () => {
  it("reads variables, literals, comparisons, and/or/not and asInt or fromJSON as ours, the task's arguments in place", async () => {
    const { text } = await importWorkflow(ARGO, 'expr.yaml', { format: 'argo' });
    const nodes = new Map(validateWorkflow(text).workflow.nodes.map((n) => [n.id, n]));
    assert.equal(nodes.get('deploy')!.if, "inputs.env == 'prod' && !fromJSON(inputs.skip)");
    assert.equal(nodes.get('deploy')!.run, "echo ${{ inputs.env == 'it''s' }}");
    assert.equal(nodes.get('big')!.if, '(nodes.gen.outputs.result) > 5');
    assert.equal(nodes.get('big')!.run, "echo ${{ format('v-{0}', (nodes.gen.outputs.result)) == 'it''s' }}");
    const deploys = (inputs: Record<string, string>) => parseCondition(nodes.get('deploy')!.if!).holds({ contexts: { inputs } });
    assert.deepEqual(
      [deploys({ env: 'prod', skip: 'false' }), deploys({ env: 'prod', skip: 'true' }), deploys({ env: 'dev', skip: 'false' })],
      [true, false, false],
    );
    assert.equal(parseCondition('(nodes.gen.outputs.result) > 5').holds({ contexts: { nodes: { gen: { outputs: { result: '7' } } } } }), true);
  });

  it('notes what ours cannot say (sprig, arithmetic), keeping the condition for the validator to stop the run', async () => {
    const { text, notImported } = await importWorkflow(ARGO, 'expr.yaml', { format: 'argo' });
    assert.deepEqual(notImported, [
      "the dag fails fast (Argo's default): once a task fails, Argo starts no other, where here the tasks that do not need it run on (make a task need the ones it must not run after)",
      "task 'trimmed' (line 24)'s condition uses the Argo expression {{=sprig.trim(workflow.parameters.env) == 'prod'}}, which has no local counterpart: sprig.trim() has no counterpart in our expressions",
      "task 'trimmed' (line 24) uses the Argo expression {{=inputs.parameters['msg'] == \"it's\"}}, which has no local counterpart: inputs.parameters.msg has no local value",
    ]);
    const errors = validateWorkflow(text).diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(
      errors.map((d) => d.message),
      ["invalid expression: unexpected character '{'"],
    );
  });
});
