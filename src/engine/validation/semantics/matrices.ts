// Matrices: a bounded number of instances, each with an id of its own, `exclude` entries that name what the axes
// have, and the settings of a matrix (`maxParallel`, `failFast`) only where there is one.
import { isMap, isScalar } from 'yaml';
import { removePair } from '../../edits/pairs';
import { isObject } from '../../json';
import {
  axesProduct,
  instanceId,
  isMatrixValue,
  matrixCombinations,
  matrixValueMatches,
  matrixValueText,
  MAX_MATRIX_INSTANCES,
  MAX_MATRIX_PRODUCT,
  type MatrixCombination,
  type MatrixSpec,
  type MatrixValue,
} from '../../matrix';
import { hasMatrix, type NodeSpec } from '../../model';
import { listed, rawAt, type SemanticContext } from './context';

export function checkMatrices(ctx: SemanticContext): void {
  for (const node of ctx.workflow.nodes) {
    checkMatrixSettings(ctx, node);
    const raw = rawAt(ctx, ['nodes', node.id, 'matrix']);
    // A matrix made at run time is checked as it is made; the lists written out in it can be checked now.
    if (hasMatrix(node)) checkAxisValues(ctx, node.id, isObject(raw) ? raw : {});
    if (!node.matrix) continue;
    checkExcludes(ctx, node.id, node.matrix);
    // Made once for both checks; past MAX_MATRIX_PRODUCT combinations of its axes, the matrix is only counted.
    const combinations = axesProduct(node.matrix) > MAX_MATRIX_PRODUCT ? undefined : matrixCombinations(node.matrix);
    if (checkSize(ctx, node, node.matrix, combinations?.length ?? axesProduct(node.matrix))) checkInstanceIds(ctx, node.id, combinations ?? []);
  }
}

/** What `maxParallel` and `failFast` say of a node's instances, and why a node without a matrix, or a gate, ignores it. */
const MATRIX_SETTINGS = {
  maxParallel: "bounds how many of a matrix's instances run at once",
  failFast: "cancels a matrix's other instances when one fails",
} as const;

function checkMatrixSettings(ctx: SemanticContext, node: NodeSpec): void {
  if (hasMatrix(node) && node.kind !== 'approval') return;
  for (const [key, what] of Object.entries(MATRIX_SETTINGS)) {
    if (rawAt(ctx, ['nodes', node.id, key]) === undefined) continue;
    const raw = ctx.parsed.doc.getIn(['nodes', node.id], true);
    const pair = isMap(raw) ? raw.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
    const removal = pair && isMap(raw) ? removePair(ctx.parsed.text, raw, pair) : undefined;
    ctx.report({
      span: ctx.spanAt(['nodes', node.id, key], 'key'),
      severity: 'warning',
      code: 'ignored-setting',
      message: hasMatrix(node)
        ? `'${node.id}' is an approval gate: its instances wait for answers, which ${key} does not change`
        : `'${node.id}' has no matrix: ${key} ${what}`,
      ...(removal ? { fixes: [{ title: `Remove ${key} from '${node.id}'`, edits: [removal] }] } : {}),
    });
  }
}

/** False where the matrix makes too many instances or none (its ids are then not worth checking). */
function checkSize(ctx: SemanticContext, node: NodeSpec, matrix: MatrixSpec, size: number): boolean {
  const report = (message: string): false => {
    ctx.report({ span: ctx.spanAt(['nodes', node.id, 'matrix'], 'key'), severity: 'error', code: 'invalid-matrix', message });
    return false;
  };
  if (size > MAX_MATRIX_INSTANCES) {
    const factors = Object.entries(matrix.axes).map(([key, values]) => `${values.length} ${key}`);
    const more = axesProduct(matrix) > MAX_MATRIX_PRODUCT && matrix.exclude.length ? ', before what it excludes' : '';
    const made = [factors.join(' × '), matrix.exclude.length ? 'less what it excludes' : '', matrix.include.length ? 'with what it includes' : '']
      .filter(Boolean)
      .join(', ');
    return report(
      `the matrix of '${node.id}' makes ${size.toLocaleString('en-US')} instances${more} (${made}); at most ${MAX_MATRIX_INSTANCES} are allowed: use fewer values, or split the node`,
    );
  }
  if (size === 0) return report(`the matrix of '${node.id}' makes no instance: its 'exclude' entries leave out every combination`);
  return true;
}

