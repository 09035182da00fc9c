// A matrix made when the run reaches its node: written with expressions (`${{ fromJSON(nodes.plan.outputs.matrix) }}`
// for the whole of it, or for an axis, `include` or `exclude`), evaluated once the nodes it needs have ended, then
// checked as the validator checks a matrix written out, so that a bad value fails the node with where and what.
import { evaluate, fromData, type EvaluationScope, type Value } from './expressions/evaluate';
import { interpolate } from './expressions/interpolate';
import { findTemplates } from './expressions/template';
import { isObject } from './json';
import { expandMatrix, instanceId, isMatrixValue, matrixCombinations, matrixOf, MAX_MATRIX_INSTANCES, type MatrixInstance, type MatrixSpec } from './matrix';

/** A string that is one `${{ }}` and nothing else: its value is the expression's (a list, a map), not text. */
function wholeExpression(text: string): ReturnType<typeof findTemplates>[number] | undefined {
  const parts = findTemplates(text);
  return parts.length === 1 && text.trim() === text.slice(parts[0].span.start, parts[0].span.end) ? parts[0] : undefined;
}

/** The matrix's text with its expressions evaluated: a whole `${{ }}` gives its value, one inside text fills it in. */
function evaluateTemplate(raw: unknown, scope: EvaluationScope): Value {
  if (typeof raw === 'string') {
    const whole = wholeExpression(raw);
    if (whole?.error) throw new Error(`invalid expression '${whole.source.trim()}': ${whole.error.message}`);
    return whole ? fromData(evaluate(whole.parsed!.expr, scope)) : interpolate(raw, scope);
  }
  if (Array.isArray(raw)) return raw.map((v) => evaluateTemplate(v, scope));
  if (isObject(raw)) return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, evaluateTemplate(v, scope)]));
  return raw as Value;
}

const shown = (v: Value): string => {
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
};

/** What is wrong with an evaluated matrix, as a node's `matrix:` would have to be written; undefined when nothing. */
function problemOf(m: Value): string | undefined {
  if (!isObject(m)) return `it is ${shown(m)}, not a map of keys to lists of values`;
  for (const [key, values] of Object.entries(m)) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) return `'${key}' is not a matrix key (letters, digits, '_' and '-')`;
    if (key === 'include' || key === 'exclude') {
      if (!Array.isArray(values)) return `'${key}' is ${shown(values)}, not a list of maps`;
      const bad = values.findIndex((e) => !isObject(e) || Object.keys(e).length === 0 || !Object.values(e).every(isMatrixValue));
      if (bad >= 0) return `'${key}' entry ${bad + 1} is ${shown(values[bad])}, not a map of keys to values (none of them null)`;
    } else if (!Array.isArray(values) || values.length === 0) return `'${key}' is ${shown(values)}, not a list of values`;
    else {
      const bad = values.findIndex((v) => !isMatrixValue(v));
      if (bad >= 0) return `'${key}' value ${bad + 1} is null: a matrix value is a string, number, boolean, list or map`;
    }
  }
  return undefined;
}

/** Two combinations whose values read alike would be one instance: the matrix is refused, as validation refuses it. */
function sameIds(nodeId: string, matrix: MatrixSpec): string | undefined {
  const seen = new Set<string>();
  for (const { values } of matrixCombinations(matrix, MAX_MATRIX_INSTANCES + 1)) {
    const id = instanceId(nodeId, values);
    if (seen.has(id)) return `two of its combinations are '${id}'`;
    seen.add(id);
  }
  return undefined;
}

/**
 * The instances of a node whose matrix is made at run time, from its `matrix:` as written and the scope of the node
 * (its needs have ended). Throws with what is wrong: an expression that fails, a value that is not a matrix, no
 * instance, more than MAX_MATRIX_INSTANCES, or two instances with one id.
 */
export function matrixAtRunTime(nodeId: string, raw: unknown, scope: EvaluationScope): { matrix: MatrixSpec; instances: MatrixInstance[] } {
  let value: Value;
  try {
    value = evaluateTemplate(raw, scope);
  } catch (e) {
    throw new Error(`its matrix could not be made: ${(e as Error).message}`);
  }
  const problem = problemOf(value);
  if (problem) throw new Error(`its matrix could not be made: ${problem}`);
  const matrix = matrixOf(value);
  const size = matrix ? matrixCombinations(matrix, MAX_MATRIX_INSTANCES + 1).length : 0;
  if (!matrix || size === 0) throw new Error(`its matrix makes no instance (it is ${shown(value)})`);
  if (size > MAX_MATRIX_INSTANCES) throw new Error(`its matrix makes more than ${MAX_MATRIX_INSTANCES} instances, the most a node may have`);
  const clash = sameIds(nodeId, matrix);
  if (clash) throw new Error(`its matrix could not be made: ${clash}`);
  return { matrix, instances: expandMatrix({ id: nodeId, matrix }) };
}
