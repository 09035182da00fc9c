// Conditions on how needed nodes ended, both ways between Maestro and Argo: an enhanced `depends` imported is a
// condition over the needed nodes' statuses, and such a condition exported is a `depends`. Checked by running:
// the imported workflow does what Argo's documentation says of it, and a workflow run after a round trip through
// Argo runs the same nodes as before, whichever of its nodes fail.
import { strict as assert } from 'node:assert';
import { exportWorkflow, importWorkflow } from '../../../src/engine/formats';
import { parse } from 'yaml';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import type { Behaviour } from '../fakes';
import { setup } from '../schedulerSetup';
import { argoErrors } from './validators';

/** A workflow's text after its header, for the scheduler's test setup (which writes a header of its own). */
const body = (text: string) => text.split('\n').slice(text.split('\n').indexOf('nodes:'));

/** Runs a workflow's body with the fake processes; the status each node ended in. */
async function statuses(lines: string[], behaviours: Record<string, Behaviour>): Promise<Record<string, string | undefined>> {
  const { scheduler, clock, sink } = setup(lines, behaviours);
  scheduler.start();
  await clock.advance(10_000);
  await scheduler.done;
  const ids = lines.filter((l) => /^ {2}[\w-]+:/.test(l)).map((l) => l.trim().replace(/:.*$/, ''));
  return Object.fromEntries(ids.map((id) => [id, sink.statusOf(id)]));
}

const fail: Behaviour = () => ({ exitCode: 1 });

describe('conditions on how needed nodes ended, to and from Argo', () => {
  it("imports Argo's enhanced-depends example so that it runs what Argo's documentation says", async () => {
    const argo = [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Workflow',
      'metadata: { generateName: dag-diamond- }',
      'spec:',
      '  entrypoint: diamond',
      '  templates:',
      '    - name: diamond',
      '      dag:',
      '        tasks:',
      '          - { name: A, template: pass }',
      '          - { name: B, depends: A, template: pass }',
      '          - { name: C, depends: A, template: fail }',
      '          - { name: should-execute-1, depends: "A && (C.Succeeded || C.Failed)", template: pass }',
      '          - { name: should-execute-2, depends: "B || C", template: pass }',
      '          - { name: should-not-execute, depends: "B && C", template: pass }',
      '          - { name: should-execute-3, depends: "should-execute-2.Succeeded || should-not-execute", template: pass }',
      '    - { name: pass, container: { image: busybox, command: [sh, -c, "exit 0"] } }',
      '    - { name: fail, container: { image: busybox, command: [sh, -c, "exit 1"] } }',
      '',
    ].join('\n');
    const { text } = await importWorkflow(argo, 'dag-diamond.yaml');
    assert.deepEqual(await statuses(body(text), { C: fail }), {
      A: 'completed',
      B: 'completed',
      C: 'failed',
      'should-execute-1': 'completed',
      'should-execute-2': 'completed',
      'should-not-execute': 'skipped',
      'should-execute-3': 'completed',
    });
  });

  it('exports such conditions as depends Argo accepts, and runs the same nodes after the round trip', async () => {
    const lines = [
      'nodes:',
      '  a: { run: x }',
      '  b: { run: x }',
      '  c: { needs: [a, b], if: "always() && nodes.a.status == \'failed\'", run: x }',
      '  d: { needs: [a, b], if: "!cancelled() && nodes.b.status != \'completed\'", run: x }',
      '  e: { needs: [a], if: "nodes.a.status == \'completed\'", run: x }',
      "  f: { needs: [c, d], if: \"!cancelled() && (nodes.c.status == 'skipped' || !(nodes.d.status == 'completed'))\", run: x }",
    ];
    const exported = exportWorkflow(validateWorkflow(['version: 1', 'name: Ended', ...lines, ''].join('\n')).workflow, 'argo');
    assert.deepEqual(argoErrors(exported), []);
    const tasks = (parse(exported) as { spec: { templates: { dag?: { tasks: { name: string; depends?: string }[] } }[] } }).spec.templates[0].dag!.tasks;
    assert.deepEqual(Object.fromEntries(tasks.map((t) => [t.name, t.depends])), {
      a: undefined,
      b: undefined,
      c: '(b.Succeeded || b.Skipped || b.Failed || b.Errored || b.Omitted) && ((a.Failed || a.Errored))',
      d: '(a.Succeeded || a.Skipped || a.Failed || a.Errored || a.Omitted) && (!(b.Succeeded))',
      e: 'a.Succeeded && (a.Succeeded)',
      f: '(c.Skipped || c.Omitted) || !(d.Succeeded)',
    });
    const back = body((await importWorkflow(exported, 'ended.yaml')).text);
    for (const failing of [[], ['a'], ['b'], ['a', 'b'], ['d']]) {
      const behaviours = Object.fromEntries(failing.map((id) => [id, fail]));
      assert.deepEqual(await statuses(back, behaviours), await statuses(lines, behaviours), `failing: ${failing.join(', ') || 'none'}`);
    }
  });
});
