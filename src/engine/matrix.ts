// A node's matrix: its axes (the product of their values), the combinations it leaves out (`exclude`) and the ones
// it adds or extends (`include`), as GitHub Actions has them, so that a workflow imported from there fans out alike.
import { isObject } from './json';
import type { Scalar } from './model';

/**
 * A value of a matrix: a string, number or boolean, or a list or a map, as GitHub's may be (`matrix.config.arch`):
 * JSON values, typed without recursion (as the DAG panel's messages must be).
 */
export type MatrixValue = Scalar | unknown[] | { [key: string]: unknown };

export interface MatrixSpec {
  /** Key → values, in the order written: the instances are their product. */
  axes: Record<string, MatrixValue[]>;
  /** Combinations taken out of the product: each entry leaves out every combination that has all its values. */
  exclude: Record<string, MatrixValue>[];
  /** Values added to the combinations they fit, or combinations of their own where they fit none. */
  include: Record<string, MatrixValue>[];
}

export interface MatrixInstance {
  /** `test[shard=1]`, or the node id itself for a node without a matrix. */
  id: string;
  values: Record<string, MatrixValue>;
}

/** The most instances one matrix node may have (as in GitHub Actions). */
export const MAX_MATRIX_INSTANCES = 256;

/** Past this many combinations of its axes, a matrix is not expanded: it is counted as its product, before what it excludes. */
export const MAX_MATRIX_PRODUCT = 65_536;

const isScalar = (x: unknown): x is Scalar => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
/** A value a matrix may have: a string, number or boolean, a list or a map (not null). */
export const isMatrixValue = (x: unknown): x is MatrixValue => isScalar(x) || (typeof x === 'object' && x !== null);

/** A value as text, as instance ids and comparisons read it: a list or a map as JSON. */
export const matrixValueText = (v: MatrixValue): string => (typeof v === 'object' ? JSON.stringify(v) : String(v));

/** An `include` or `exclude` list, an entry for each item written (one that is not a map is empty), so that indexes are the file's. */
function combinationsOf(v: unknown): Record<string, MatrixValue>[] {
  if (!Array.isArray(v)) return [];
  return v.map((entry) => (isObject(entry) ? Object.fromEntries(Object.entries(entry).filter((e): e is [string, MatrixValue] => isMatrixValue(e[1]))) : {}));
}

/** The matrix a node's `matrix:` writes; undefined where it makes none (not a map, or nothing in it). A null is no value (the schema says so). */
export function matrixOf(v: unknown): MatrixSpec | undefined {
  if (!isObject(v)) return undefined;
  const axes: Record<string, MatrixValue[]> = {};
  for (const [k, values] of Object.entries(v)) {
    if (k !== 'include' && k !== 'exclude' && Array.isArray(values)) axes[k] = values.filter(isMatrixValue);
  }
  const include = combinationsOf(v.include);
  const exclude = combinationsOf(v.exclude);
  if (Object.keys(axes).length === 0 && include.length === 0) return undefined;
  return { axes, exclude, include };
}

/** Every key an instance of the matrix may have: the axes', then those only its `include` entries add. */
export function matrixKeys(matrix: MatrixSpec): string[] {
  const keys = new Set(Object.keys(matrix.axes));
  for (const entry of matrix.include) for (const k of Object.keys(entry)) keys.add(k);
  return [...keys];
}

/** The values one key takes in the matrix (its axis's, then those `include` gives it), each once by its text. */
export function matrixValuesOf(matrix: MatrixSpec, key: string): MatrixValue[] {
  const values = new Map<string, MatrixValue>();
  for (const v of matrix.axes[key] ?? []) if (!values.has(matrixValueText(v))) values.set(matrixValueText(v), v);
  for (const entry of matrix.include) if (key in entry && !values.has(matrixValueText(entry[key]))) values.set(matrixValueText(entry[key]), entry[key]);
  return [...values.values()];
}

/** How many combinations the axes make, before `exclude` and `include`. */
export function axesProduct(matrix: MatrixSpec): number {
  const axes = Object.values(matrix.axes);
  return axes.length === 0 ? 0 : axes.reduce((n, values) => n * values.length, 1);
}

/** The id of one instance: `test[os=linux,shard=1]`. */
export const instanceId = (nodeId: string, values: Record<string, MatrixValue>): string =>
  `${nodeId}[${Object.entries(values)
    .map(([k, v]) => `${k}=${matrixValueText(v)}`)
    .join(',')}]`;

/**
 * Whether a value of an `exclude` entry matches a combination's value, as GitHub Actions matches them: leaf by leaf,
 * so that a map or a list names only the parts it cares about (`config: { os: macos }` matches every `config` whose
 * `os` is macos); leaves match as text, as instance ids tell them apart; a null matches a part that is not there.
 */
export function matrixValueMatches(filter: unknown, value: unknown): boolean {
  if (filter === null) return value === null || value === undefined;
  if (Array.isArray(filter)) return Array.isArray(value) && filter.every((f, i) => matrixValueMatches(f, value[i]));
  if (isObject(filter))
    return isObject(value) && Object.entries(filter).every(([k, f]) => matrixValueMatches(f, Object.hasOwn(value, k) ? value[k] : undefined));
  return isScalar(filter) && isScalar(value) && String(filter) === String(value);
}

