import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { exportWorkflow } from '../../../src/engine/formats';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import { exportedForProperty, interchangeArb } from './interchangeGen';
import { argoErrors, githubErrors } from './validators';

describe("exports pass the target's own validator (properties)", function () {
  this.timeout(120_000);
  it("GitHub Actions: GitHub's workflow parser finds no error", async () => {
    await fc.assert(
      fc.asyncProperty(interchangeArb('github-actions'), async (text) => {
        const out = exportWorkflow(validateWorkflow(text).workflow, 'github-actions');
        assert.deepEqual(await githubErrors(out), [], out);
      }),
      { numRuns: 100 },
    );
  });
  it("Argo Workflows: Argo's JSON schema, strict about unknown fields, finds no error", () => {
    fc.assert(
      fc.property(fc.tuple(interchangeArb('argo'), fc.boolean()), ([text, template]) => {
        const out = exportedForProperty(validateWorkflow(text).workflow, 'argo', { template });
        fc.pre(out !== undefined);
        assert.deepEqual(argoErrors(out), [], out);
      }),
      { numRuns: 100 },
    );
  });
});
