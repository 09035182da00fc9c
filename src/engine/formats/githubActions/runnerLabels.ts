// The machine a job asks for (`runs-on`): here a job runs on the machine that runs the workflow, so a job for
// another system is said to be one.
import { isObject, type Json, textOf } from '../../json';

/** The runners of other systems a job asks for (`windows-latest`, `macos-14`), through its matrix too. */
export function otherSystems(job: Json): string[] {
  const labels = (value: unknown): string[] =>
    Array.isArray(value) ? value.flatMap(labels) : isObject(value) ? labels(value.labels) : value === undefined ? [] : [textOf(value)];
  const matrix = isObject(job.strategy) && isObject(job.strategy.matrix) ? job.strategy.matrix : {};
  const fromMatrix = (label: string): string[] => {
    const key = /^\$\{\{\s*matrix\.([\w-]+)\s*\}\}$/.exec(label.trim())?.[1];
    if (key === undefined) return [label];
    const included = Array.isArray(matrix.include) ? matrix.include.filter(isObject).map((entry) => entry[key]) : [];
    return [...(Array.isArray(matrix[key]) ? (matrix[key] as unknown[]) : []), ...included].flatMap(labels);
  };
  return [...new Set(labels(job['runs-on']).flatMap(fromMatrix))].filter((l) => /windows|macos|osx/i.test(l));
}
