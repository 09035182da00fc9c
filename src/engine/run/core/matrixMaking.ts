// The moment a matrix made at run time is made: its node is ready, the nodes it needs have ended.
import { matrixAtRunTime } from '../../matrixAtRunTime';
import type { Decision } from './decide';
import type { Instance } from './instances';
import type { SchedulerCore } from './schedulerCore';

/** What making a matrix asks of the run. */
export interface MatrixMakingRun extends Pick<SchedulerCore, 'table' | 'scope' | 'cancelling' | 'emitNode'> {
  decide(inst: Instance): Decision;
  /** Whether the node's condition reads `matrix`: each instance then decides it, once the matrix is made. */
  conditionReadsMatrix(inst: Instance): boolean;
  /** Fails the instance before any process started. */
  failBeforeStart(inst: Instance, error: string): void;
}

/**
 * Makes the matrix of the node whose one instance `inst` is the ready queue's first: its instances take that one's
 * place, and are decided each in turn (true). A node that does not run (its condition, read without `matrix`, is
 * false, a need failed, the run is cancelled) is decided as it is, its matrix never made (false), as GitHub decides
 * a job's `if` before its matrix. Where the matrix cannot be made, the node fails with why (true), unless its
 * condition, which reads `matrix`, says it would not run anyway.
 */
export function makeMatrix(run: MatrixMakingRun, inst: Instance): boolean {
  const perInstance = run.conditionReadsMatrix(inst);
  // A cancelled run makes no matrix: what would still run of it is what its condition says without one.
  if ((!perInstance || run.cancelling) && run.decide(inst).run === false) return false;
  let made: ReturnType<typeof matrixAtRunTime>;
  try {
    made = matrixAtRunTime(inst.spec.id, inst.spec.matrixTemplate, run.scope.of(inst));
  } catch (e) {
    if (perInstance && run.decide(inst).run === false) return false;
    run.table.ready.pop();
    run.failBeforeStart(inst, (e as Error).message);
    return true;
  }
  const { forced, runAgain } = inst;
  const fresh = run.table.replaceInstances(inst.group, { ...inst.group.spec, matrix: made.matrix }, made.instances, true);
  for (const i of fresh) Object.assign(i, { forced, runAgain, name: run.scope.nameOf(i), continueOnError: run.scope.continuesOnError(i) });
  run.emitNode(inst.id, { type: 'node:matrix', nodeId: inst.id, nodes: run.table.infosOf(fresh) });
  return true;
}