/** The values of one key must differ as text: instance ids are made of it. */
function checkAxisValues(ctx: SemanticContext, id: string, raw: Record<string, unknown>): void {
  for (const [key, values] of Object.entries(raw)) {
    if (key === 'include' || key === 'exclude' || !Array.isArray(values)) continue;
    const seen = new Set<string>();
    values.forEach((value: unknown, i) => {
      if (!isMatrixValue(value)) return;
      const text = orderlessText(value);
      if (!seen.has(text)) return void seen.add(text);
      ctx.report({
        span: ctx.spanAt(['nodes', id, 'matrix', key, i]),
        severity: 'error',
        code: 'invalid-matrix',
        message: `matrix key '${key}' already has the value ${shownValue(value)} (${typeof value === 'object' ? 'a map is the same in any order of its keys' : 'instance ids use the text of each value'}): remove one`,
      });
    });
  }
}

/** An `exclude` entry names keys of the axes and their values; one that does not leaves out nothing. */
function checkExcludes(ctx: SemanticContext, id: string, matrix: MatrixSpec): void {
  const keys = Object.keys(matrix.axes);
  matrix.exclude.forEach((entry, i) => {
    for (const [key, value] of Object.entries(entry)) {
      const at = ['nodes', id, 'matrix', 'exclude', i, key];
      const values = matrix.axes[key];
      if (!values) {
        const span = ctx.spanAt(at, 'key');
        const near = ctx.suggest.closest(key, keys);
        const hint = near
          ? ` — did you mean '${near}'?`
          : keys.length
            ? ` (keys: ${listed(keys)})`
            : ': the matrix has no keys of its own, only what it includes';
        ctx.report({
          span,
          severity: 'error',
          code: 'invalid-matrix',
          message: `'exclude' names '${key}', which is not a key of the matrix of '${id}'${hint}`,
          ...(near ? { fixes: [{ title: `Change to '${near}'`, edits: [{ span, newText: near }] }] } : {}),
        });
      } else if (!values.some((v) => matrixValueMatches(value, v))) {
        const span = ctx.spanAt(at);
        const texts = values.map(matrixValueText);
        const near = ctx.suggest.closest(matrixValueText(value), texts);
        const written = near === undefined ? undefined : yamlValue(values[texts.indexOf(near)]);
        ctx.report({
          span,
          severity: 'warning',
          code: 'invalid-matrix',
          message: `${shownValue(value)} is not a value of '${key}', so this entry leaves out nothing${near ? ` — did you mean ${typeof value === 'object' ? near : `'${near}'`}?` : ` (values: ${listed(texts)})`}`,
          ...(written ? { fixes: [{ title: `Change to ${written}`, edits: [{ span, newText: written }] }] } : {}),
        });
      }
    }
  });
}

/**
 * A value as YAML reads it back the same: a string quoted where plain it would be another value or need quotes; a
 * list or a map as JSON, which YAML reads as it is.
 */
const yamlValue = (v: MatrixValue): string =>
  typeof v === 'object' || (typeof v === 'string' && !(/^[A-Za-z_][\w.-]*$/.test(v) && !/^(true|false|null|yes|no|on|off|y|n|~)$/i.test(v)))
    ? JSON.stringify(v)
    : String(v);

/** A value as instance ids read it, the keys of its maps in order: a map written with its keys in another order is the same value. */
const orderlessText = (v: MatrixValue): string =>
  typeof v === 'object'
    ? JSON.stringify(v, (_, x: unknown) => (isObject(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x))
    : String(v);

/** A value in a message: its text in quotes; a list or a map as JSON. */
const shownValue = (v: MatrixValue): string => (typeof v === 'object' ? JSON.stringify(v) : JSON.stringify(String(v)));

/**
 * Two combinations with one id would be one instance: an `include` entry of its own must make a new one. (The
 * product's combinations differ unless a key has a value twice, which `checkAxisValues` reports.)
 */
function checkInstanceIds(ctx: SemanticContext, id: string, combinations: readonly MatrixCombination[]): void {
  const seen = new Set<string>();
  for (const { values, includedBy } of combinations) {
    const instance = instanceId(id, values);
    if (!seen.has(instance)) {
      seen.add(instance);
      continue;
    }
    if (includedBy === undefined) continue;
    ctx.report({
      span: ctx.spanAt(['nodes', id, 'matrix', 'include', includedBy]),
      severity: 'error',
      code: 'invalid-matrix',
      message: `the matrix of '${id}' makes the instance '${instance}' twice: remove this 'include' entry, or give it a value that tells it apart`,
    });
  }
}
