// Why an instance of a live run has not started: what it waits for, as the engine decides it (needs first, then a
// pause, a mutex, its matrix's maxParallel, a slot; a mutex may be held by another run, which the engine names). Read
// from the run's statuses and its nodes as the run has them (the file's, for a run recorded before its events said
// them): the engine says when a node starts and which other run holds the mutex it waits for, not why else one does
// not start. Pure: tested in plain Node.
import { heldMutexText } from '../../engine/mutexHolder';
import { isEndedNode } from '../../engine/runRules';
import type { DagNode } from '../protocol';
import type { InstanceView, RunHeader } from '../state/runView';

/** What the reason is read from: the run shown, its instances by id, and the file's node of an id. */
export interface PendingScene {
  run: RunHeader | undefined;
  instances: Readonly<Record<string, InstanceView>>;
  nodeOf: (id: string) => DagNode | undefined;
}

const listed = (ids: readonly string[]) => (ids.length > 3 ? `${ids.slice(0, 3).join(', ')} and ${ids.length - 3} more` : ids.join(', '));

/** Why `instance` waits, in a sentence; undefined when it does not (it is not pending, or the run has ended). */
export function pendingReason(instance: InstanceView, scene: PendingScene): string | undefined {
  const { run, instances, nodeOf } = scene;
  if (instance.status !== 'pending' || (run?.status !== 'running' && run?.status !== 'paused')) return undefined;
  const all = Object.values(instances).filter((i) => i.info.parentNodeId === undefined);
  const unended = instance.info.needs.filter((need) => all.some((i) => i.info.nodeId === need && !isEndedNode(i.status)));
  if (unended.length) return `Waits for ${listed(unended)} to end`;
  if (run.status === 'paused' || run.pausing) return 'Waits: the run is paused';
  const running = all.filter((i) => i.status === 'running');
  const mutexOf = (i: InstanceView) => i.info.mutex ?? nodeOf(i.info.nodeId)?.fields.mutex ?? [];
  const mutexes = mutexOf(instance);
  for (const name of mutexes) {
    const holder = running.find((i) => mutexOf(i).includes(name));
    if (holder) return `Waits for the mutex ${name}, which ${holder.info.id} holds`;
  }
  const atOnce = instance.info.maxParallel ?? nodeOf(instance.info.nodeId)?.matrix?.maxParallel;
  if (atOnce !== undefined && running.filter((i) => i.info.nodeId === instance.info.nodeId).length >= atOnce)
    return `Waits: ${atOnce} of its instances run at once (maxParallel)`;
  // Held by none of this run's nodes: another run holds it (the engine says which, when it knows) or may.
  const blocked = instance.blockedBy;
  const elsewhere = blocked ? heldMutexText(blocked) : mutexes.length ? `the mutex ${mutexes.join(', ')}, which another run may hold` : undefined;
  if (instance.info.kind === 'run' && running.length > 0)
    return `Waits for a free slot: ${running.length} running (the run's concurrency)${elsewhere ? `, or for ${elsewhere}` : ''}`;
  return elsewhere ? `Waits for ${elsewhere}` : 'Starting';
}
