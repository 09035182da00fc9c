// What Forget Kept Results offers: the team's results only where this window's own engine writes a shared cache.
import { strict as assert } from 'node:assert';
import { forgetChoices } from '../../src/extension/commands/forgetChoices';

describe('Forget Kept Results: its choices', () => {
  const labels = (o: Parameters<typeof forgetChoices<string>>[0]) => forgetChoices(o).map((c) => [c.label, c.description ?? '', c.scope.shared === true]);

  it("offers the team's results of the workflow in view where the window's runs write the shared cache", () => {
    assert.deepEqual(labels({ uri: 'u', name: 'a.workflow.yaml', team: true, served: false }), [
      ['Kept results of a.workflow.yaml', 'yours', false],
      ["Kept results of a.workflow.yaml, in the team's shared cache too", '', true],
      ['All kept results in the workspace', '', false],
    ]);
    assert.deepEqual(labels({ uri: 'u', name: 'a.workflow.yaml', team: false, served: false }), [
      ['Kept results of a.workflow.yaml', '', false],
      ['All kept results in the workspace', '', false],
    ]);
  });

  it("never on a served engine, whose shared cache the server's environment names; its results are said to be the server's", () => {
    assert.deepEqual(labels({ uri: 'u', name: 'a.workflow.yaml', team: true, served: true }), [
      ['Kept results of a.workflow.yaml', "the served engine's", false],
      ['All kept results in the workspace', "the served engine's", false],
    ]);
  });

  it('offers all the workspace’s alone with no workflow in view, and names a workflow as plain text', () => {
    assert.deepEqual(labels({ team: true, served: false }), [['All kept results in the workspace', '', false]]);
    const [first] = forgetChoices({ uri: 'u', name: '$(zap) [x](command:y).workflow.yaml', team: false, served: false });
    assert.doesNotMatch(first.label, /\$\(zap\)|\]\(command:/);
    assert.equal(first.scope.of, ' of $(zap) [x](command:y).workflow.yaml', 'the scope keeps the name, made plain where it is shown');
  });
});
