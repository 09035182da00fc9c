// The machine a job asks for (`runs-on`): here a job runs on the machine that runs the workflow, so a job for
// another system is said to be one. A job only for Windows keeps GitHub's default shell there, PowerShell.
import { isObject, type Json, textOf } from '../../json';

/**
 * The runners a job may run on, each as the labels it must have (`[self-hosted, windows]` is one runner), one for each
 * value of its matrix where `runs-on` reads the matrix.
 */
function runners(job: Json): string[][] {
  const labels = (value: unknown): string[] =>
    Array.isArray(value) ? value.flatMap(labels) : isObject(value) ? labels(value.labels) : value === undefined ? [] : [textOf(value)];
  const matrix = isObject(job.strategy) && isObject(job.strategy.matrix) ? job.strategy.matrix : {};
  const fromMatrix = (label: string): unknown[] | undefined => {
    const key = /^\$\{\{\s*matrix\.([\w-]+)\s*\}\}$/.exec(label.trim())?.[1];
    if (key === undefined) return undefined;
    const included = Array.isArray(matrix.include) ? matrix.include.filter(isObject).map((entry) => entry[key]) : [];
    return [...(Array.isArray(matrix[key]) ? (matrix[key] as unknown[]) : []), ...included];
  };
  const written = labels(job['runs-on']);
  const at = written.findIndex((label) => fromMatrix(label) !== undefined);
  if (at < 0) return written.length ? [written] : [];
  const others = written.filter((_, i) => i !== at);
  return fromMatrix(written[at])!.map((value) => [...others, ...labels(value)]);
}

const isWindows = (label: string): boolean => /windows/i.test(label);

/** The runners of other systems a job asks for (`windows-latest`, `macos-14`), through its matrix too. */
export const otherSystems = (job: Json): string[] => [...new Set(runners(job).flat())].filter((l) => isWindows(l) || /macos|osx/i.test(l));

/** GitHub's default shell for the job's steps where every runner it may run on is a Windows one (`pwsh`); undefined elsewhere. */
export function windowsDefaultShell(job: Json): string | undefined {
  const all = runners(job);
  return all.length && all.every((labels) => labels.some(isWindows)) ? 'pwsh' : undefined;
}

/**
 * What is said of a job for another system: that it runs here on this machine, and in which shell its steps that
 * name none run (`named`: the job or the workflow names one).
 */
export function otherSystemNote(job: Json, named: boolean): string | undefined {
  const others = otherSystems(job);
  if (!others.length) return undefined;
  const here = `runs on ${others.join(', ')} on GitHub: here it runs on the machine that runs the workflow, whatever its system`;
  if (named || !others.some(isWindows)) return here;
  if (windowsDefaultShell(job)) return `${here}; its steps run in pwsh, GitHub's default shell on Windows (PowerShell 7 must be installed here)`;
  return `${here}; its steps that name no shell run in bash, where GitHub runs them in pwsh on Windows`;
}
