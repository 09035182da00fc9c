// A job's `strategy` as a node's matrix, `maxParallel` and `failFast`: the matrix as written, its expressions in our
// terms, and its `exclude` and `include` values spelt as its axes spell them where GitHub, which compares text without
// regard to case, would match them.
import { isObject, type Json, textOf } from '../../json';
import { referencedIds } from '../expressionMap';
import type { NodeDoc } from '../importTypes';

/** A value of a matrix with its expressions in our terms (`needs.plan.outputs.m` is `nodes.plan.outputs.m`). */
function matrixValue(v: unknown, translate: (text: string) => string): unknown {
  if (typeof v === 'string') return v.includes('${{') ? translate(v) : v;
  if (Array.isArray(v)) return v.map((x) => matrixValue(x, translate));
  return isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, matrixValue(x, translate)])) : v;
}

/** A strategy's matrix: its lists, and its expressions (`${{ fromJSON(needs.plan.outputs.matrix) }}`) made when the run reaches the node, as GitHub makes them. */
export function matrixOf(strategy: unknown, note: (what: string) => void, translate: (text: string) => string): NodeDoc {
  const limit = isObject(strategy) ? strategy['max-parallel'] : undefined;
  const matrix = isObject(strategy) ? strategy.matrix : undefined;
  const maxParallel = typeof limit === 'number' && Number.isInteger(limit) && limit >= 1 ? limit : undefined;
  const isExpression = typeof matrix === 'string' && matrix.includes('${{');
  if (limit !== undefined && maxParallel === undefined && (isObject(matrix) || isExpression))
    note(`max-parallel ${textOf(limit)} is not a positive whole number: the instances run as the workflow's concurrency lets them`);
  if (!isObject(matrix) && !isExpression) {
    if (matrix !== undefined) note(`the matrix is ${textOf(matrix)}, neither lists of values nor an expression: write its values`);
    return {};
  }
  const out: Record<string, unknown> | string = isExpression ? translate(matrix) : {};
  for (const [key, values] of Object.entries(isObject(matrix) ? matrix : {})) {
    if (Array.isArray(values) || (typeof values === 'string' && values.includes('${{'))) (out as Record<string, unknown>)[key] = matrixValue(values, translate);
    else if (key === 'include' || key === 'exclude') note(`matrix '${key}' is not a list of entries (${textOf(values)}): write them`);
    else note(`matrix '${key}' is not a list of values`);
  }
  if (typeof out !== 'string') withAxisSpelling(out);
  // GitHub's fail-fast is true unless the workflow says false.
  const givenFailFast = isObject(strategy) ? strategy['fail-fast'] : undefined;
  const failFast = givenFailFast !== false;
  if (givenFailFast !== undefined && typeof givenFailFast !== 'boolean')
    note(`fail-fast is an expression (${textOf(givenFailFast)}): the matrix fails fast, as GitHub's default; write failFast: false if it should not`);
  if (typeof out !== 'string' && !Object.keys(out).length) return {};
  return { matrix: out, ...(maxParallel !== undefined ? { maxParallel } : {}), ...(failFast ? { failFast: true } : {}) };
}

/**
 * An `exclude` or `include` value that GitHub matches to an axis value without regard to case (`os: MacOS` for
 * `macos`), written as the axis has it: here values match as they are written, and the instances are the same.
 */
function withAxisSpelling(matrix: Record<string, unknown>): void {
  for (const list of ['exclude', 'include']) {
    const entries = matrix[list];
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      if (!isObject(entry)) continue;
      for (const [key, value] of Object.entries(entry)) {
        const axis = matrix[key];
        if (typeof value !== 'string' || key === 'include' || key === 'exclude' || !Array.isArray(axis) || axis.includes(value)) continue;
        const spelt = (axis as unknown[]).find((v) => typeof v === 'string' && v.toLowerCase() === value.toLowerCase());
        if (spelt !== undefined) entry[key] = spelt;
      }
    }
  }
}

/** The jobs of a workflow that have a matrix. */
export const matrixJobs = (jobs: Json): Set<string> =>
  new Set(Object.entries(jobs).flatMap(([id, job]) => (isObject(job) && isObject(job.strategy) && job.strategy.matrix !== undefined ? [id] : [])));

/**
 * What a job's node reads of matrix jobs' outputs, each said once: GitHub gives a matrix job's output as the value of
 * the instance that wrote it last, where a matrix node's output holds every instance's value by instance id.
 */
export function matrixOutputsRead(node: NodeDoc, matrices: ReadonlySet<string>): string[] {
  const texts: [unknown, boolean][] = [
    [node.run, false],
    [node.if, true],
    [node.name, false],
    ...Object.values(isObject(node.env) ? node.env : {}).map((v): [unknown, boolean] => [v, false]),
  ];
  const read = new Set(texts.flatMap(([text, isCondition]) => (typeof text === 'string' ? referencedIds(text, isCondition, 'nodes', 'outputs') : [])));
  return [...read]
    .filter((id) => matrices.has(id))
    .map(
      (id) =>
        `reads the outputs of the matrix job '${id}', which GitHub gives as the value of the instance that wrote each last: here nodes.${id}.outputs.NAME holds every instance's value by instance id; read one (nodes.${id}.outputs.NAME['${id}[…]'])`,
    );
}
