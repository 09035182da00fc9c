// The builder property's actions on names a node's definition holds: its outputs and its matrix's keys, set, read and
// renamed.
import type { EditAction, FieldValue } from '../../src/engine/edits/actions';
import { expandMatrix, matrixKeys, type MatrixSpec } from '../../src/engine/matrix';
import { validateWorkflow } from '../../src/engine/validation/validate';

export type Seed = { op: number; a: number; b: number; c: number };

/** A script that writes the outputs the settings declare. */
const WRITES_OUTPUTS = 'echo "version=1.0" >> "$MAESTRO_OUTPUT"\nprintf \'%s\\n\' "notes=ok" >> "$MAESTRO_OUTPUT"\n';

/** Outputs: declared and written by a step, read by a node that needs it, renamed (now and then to a name it has: refused). */
export function outputAction(seed: Seed, text: string): EditAction {
  const nodes = validateWorkflow(text).workflow.nodes;
  const steps = nodes.filter((n) => n.kind === 'run');
  if (!steps.length) return { type: 'duplicate', id: nodes[seed.a % nodes.length].id };
  const declaring = steps.filter((n) => n.outputs?.length);
  if (!declaring.length) return { type: 'set', id: steps[seed.a % steps.length].id, key: 'outputs', value: ['version', 'notes'] };
  const step = declaring[seed.a % declaring.length];
  const outputs = step.outputs!;
  if (seed.op === 16 && !step.run?.includes('MAESTRO_OUTPUT')) return { type: 'set', id: step.id, key: 'run', value: WRITES_OUTPUTS };
  const reader = nodes.find((n) => n.kind === 'run' && n.needs.includes(step.id)) ?? nodes.find((n) => n.kind === 'run' && n.needs.length);
  // A read of an output the node may not declare, in another case: a warning, and read all the same.
  if (seed.op === 17 && reader)
    return { type: 'set', id: reader.id, key: 'env', value: { READS: `\${{ nodes.${reader.needs[0]}.outputs.${seed.b % 2 ? outputs[0] : 'Notes'} }}` } };
  const from = outputs[seed.b % outputs.length];
  const to = seed.c % 4 ? `renamed_out${seed.c % 3}` : outputs[seed.c % outputs.length];
  return { type: 'renameOutput', id: step.id, from, to };
}

/** A matrix written out, with entries that name its keys, and a key only `include` gives. */
const MATRIX: FieldValue = { shard: [1, 2], os: ['linux', 'macos'], exclude: [{ shard: 2, os: 'macos' }], include: [{ os: 'linux', coverage: true }] };

/**
 * Matrix keys: a matrix set, its keys read by the node (`matrix['os']` too) and its instances by a node that needs
 * it, renamed (now and then to a key it has: refused).
 */
export function matrixAction(seed: Seed, text: string): EditAction {
  const nodes = validateWorkflow(text).workflow.nodes;
  const matrices = nodes.filter((n) => n.kind === 'run' && n.matrix);
  if (!matrices.length) return { type: 'addNode', kind: 'matrix', after: nodes[seed.a % nodes.length].id, needs: [] };
  const node = matrices[seed.a % matrices.length];
  const keys = matrixKeys(node.matrix!);
  if (seed.op === 19 && seed.b % 4 === 0) return { type: 'set', id: node.id, key: 'matrix', value: MATRIX };
  if (seed.op === 19 && seed.b % 4 === 2) return { type: 'setMatrixAxes', id: node.id, axes: changedAxes(node.matrix!, seed.c) };
  if (seed.op === 19) {
    const key = keys[seed.c % keys.length];
    return { type: 'set', id: node.id, key: 'env', value: { KEY: `\${{ matrix['${key}'] }} \${{ matrix.${key.toUpperCase()} }}` } };
  }
  if (seed.op === 20) {
    const reader = nodes.find((n) => n.kind === 'run' && n.needs.includes(node.id));
    const other = nodes.filter((n) => n.id !== node.id);
    if (!reader) return other.length ? { type: 'connect', from: node.id, to: other[seed.c % other.length].id } : { type: 'duplicate', id: node.id };
    const instances = expandMatrix(node);
    const instance = instances[seed.c % instances.length].id;
    return { type: 'set', id: reader.id, key: 'env', value: { READS: `\${{ nodes.${node.id}.outputs.x['${instance}'] }}` } };
  }
  // 18 and 21: a rename.
  const from = keys[seed.b % keys.length];
  const to = seed.c % 4 ? `renamed_key${seed.c % 3}` : keys[seed.c % keys.length];
  return { type: 'renameMatrixKey', id: node.id, from, to };
}

/** The axes of a matrix with one changed: other values for its first, an axis added, or (without entries) its last removed. */
function changedAxes(matrix: MatrixSpec, c: number): Record<string, FieldValue[]> {
  const axes = Object.fromEntries(Object.entries(matrix.axes).map(([k, v]) => [k, v as FieldValue[]]));
  const keys = Object.keys(axes);
  const entries = matrix.include.length + matrix.exclude.length > 0;
  if (c % 3 === 0 && keys.length) return { ...axes, [keys[0]]: ['a', 'b'] };
  if (c % 3 === 1 || entries || keys.length < 2) return { ...axes, arch: ['x64', 'arm64'] };
  return Object.fromEntries(keys.slice(0, -1).map((k) => [k, axes[k]]));
}
