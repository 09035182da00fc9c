// What the Argo import tests share: an Argo Workflow made of templates, a template that echoes its argument, the
// imported workflow read back without errors, and how each node of a run ended.
import { strict as assert } from 'node:assert';
import type { WorkflowSpec } from '../../../src/engine/model';
import type { EngineEvent } from '../../../src/engine/protocol';
import { validateWorkflow } from '../../../src/engine/validation/validate';

/** An Argo Workflow whose entrypoint and templates are these (each template's lines indented under `templates:`). */
export const argo = (entrypoint: string, ...templates: string[]): string =>
  [
    'apiVersion: argoproj.io/v1alpha1',
    'kind: Workflow',
    'metadata: { generateName: w- }',
    'spec:',
    `  entrypoint: ${entrypoint}`,
    '  templates:',
    ...templates,
    '',
  ].join('\n');

/** A template `say` that echoes its parameter `m`. */
export const SAY = '    - { name: say, inputs: { parameters: [{ name: m }] }, container: { image: alpine, command: [echo, "{{inputs.parameters.m}}"] } }';

/** The imported workflow, which validation finds no error in. */
export function specOf(text: string): WorkflowSpec {
  const { workflow, diagnostics } = validateWorkflow(text);
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  return workflow;
}

/** How each node ended in a run: completed, failed or skipped. */
export const ended = (events: readonly EngineEvent[]): Record<string, string> =>
  Object.fromEntries(
    events.flatMap((e) => (e.type === 'node:completed' || e.type === 'node:failed' || e.type === 'node:skipped' ? [[e.nodeId, e.type.slice(5)]] : [])),
  );
