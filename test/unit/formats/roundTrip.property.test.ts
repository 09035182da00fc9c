import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { importWorkflow } from '../../../src/engine/formats';
import { expandMatrix } from '../../../src/engine/matrix';
import type { NodeSpec, WorkflowSpec } from '../../../src/engine/model';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import { exportedForProperty, interchangeArb, type Target } from './interchangeGen';

/** What a round trip keeps: the graph, the commands and the settings both sides have. */
function comparable(spec: WorkflowSpec, target: Target) {
  const node = (n: NodeSpec) => ({
    id: n.id,
    name: n.name,
    kind: n.kind,
    needs: [...n.needs].sort(),
    if: n.if,
    // Argo's script source ends its last line; whether the script did is not kept.
    run: target === 'argo' ? n.run?.replace(/\n$/, '') : n.run,
    approval: n.approval,
    // The environment a node's script sees (a node's env entry equal to the workflow's is the same setting).
    env: { ...spec.env, ...n.env },
    cwd: n.cwd,
    shell: n.shell,
    image: n.image,
    timeoutMs: n.timeoutMs,
    retry: n.retry,
    continueOnError: n.continueOnError,
    outputs: n.outputs,
    artifacts: n.artifacts,
    // The instances a matrix makes, each by its values (an Argo item carries every key, empty where it has none).
    instances: n.matrix ? expandMatrix(n).map((i) => Object.fromEntries(Object.entries(i.values).filter(([, v]) => v !== ''))) : undefined,
    maxParallel: n.maxParallel,
    mutex: n.mutex,
  });
  return { name: spec.name, inputs: spec.inputs, env: spec.env, nodes: spec.nodes.map(node) };
}

function roundTrip(target: Target) {
  return fc.asyncProperty(interchangeArb(target), async (text) => {
    const original = validateWorkflow(text);
    const errors = original.diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors, [], `the generated workflow is valid:\n${text}`);
    const exported = exportedForProperty(original.workflow, target);
    fc.pre(exported !== undefined);
    const imported = await importWorkflow(exported, target === 'argo' ? 'w.argo.yaml' : 'w.yml', { format: target });
    const back = validateWorkflow(imported.text);
    assert.deepEqual(imported.notImported, [], `nothing is left behind:\n${exported}`);
    assert.deepEqual(
      comparable(back.workflow, target),
      comparable(original.workflow, target),
      `round trip of:\n${text}\nthrough:\n${exported}\nback as:\n${imported.text}`,
    );
  });
}

describe('import(export(w)) gives w back (properties)', function () {
  this.timeout(120_000);
  it('through GitHub Actions', async () => {
    await fc.assert(roundTrip('github-actions'), { numRuns: Number(process.env.MAESTRO_PROPERTY_RUNS ?? 150) });
  });
  it('through Argo Workflows', async () => {
    await fc.assert(roundTrip('argo'), { numRuns: Number(process.env.MAESTRO_PROPERTY_RUNS ?? 150) });
  });
});
