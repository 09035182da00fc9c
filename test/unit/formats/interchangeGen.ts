// Generated workflows made of what both GitHub Actions and Argo Workflows can express, for round-trip properties.
import fc from 'fast-check';
import { ConversionError, exportWorkflow } from '../../../src/engine/formats';
import type { ArgoExportOptions } from '../../../src/engine/formats/argo/export';
import { yamlText } from '../../../src/engine/formats/yamlOut';
import type { WorkflowSpec } from '../../../src/engine/model';

export type Target = 'github-actions' | 'argo';

const ID = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/);
const WORD = fc.stringMatching(/^[a-z][a-z ]{0,10}[a-z]$/);
const SCRIPT_LINE = fc.constantFrom('echo hello', 'echo "two words"', 'true', 'ls -la', 'printf "%s\\n" "$HOME"', 'sleep 0');
const ENV_NAME = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,6}$/);

interface Plan {
  inputs: { name: string; type: 'string' | 'boolean' | 'number'; dflt: unknown; description?: string }[];
  nodes: { id: string; needs: string[] }[];
}

const planArb: fc.Arbitrary<Plan> = fc
  .record({
    ids: fc.uniqueArray(ID, { minLength: 1, maxLength: 6, selector: (s) => s.replace(/_/g, '-').toLowerCase() }),
    inputs: fc.uniqueArray(
      fc.record({
        name: fc.stringMatching(/^[a-z][a-zA-Z]{0,6}$/),
        type: fc.constantFrom('string' as const, 'boolean' as const, 'number' as const),
        description: fc.option(WORD, { nil: undefined }),
      }),
      { maxLength: 3, selector: (i) => i.name.toLowerCase() },
    ),
    edges: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 10 }),
  })
  .map(({ ids, inputs, edges }) => {
    const needs = ids.map(() => new Set<string>());
    for (const [a, b] of edges) {
      const [from, to] = [a % ids.length, b % ids.length];
      if (from < to) needs[to].add(ids[from]);
    }
    return {
      inputs: inputs.map((i) => ({ ...i, dflt: i.type === 'boolean' ? true : i.type === 'number' ? 3 : 'beta' })),
      nodes: ids.map((id, i) => ({ id, needs: [...needs[i]] })),
    };
  });

/** One node's settings, drawn independently; `target` leaves out what one side cannot express. */
function nodeArb(plan: Plan, index: number, target: Target): fc.Arbitrary<Record<string, unknown>> {
  const node = plan.nodes[index];
  const strings = plan.inputs.filter((i) => i.type === 'string').map((i) => i.name);
  const conditions = [
    // A status function needs something upstream to be about (Argo writes it over the needed tasks).
    ...(node.needs.length ? ['always()', 'failure()'] : []),
    ...(node.needs.length && target === 'github-actions' ? [`always() && nodes.${node.needs[0]}.status == 'failed'`] : []),
    ...strings.map((s) => `inputs.${s} == 'stable'`),
    ...plan.inputs.filter((i) => i.type === 'boolean').map((b) => `inputs.${b.name}`),
  ];
  const refs = [
    ...strings.map((s) => `\${{ inputs.${s} }}`),
    ...node.needs.map((n) => `\${{ nodes.${n}.outputs.out }}`),
    // GitHub reads the env context in a step's env only.
    ...(target === 'github-actions' ? ['${{ env.HOME }}/cache'] : []),
  ];
  return fc.record(
    {
      name: WORD,
      ...(conditions.length ? { if: fc.constantFrom(...conditions) } : {}),
      timeout: fc.constantFrom('30s', '5m', '1h', '90s'),
      retry:
        target === 'argo'
          ? fc.oneof(fc.constant(2), fc.constant({ max: 3, backoff: 'exponential', delay: '2s', maxDelay: '1m' }))
          : fc.oneof(fc.constant(1), fc.constant({ max: 2, backoff: 'linear', delay: '500ms' })),
      continueOnError: target === 'github-actions' && strings.length ? fc.constantFrom(true, `\${{ inputs.${strings[0]} == 'stable' }}`) : fc.constant(true),
      env: fc.dictionary(ENV_NAME, refs.length ? fc.oneof(WORD, fc.constantFrom(...refs)) : WORD, { maxKeys: 3 }),
      matrix: fc.constantFrom(
        { os: ['linux', 'macos'], shard: [1, 2] },
        {
          os: ['linux', 'macos'],
          shard: [1, 2],
          exclude: [{ os: 'macos', shard: 2 }],
          include: [
            { shard: 1, big: true },
            { os: 'windows', shard: 1 },
          ],
        },
      ),
      maxParallel: fc.constantFrom(1, 2),
      shell: fc.constantFrom('sh', 'bash -x'),
      cwd: fc.constantFrom('sub', 'a/b'),
      image: fc.constantFrom('alpine:3.20', 'node:20'),
      run: fc
        .array(fc.oneof(SCRIPT_LINE, refs.length ? fc.constantFrom(...refs.map((r) => `echo "${r}"`)) : SCRIPT_LINE), { minLength: 1, maxLength: 3 })
        .map((l) => l.join('\n') + '\n'),
      outputs: fc.constant(['out']),
      ...(target === 'github-actions' ? { artifacts: fc.constant(['dist/app.js']) } : {}),
      ...(target === 'argo' ? { mutex: fc.constantFrom<string | string[]>('db', ['db', 'port-5432']) } : {}),
    },
    { requiredKeys: ['run'] },
  );
}

