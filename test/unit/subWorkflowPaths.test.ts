// The `workflow:` paths a rename or move of files breaks, and what they become.
import { strict as assert } from 'node:assert';
import { applyEdits } from '../../src/engine/edits/actions';
import { subWorkflowPathEdits, unmovedPath, type FileMove } from '../../src/engine/edits/subWorkflowPaths';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex } from '../../src/engine/workflowIndex';
import { yaml } from './helpers';

const OUTER = '/w/flows/outer.workflow.yaml';
const text = yaml(
  'version: 1',
  'name: Outer',
  'nodes:',
  '  a: { workflow: ./inner.workflow.yaml }   # the inner one',
  '  b:',
  '    workflow: "../shared/build.workflow.yaml"',
  "  c: { workflow: 'inner.workflow.yaml', needs: a }",
  '  d: { run: echo ./inner.workflow.yaml }',
);

const after = (moves: FileMove[], file = OUTER, source = text) => applyEdits(source, subWorkflowPathEdits(buildIndex(validateWorkflow(source)), file, moves));
const paths = (source: string) => validateWorkflow(source).workflow.nodes.flatMap((n) => (n.workflow ? [n.workflow] : []));

describe('workflow: paths after files move', () => {
  it('follows a renamed sub-workflow, in each quoting, and leaves the rest of the text as it was', () => {
    const moved = after([{ from: '/w/flows/inner.workflow.yaml', to: '/w/flows/sub/deploy.workflow.yaml' }]);
    assert.deepEqual(paths(moved), ['./sub/deploy.workflow.yaml', '../shared/build.workflow.yaml', './sub/deploy.workflow.yaml']);
    assert.match(moved, /a: \{ workflow: \.\/sub\/deploy\.workflow\.yaml \} {3}# the inner one\n/);
    assert.match(moved, /d: \{ run: echo \.\/inner\.workflow\.yaml \}/, 'a script is not a path');
  });

  it("follows a file moved with a folder, and the workflow's own move", () => {
    assert.deepEqual(paths(after([{ from: '/w/shared', to: '/w/common/lib' }])), [
      './inner.workflow.yaml',
      '../common/lib/build.workflow.yaml',
      'inner.workflow.yaml',
    ]);
    const itself = after([{ from: OUTER, to: '/w/outer.workflow.yaml' }]);
    assert.deepEqual(paths(itself), ['./flows/inner.workflow.yaml', './shared/build.workflow.yaml', './flows/inner.workflow.yaml']);
  });

  it('changes nothing when the paths still hold: a folder moved with everything it names, or files it does not name', () => {
    assert.equal(after([{ from: '/w', to: '/x' }]), text);
    assert.equal(after([{ from: '/w/flows/other.workflow.yaml', to: '/w/flows/else.workflow.yaml' }]), text);
  });

  it('finds where a moved file was', () => {
    const moves = [{ from: '/w/flows', to: '/w/pipelines' }];
    assert.equal(unmovedPath('/w/pipelines/a.workflow.yaml', moves), '/w/flows/a.workflow.yaml');
    assert.equal(unmovedPath('/w/pipelines-old/a.workflow.yaml', moves), '/w/pipelines-old/a.workflow.yaml');
  });

  it('quotes a new path that YAML would not read back plain', () => {
    const moved = after([{ from: '/w/flows/inner.workflow.yaml', to: '/w/flows/my flow #2.workflow.yaml' }]);
    assert.deepEqual(paths(moved), ['./my flow #2.workflow.yaml', '../shared/build.workflow.yaml', './my flow #2.workflow.yaml']);
    const single = after([{ from: '/w/flows/inner.workflow.yaml', to: "/w/flows/it's.workflow.yaml" }]);
    assert.deepEqual(paths(single), ["./it's.workflow.yaml", '../shared/build.workflow.yaml', "./it's.workflow.yaml"]);
  });
});