/** The same value: a map with the same keys and values in another order is. */
const sameValue = (a: MatrixValue, b: MatrixValue): boolean => matrixValueMatches(a, b) && matrixValueMatches(b, a);

const fits = (entry: Record<string, MatrixValue>, combination: Record<string, MatrixValue>): boolean =>
  Object.entries(entry).every(([k, v]) => Object.hasOwn(combination, k) && matrixValueMatches(v, combination[k]));

/** The product of the axes in the order written, lazily, at most `limit` combinations. */
function* product(axes: Record<string, MatrixValue[]>, limit: number): Generator<Record<string, MatrixValue>> {
  const entries = Object.entries(axes);
  if (entries.length === 0 || entries.some(([, values]) => values.length === 0)) return;
  const index = entries.map(() => 0);
  for (let made = 0; made < limit; made++) {
    yield Object.fromEntries(entries.map(([k, values], i) => [k, values[index[i]]]));
    let i = entries.length - 1;
    while (i >= 0 && ++index[i] === entries[i][1].length) index[i--] = 0;
    if (i < 0) return;
  }
}

export interface MatrixCombination {
  values: Record<string, MatrixValue>;
  /** The `include` entry that made it, where it is one of its own (it fits no combination of the axes). */
  includedBy?: number;
}

/**
 * The combinations of a matrix, as GitHub Actions makes them: the product of the axes without those an `exclude`
 * entry matches (all of its values); then each `include` entry, in order, is added to every one of those
 * combinations whose axis values it does not change (a value an earlier entry added may change), and where it fits
 * none, it is a combination of its own. Past `MAX_MATRIX_PRODUCT` combinations of the axes, the first `limit` the
 * product leaves are made, from its first `MAX_MATRIX_PRODUCT`.
 */
export function matrixCombinations(matrix: MatrixSpec, limit = Infinity): MatrixCombination[] {
  const huge = axesProduct(matrix) > MAX_MATRIX_PRODUCT;
  const kept: Record<string, MatrixValue>[] = [];
  for (const combination of product(matrix.axes, MAX_MATRIX_PRODUCT)) {
    if (!matrix.exclude.some((entry) => Object.keys(entry).length > 0 && fits(entry, combination))) kept.push(combination);
    if (huge && kept.length >= limit) break;
  }
  if (huge) return kept.map((values) => ({ values }));
  const made: MatrixCombination[] = kept.map((combination) => ({ values: { ...combination } }));
  matrix.include.forEach((entry, n) => {
    let added = false;
    kept.forEach((original, i) => {
      const changesAnAxis = Object.entries(entry).some(([k, v]) => Object.hasOwn(original, k) && !sameValue(original[k], v));
      if (changesAnAxis) return;
      Object.assign(made[i].values, entry);
      added = true;
    });
    if (!added) made.push({ values: { ...entry }, includedBy: n });
  });
  return made.slice(0, limit);
}

/** How many instances a matrix makes: exact up to `MAX_MATRIX_PRODUCT` combinations of its axes, that product past it. */
export function matrixSize(matrix: MatrixSpec): number {
  const product = axesProduct(matrix);
  return product > MAX_MATRIX_PRODUCT ? product : matrixCombinations(matrix).length;
}

/** The instances of a node: one per combination of its matrix; at most `limit` (a matrix being typed can be any size). */
export function expandMatrix(node: { id: string; matrix?: MatrixSpec }, limit = MAX_MATRIX_INSTANCES): MatrixInstance[] {
  if (!node.matrix) return [{ id: node.id, values: {} }];
  const instances = new Map<string, MatrixInstance>();
  for (const { values } of matrixCombinations(node.matrix, limit)) {
    const id = instanceId(node.id, values);
    // Two combinations with one id are an error validation reports; a run has the first.
    if (!instances.has(id)) instances.set(id, { id, values });
  }
  return [...instances.values()];
}

/** Whether a node's `matrix` holds an expression anywhere: it is then made at run time. */
export function hasMatrixExpressions(raw: unknown): boolean {
  if (typeof raw === 'string') return raw.includes('${{');
  if (Array.isArray(raw)) return raw.some(hasMatrixExpressions);
  return isObject(raw) && Object.values(raw).some(hasMatrixExpressions);
}

/** The keys a matrix made at run time is known to have before it is made: the axes written out. */
export const writtenMatrixKeys = (raw: unknown): string[] => (isObject(raw) ? Object.keys(raw).filter((k) => k !== 'include' && k !== 'exclude') : []);

/** A matrix made at run time as a reader would write it on one line: `os: [linux, macos], shard: ${{ … }}`. */
export function matrixTemplateText(raw: unknown): string {
  const value = (v: unknown): string =>
    typeof v === 'string' ? v.trim() : Array.isArray(v) ? `[${v.map(value).join(', ')}]` : isObject(v) ? `{ ${entries(v)} }` : String(v);
  const entries = (m: Record<string, unknown>) =>
    Object.entries(m)
      .map(([k, v]) => `${k}: ${value(v)}`)
      .join(', ');
  return isObject(raw) ? entries(raw) : value(raw);
}
