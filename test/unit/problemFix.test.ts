import { strict as assert } from 'node:assert';
import { dagGraphOf } from '../../src/engine/dagGraph';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex } from '../../src/engine/workflowIndex';
import { parseEditAction } from '../../src/engine/edits/action';
import { edit, refusalOf, yaml } from './helpers';

const graphOf = (text: string) => dagGraphOf(buildIndex(validateWorkflow(text))).graph;

describe("the DAG panel applies the validator's fixes", () => {
  const text = yaml(
    'version: 1',
    'name: F',
    'inputs: { environment: { default: staging } }',
    'mutex: deploy-${{ input.environment }}',
    'nodes:',
    '  build: { run: make }   # kept',
    '  deploy:',
    '    run: ./deploy.sh "${{ nodes.build.outputs.version }}" "${{ nodes.biuld.status }}"',
  );

  it("lists each problem's fixes by title, a node's with the node and the settings' with them", () => {
    const graph = graphOf(text);
    const deploy = graph.nodes.find((n) => n.id === 'deploy')!;
    const unreachable = deploy.problems.find((p) => p.message.includes('upstream'))!;
    assert.deepEqual(unreachable.fixes, ["Add 'build' to the needs of 'deploy'"]);
    assert.equal(unreachable.field, 'run');
    const misspelt = deploy.problems.find((p) => p.message.includes('biuld'))!;
    assert.deepEqual(misspelt.fixes, ["Change to 'build'"]);
    assert.deepEqual(
      graph.settings!.problems.map((p) => [p.field, p.fixes]),
      [['mutex', ["Change to 'inputs'"]]],
    );
    assert.equal(graph.nodes.find((n) => n.id === 'build')!.problems.length, 0);
  });

  it('applies the fix named, where the problem is', () => {
    const { message } = graphOf(text)
      .nodes.find((n) => n.id === 'deploy')!
      .problems.find((p) => p.message.includes('upstream'))!;
    const fixed = edit(text, { type: 'fix', id: 'deploy', message, title: "Add 'build' to the needs of 'deploy'" });
    assert.equal(fixed, text.replace('  deploy:\n', '  deploy:\n    needs: build\n'));
    const [settings] = graphOf(text).settings!.problems;
    assert.equal(edit(text, { type: 'fix', message: settings.message, title: "Change to 'inputs'" }), text.replace('${{ input.', '${{ inputs.'));
  });

  it('says so when the problem is gone, or is not where the panel says', () => {
    const { message } = graphOf(text)
      .nodes.find((n) => n.id === 'deploy')!
      .problems.find((p) => p.message.includes('biuld'))!;
    const fixed = edit(text, { type: 'fix', id: 'deploy', message, title: "Change to 'build'" });
    assert.match(
      refusalOf(fixed, { type: 'fix', id: 'deploy', message, title: "Change to 'build'" }),
      /^the problem of 'deploy' that "Change to 'build'" fixes is no longer in the file/,
    );
    assert.match(refusalOf(text, { type: 'fix', id: 'build', message, title: "Change to 'build'" }), /of 'build'/);
    assert.match(refusalOf(text, { type: 'fix', message, title: "Change to 'build'" }), /of the workflow's settings/);
  });

  it("lists the file's own problems with the settings, with no field, and fixes them from there", () => {
    const bare = yaml('# Ships it.', 'name: F', 'nodes:', '  a: { run: x }');
    const [missing] = graphOf(bare).settings!.problems;
    assert.deepEqual(missing, {
      message: "the workflow is missing the required property 'version'",
      severity: 'error',
      fixes: ["Add 'version: 1'"],
    });
    assert.equal(edit(bare, { type: 'fix', message: missing.message, title: "Add 'version: 1'" }), bare.replace('name: F', 'version: 1\nname: F'));
    // On the first line, it is still the file's, not its first key's.
    const named = yaml('name: F', 'nodes:', '  a: { run: x }');
    assert.deepEqual(graphOf(named).settings!.problems, [missing]);
    assert.equal(edit(named, { type: 'fix', message: missing.message, title: "Add 'version: 1'" }), `version: 1\n${named}`);
    // A syntax error is not listed there: the panel shows it over the graph.
    assert.deepEqual(graphOf(yaml('version: 1', 'name: F', 'nodes: [', '')).settings!.problems, []);
  });

  it('takes a fix action from the panel only with its message and title', () => {
    assert.ok('action' in parseEditAction({ type: 'fix', message: 'm', title: 't' }));
    assert.ok('error' in parseEditAction({ type: 'fix', id: 3, message: 'm', title: 't' }));
    assert.ok('error' in parseEditAction({ type: 'fix', id: 'a', title: 't' }));
  });
});
