// A step's own `timeout-minutes`: the job's script runs the step in the background and a watchdog beside it that,
// when the time is up, says so and ends the step's processes (the step's subshell and everything under it, found
// with pgrep), so that the step fails as it does on GitHub; the watchdog is ended with the step. A cancel reaches
// both, as every process of the node's group.
import { type Json, textOf } from '../../json';
import { shellQuoted } from '../../platform/shells';

/** The seconds a step may take, when its `timeout-minutes` is a positive number; undefined when it has none. */
export function stepTimeoutSeconds(step: Json): number | { problem: string } | undefined {
  const value = step['timeout-minutes'];
  if (value === undefined) return undefined;
  const minutes = typeof value === 'number' ? value : /^\s*\d+(\.\d+)?\s*$/.test(textOf(value)) ? Number(textOf(value)) : NaN;
  if (!Number.isFinite(minutes) || minutes <= 0)
    return { problem: `has timeout-minutes ${textOf(value)}, which is not a positive number of minutes: write one` };
  return Math.max(1, Math.ceil(minutes * 60));
}

/** The shell function that ends a process and every process under it. */
export const KILL_TREE = 'maestro_kill_tree';
export const KILL_TREE_FUNCTION = [
  '# Ends a process and every process under it (its children first, found with pgrep).',
  `${KILL_TREE}() { for maestro_child in $(pgrep -P "$1" 2>/dev/null); do ${KILL_TREE} "$maestro_child"; done; kill -TERM "$1" 2>/dev/null; }`,
];

/** A step's subshell run with a watchdog; `step_status` holds how it ended. */
export function timedLines(subshell: string, seconds: number, label: string): string[] {
  const said = shellQuoted(`step "${label}" timed out after ${seconds % 60 ? `${seconds}s` : `${seconds / 60}m`}`);
  return [
    `${subshell} &`,
    'step_pid=$!',
    `( sleep ${seconds} && echo ${said} >&2 && ${KILL_TREE} "$step_pid" ) &`,
    'step_watch=$!',
    'wait "$step_pid"',
    'step_status=$?',
    // A signal the script traps (a cancel) ends the first wait before the step has ended.
    '! kill -0 "$step_pid" 2> /dev/null || { wait "$step_pid"; step_status=$?; }',
    `${KILL_TREE} "$step_watch"`,
  ];
}