/** Nodes read by others must write the output they read; a matrix node's outputs are not read (they differ). */
function consistent(plan: Plan, nodes: Record<string, unknown>[], approvals: boolean[]): Record<string, unknown>[] {
  const read = new Set(plan.nodes.flatMap((_, i) => JSON.stringify(nodes[i]).match(/nodes\.([a-z0-9_-]+)\.outputs/g) ?? []).map((m) => m.split('.')[1]));
  return nodes.map((n, i) => {
    const id = plan.nodes[i].id;
    const out = { ...n };
    if (read.has(id)) {
      out.outputs = ['out'];
      delete out.matrix;
      if (approvals[i]) approvals[i] = false;
      out.run = `echo "out=1" >> "$MAESTRO_OUTPUT"\n${String(out.run)}`;
      delete out.shell;
    }
    if (out.outputs && out.shell && out.shell !== 'sh' && out.shell !== 'bash -x') delete out.shell;
    if (!out.matrix) delete out.maxParallel;
    if (approvals[i]) {
      const prompt = typeof out.name === 'string' ? `Ship ${out.name}?` : undefined;
      return { ...(out.name ? { name: out.name } : {}), ...(out.if ? { if: out.if } : {}), approval: prompt ? { prompt } : {} };
    }
    return out;
  });
}

/** A workflow's text with what both the target and our format have. */
export function interchangeArb(target: Target): fc.Arbitrary<string> {
  return planArb.chain((plan) =>
    fc
      .tuple(
        fc.tuple(...plan.nodes.map((_, i) => nodeArb(plan, i, target))),
        fc.array(fc.boolean(), { minLength: plan.nodes.length, maxLength: plan.nodes.length }),
        fc.dictionary(ENV_NAME, WORD, { maxKeys: 2 }),
        WORD,
      )
      .map(([nodes, approvals, env, name]) => {
        const docs = consistent(plan, nodes, approvals);
        const inputs = Object.fromEntries(
          plan.inputs.map((i) => [i.name, { type: i.type, default: i.dflt, ...(i.description ? { description: i.description } : {}) }]),
        );
        const nodeDocs = Object.fromEntries(plan.nodes.map((n, i) => [n.id, { ...(n.needs.length ? { needs: n.needs } : {}), ...docs[i] }]));
        return yamlText({ version: 1, name, ...(plan.inputs.length ? { inputs } : {}), ...(Object.keys(env).length ? { env } : {}), nodes: nodeDocs });
      }),
  );
}

/**
 * The export of a generated workflow, or undefined where Argo refuses the one thing the generator writes that it may
 * refuse: a node under continueOnError that nothing needs, in a dag whose tasks name results (`depends`).
 */
export function exportedForProperty(spec: WorkflowSpec, target: Target, options: ArgoExportOptions = {}): string | undefined {
  try {
    return exportWorkflow(spec, target, options);
  } catch (e) {
    if (target === 'argo' && e instanceof ConversionError && e.problems.every((p) => p.message.startsWith('continueOnError: Argo takes no continueOn')))
      return undefined;
    throw e;
  }
}
