// Whether a ready node runs, and if not, how it ends: its condition against how its needs went, and the run's state.
import { parseCondition, type Condition } from '../../expressions/condition';
import { groupConclusion, type Instance } from './instances';
import type { RunScope } from './scope';

export type Decision = { run: true } | { run: false; status: 'skipped' | 'cancelled'; reason: string };

/** What a decision reads of the run. */
export interface RunForDecision {
  readonly scope: RunScope;
  readonly cancelling: boolean;
  /** Nothing more runs, clean-up nodes included (a second cancel, a halt, a log that cannot be written). */
  readonly stoppingHard: boolean;
  readonly cancelReason: string;
}

/**
 * A condition that calls no status function implies success(): every needed node completed (or failed under
 * continueOnError) and the run is not being cancelled. While the run is cancelled, a node that does not run is
 * cancelled, not skipped, and approval gates do not open. `conditions` keeps each condition read once.
 */
export function decide(inst: Instance, run: RunForDecision, conditions: Map<string, Condition>): Decision {
  const cancelled = (reason: string): Decision => ({ run: false, status: 'cancelled', reason });
  const skipped = (reason: string): Decision => ({ run: false, status: run.cancelling ? 'cancelled' : 'skipped', reason });
  if (run.stoppingHard || (run.cancelling && inst.spec.kind === 'approval')) return cancelled(run.cancelReason);
  const text = inst.spec.if;
  let condition: Condition | undefined;
  try {
    condition = text === undefined ? undefined : conditionOf(text, conditions);
  } catch (e) {
    return skipped(`its condition could not be read: ${(e as Error).message}`);
  }
  if (!condition?.usesStatusFunction) {
    if (run.cancelling) return cancelled(run.cancelReason);
    const blocker = inst.group.needs.find((g) => groupConclusion(g) !== 'completed');
    if (blocker) return skipped(`'${blocker.spec.id}' ${groupConclusion(blocker) === 'failed' ? 'failed' : `was ${groupConclusion(blocker)}`}`);
    if (!condition) return { run: true };
  }
  try {
    return condition.holds(run.scope.of(inst)) ? { run: true } : skipped(`its condition is false: ${text!.trim()}`);
  } catch (e) {
    return skipped(`its condition could not be evaluated: ${(e as Error).message}`);
  }
}

function conditionOf(text: string, conditions: Map<string, Condition>): Condition {
  let condition = conditions.get(text);
  if (!condition) conditions.set(text, (condition = parseCondition(text)));
  return condition;
}

/** Whether a node's condition reads `matrix` (one that cannot be read does not). */
export function conditionReadsMatrix(inst: Instance, conditions: Map<string, Condition>): boolean {
  if (inst.spec.if === undefined) return false;
  try {
    return conditionOf(inst.spec.if, conditions).readsMatrix;
  } catch {
    return false;
  }
}
