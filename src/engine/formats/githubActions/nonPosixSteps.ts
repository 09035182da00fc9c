// A step's own settings (`env`, `working-directory`, `continue-on-error: true`) in a node whose shell is not a POSIX
// shell: a job's only step in `pwsh` or `python`, or one of several in `cmd` (which runs no file of a step's own, see
// ./stepShells.ts). Its script has no subshell to keep them to the step, and no `cd` or `export` to write them with.
// A job's only step is the node, so its env is the node's (over the job's); another step's env goes to the node's env
// where no other value has the name (every step then sees it, as noted); the rest is noted.
import { isObject, type Json } from '../../json';

/** What such a step's settings leave: the env values the node takes, and what is noted. */
export interface NonPosixSettings {
  env: [string, string][];
  notes: string[];
}

/**
 * The settings of `step`, in a node whose shell is `shell`; `lone`, whether it is the job's only run step; `taken`,
 * the names the node's env has already, with their values; `jobEnv`, the names the job's env sets; `value`, a
 * setting's value in our words.
 */
export function nonPosixSettings(
  step: Json,
  shell: string,
  lone: boolean,
  taken: Readonly<Record<string, string>>,
  jobEnv: ReadonlySet<string>,
  value: (name: string, written: unknown) => string,
): NonPosixSettings {
  const notes: string[] = [];
  const env: [string, string][] = [];
  const script = `a '${shell}' node's one script`;
  if (typeof step['working-directory'] === 'string')
    notes.push(`runs in '${step['working-directory']}', which ${script} cannot keep to the step: make it a node of its own with that cwd`);
  if (step['continue-on-error'] === true)
    notes.push(`continues on error, which ${script} cannot keep to the step: make it a node of its own with 'continueOnError: true'`);
  for (const [name, written] of isObject(step.env) ? Object.entries(step.env) : []) {
    const given = value(name, written);
    // A lone step's value is the node's, over the job's.
    if (!lone && (jobEnv.has(name) || (taken[name] !== undefined && taken[name] !== given)))
      notes.push(`sets ${name} for itself, which the job sets too: ${script} cannot give it another value for one step; make it a node of its own`);
    else env.push([name, given]);
  }
  if (!lone && env.length) notes.push(`sets ${env.map(([n]) => n).join(', ')} for itself: here in the node's env, which the job's other steps see too`);
  return { env, notes };
}
