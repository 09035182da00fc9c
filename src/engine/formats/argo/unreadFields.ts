// What an Argo workflow says that the import does not read: named in a note, never dropped without a word. Pod and
// cluster settings have no meaning on this machine; the rest has no counterpart in our format.
import { isObject, type Json } from '../../json';

/** The spec's fields the import reads (see import.ts). */
const READ_IN_SPEC = new Set(['entrypoint', 'templates', 'arguments', 'parallelism', 'activeDeadlineSeconds', 'synchronization']);

/** A task's fields the import reads (see importTask.ts and depends.ts). */
const READ_IN_TASK = new Set([
  'name',
  'template',
  'templateRef',
  'arguments',
  'dependencies',
  'depends',
  'when',
  'continueOn',
  'withItems',
  'withParam',
  'withSequence',
]);

/** Settings of the pods and of the cluster that runs them: nothing runs in a pod here. */
const KUBERNETES = new Set([
  'serviceAccountName',
  'automountServiceAccountToken',
  'executor',
  'nodeSelector',
  'affinity',
  'tolerations',
  'imagePullSecrets',
  'hostNetwork',
  'dnsPolicy',
  'dnsConfig',
  'securityContext',
  'podGC',
  'podMetadata',
  'podPriorityClassName',
  'podDisruptionBudget',
  'podSpecPatch',
  'schedulerName',
  'hostAliases',
  'ttlStrategy',
  'archiveLogs',
  'artifactRepositoryRef',
  'artifactGC',
  'volumeClaimGC',
  'priority',
  'workflowMetadata',
]);

const listed = (keys: string[]) => keys.join(', ');

/** Notes for the spec's fields the import does not read. */
export function unreadSpecFields(spec: Json, exitFrom: string | undefined): string[] {
  const unread = Object.keys(spec).filter((k) => !READ_IN_SPEC.has(k) && k !== exitFrom);
  const cluster = unread.filter((k) => KUBERNETES.has(k));
  const other = unread.filter((k) => !KUBERNETES.has(k));
  return [
    ...(other.includes('onExit')
      ? [
          `the workflow's exit handler (onExit: ${String(spec.onExit)}) is not a template of the file that can be imported: add its steps as nodes that need the last ones, with if: always()`,
        ]
      : []),
    ...(other.some((k) => k !== 'onExit') ? [`the workflow's ${listed(other.filter((k) => k !== 'onExit'))}: no counterpart here`] : []),
    ...(cluster.length ? [`the workflow's ${listed(cluster)}: settings of the pods and the cluster, which have no meaning on this machine`] : []),
  ];
}

/** A note for a task's fields the import does not read, or none. */
export function unreadTaskFields(task: Json): string | undefined {
  const unread = Object.keys(task).filter((k) => !READ_IN_TASK.has(k));
  return unread.length ? `its ${listed(unread)}: no counterpart here` : undefined;
}

/** A template's fields the import reads (see importTask.ts); a kind it cannot run is said by the task's note. */
const READ_IN_TEMPLATE = new Set([
  'name',
  'metadata',
  'inputs',
  'outputs',
  'container',
  'script',
  'suspend',
  'dag',
  'steps',
  'retryStrategy',
  'activeDeadlineSeconds',
  'memoize',
  'parallelism',
  'synchronization',
  'sidecars',
  'resource',
  'http',
  'data',
  'containerSet',
  'plugin',
]);
/** A container's or script's fields the import reads. */
const READ_IN_BODY = new Set(['name', 'image', 'command', 'args', 'source', 'workingDir', 'env']);
/** A template's or container's settings of its pod: resources, mounts, probes… (nothing runs in a pod here). */
const POD = new Set([
  ...KUBERNETES,
  'resources',
  'volumes',
  'volumeMounts',
  'imagePullPolicy',
  'ports',
  'readinessProbe',
  'livenessProbe',
  'startupProbe',
  'lifecycle',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'stdin',
  'stdinOnce',
  'tty',
  'priorityClassName',
  'metrics',
  'archiveLocation',
]);

/**
 * What a task's template says that the import does not read: its pod's settings (said once for the whole workflow),
 * and the rest (a daemon, artifacts…), said for the task.
 */
export function unreadTemplateFields(template: Json): { pod: string[]; other: string[] } {
  const body = isObject(template.script) ? template.script : isObject(template.container) ? template.container : undefined;
  const fields = [...Object.keys(template).filter((k) => !READ_IN_TEMPLATE.has(k)), ...(body ? Object.keys(body).filter((k) => !READ_IN_BODY.has(k)) : [])];
  const artifacts = (['inputs', 'outputs'] as const).filter((k) => isObject(template[k]) && template[k].artifacts !== undefined).map((k) => `${k}.artifacts`);
  return { pod: fields.filter((k) => POD.has(k)), other: [...fields.filter((k) => !POD.has(k)), ...artifacts] };
}
