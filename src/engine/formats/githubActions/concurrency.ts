// A GitHub Actions `concurrency` group as a mutex, of a job (its node's) or of the workflow (the run's): the jobs or
// runs of one group take turns, here as on GitHub (where a third that comes while one waits cancels the waiting one:
// here each waits its turn). A group's expressions are read as a local run has them: `github.workflow` and
// `github.job` are known; the ref and the repository are the same for every run of one checkout, so they are left
// out of the name; `github.head_ref` is empty outside a pull request, so `||` goes on to what follows it; a value new
// for each run (`github.run_id`…) makes a group of each run, which takes turns with none; an input (and a job's
// matrix value) stays an expression of the mutex, filled in when the run starts. Anything else is noted.
import { isObject, textOf } from '../../json';
import { mutexNameAround, mutexNameOf } from '../../mutexNames';

/** The same for every run of one checkout. */
const SAME_FOR_A_CHECKOUT = new Set(['github.ref', 'github.ref_name', 'github.base_ref', 'github.repository', 'github.repository_owner']);
/** Empty in a run that is not of a pull request. */
const EMPTY_LOCALLY = new Set(['github.head_ref']);
/** New for each run. */
const NEW_EACH_RUN = new Set(['github.run_id', 'github.run_number']);

type Part = { text: string } | 'checkout' | 'per-run' | undefined;

/** One `${{ }}` of a group: `a || b || 'c'` of names and quoted strings, read as a local run has them. */
function localValue(expression: string, known: Readonly<Record<string, string>>): Part {
  for (const operand of expression.split('||').map((o) => o.trim())) {
    const quoted = /^'((?:[^']|'')*)'$/.exec(operand);
    if (quoted) return quoted[1] === '' ? undefined : { text: quoted[1].replace(/''/g, "'") };
    if (Object.hasOwn(known, operand)) return { text: known[operand] };
    if (EMPTY_LOCALLY.has(operand)) continue;
    if (SAME_FOR_A_CHECKOUT.has(operand)) return 'checkout';
    if (NEW_EACH_RUN.has(operand)) return 'per-run';
    return undefined;
  }
  return undefined;
}

export interface GroupNotes {
  note: (what: string) => void;
  of: 'job' | 'run';
  /** What `github.workflow` (and, for a job, `github.job`) are. */
  known: Readonly<Record<string, string>>;
  /** Our expression for a value a run is given (`inputs.environment`, a job's `matrix.region`), else undefined. */
  reads?: (operand: string) => string | undefined;
}

/** The mutex of a `concurrency` (none when it is absent, or when its group cannot be named for a local run). */
export function concurrencyGroupMutex(concurrency: unknown, { note, of, known, reads }: GroupNotes): string[] {
  if (concurrency === undefined) return [];
  const group = textOf(isObject(concurrency) ? concurrency.group : concurrency);
  if (isObject(concurrency) && concurrency['cancel-in-progress'] !== undefined && concurrency['cancel-in-progress'] !== false)
    note(`its concurrency group's cancel-in-progress has no counterpart here: a ${of} of the group waits for the one that runs`);
  if (!group.includes('${{')) return [mutexNameOf(group)];
  const parts: Part[] = [];
  const written = group.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => {
    // A value the run is given: the mutex is filled in from it when the run starts, one per value as on GitHub.
    const read = reads?.(expression.trim());
    if (read !== undefined) return `\${{ ${read} }}`;
    const part = localValue(expression.trim(), known);
    parts.push(part);
    // What is known is literal text of the name (made a name's characters with the rest).
    return typeof part === 'object' ? part.text.replace(/\$\{\{/g, '') : '';
  });
  const name = mutexNameAround(written).replace(/[-_.]+$/, '');
  if (parts.includes('per-run')) {
    note(`its concurrency group (${group}) is new for each run: no two runs take turns, as on GitHub`);
    return [];
  }
  if (parts.includes(undefined) || name === '') {
    const whose = of === 'job' ? 'the node a mutex named as the jobs' : 'the workflow a mutex (mutex: at its top) named as the runs';
    note(`its concurrency group is an expression (${group}): give ${whose} that must take turns`);
    return [];
  }
  if (parts.includes('checkout')) note(`its concurrency group (${group}) is one per ref: here, where a checkout is at one ref, the mutex ${name}`);
  return [name];
}
