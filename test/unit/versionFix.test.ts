import { strict as assert } from 'node:assert';
import { applyEdits } from '../../src/engine/edits/actions';
import { validateWorkflow } from '../../src/engine/validation/validate';

const fixOf = (text: string) => validateWorkflow(text).diagnostics.find((d) => /missing the required property 'version'/.test(d.message))?.fixes;

describe("a workflow without 'version'", () => {
  it("is fixed by writing 'version: 1' above its first key, its comments above kept", () => {
    for (const text of [
      'name: F\nnodes:\n  a: { run: x }\n',
      '# Ships it.\n\nname: F   # shown\nnodes:\n  a: { run: x }\n',
      'name: F\r\nnodes:\r\n  a: { run: x }\r\n',
    ]) {
      const [fix] = fixOf(text)!;
      assert.equal(fix.title, "Add 'version: 1'");
      const fixed = applyEdits(text, fix.edits);
      assert.deepEqual(validateWorkflow(fixed).diagnostics, [], fixed);
      assert.equal(fixed.replace(/version: 1\r?\n/, ''), text);
    }
  });

  it('has no fix where the workflow is written as a flow mapping', () => {
    assert.equal(fixOf('{ name: F, nodes: { a: { run: x } } }\n'), undefined);
  });
});
