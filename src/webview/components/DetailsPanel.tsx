// The selected node's details: its status, what can be done with it, how its run went (InstanceDetails), and its
// definition, editable (NodeForm).
import { useState } from 'react';
import type { DagNode } from '../protocol';
import { NO_CARD, type InstanceView } from '../state/runView';
import { ActionError, Badge, Button } from './toolkit';
import { NodeForm } from './NodeForm';
import { useController, usePanel, usePanelStore, useShownRunLive } from './context';
import { GatesInside } from './GatesInside';
import { SubRunNodes } from './SubRunNodes';
import { DetailsFrame } from './DetailsFrame';
import { InstanceDetails } from './InstanceDetails';
import { KIND_ICON, KIND_LABEL, problemsMark, STATUS_ICON, STATUS_LABEL } from './status';
import { canRetryNode } from '../../engine/runRules';
import { pendingReason } from '../analysis/pendingReason';

export function DetailsPanel() {
  const selected = usePanel((s) => s.selected);
  const node = usePanel((s) => s.graph?.nodes.find((n) => n.id === s.selected));
  if (!selected || !node) return null;
  return <NodeDetails key={selected} node={node} />;
}

function NodeDetails({ node }: { node: DagNode }) {
  const store = usePanelStore();
  const instanceIds = usePanel((s) => s.instancesOf[node.id]);
  const chosen = usePanel((s) => s.selectedInstance);
  const card = usePanel((s) => s.cards[node.id] ?? NO_CARD);
  const instanceId = chosen && instanceIds?.includes(chosen) ? chosen : instanceIds?.[0];
  const instances = usePanel((s) => s.instances);
  const instance = instanceId ? instances[instanceId] : undefined;
  const siblings = node.matrix ? instanceIds?.map((id) => instances[id]).filter(Boolean) : undefined;
  const why = usePanel((s) =>
    instance ? pendingReason(instance, { run: s.run, instances: s.instances, nodeOf: (id) => s.graph?.nodes.find((n) => n.id === id) }) : undefined,
  );
  const controller = useController();
  const close = () => {
    store.getState().select(null);
    controller.focusCanvas();
  };
  return (
    <DetailsFrame
      label={`Details of ${node.label}`}
      testId="details"
      icon={KIND_ICON[node.kind]}
      iconTitle={KIND_LABEL[node.kind]}
      title={node.id}
      heading={node.label}
      closeTitle="Close details (Escape)"
      close={close}
    >
      <div className="details-sub">
        <code>{node.id}</code>
        {node.phase ? <Badge title="phase">{node.phase}</Badge> : null}
        <span>{KIND_LABEL[node.kind]}</span>
      </div>
      <ProblemsLink node={node} />
      <div className={`details-status status-${card.status}`} data-testid="details-status">
        <span className={`codicon codicon-${STATUS_ICON[card.status]}`} aria-hidden="true" /> {STATUS_LABEL[card.status]}
        {node.matrix && card.instances.total ? ` · ${card.instances.completed}/${card.instances.total} instances completed` : ''}
      </div>
      {why ? (
        <p className="details-why" data-testid="pending-reason">
          {why}
        </p>
      ) : null}
      <Actions node={node} instance={instance} />
      {instance ? <GatesInside gates={instance.gatesInside} /> : null}
      {instance ? <SubRunNodes nodes={instance.subRun} /> : null}
      {siblings && siblings.length > 1 ? <Instances nodeId={node.id} siblings={siblings} current={instanceId} /> : null}
      {instance ? <InstanceDetails node={node} instance={instance} /> : <p className="muted">{instanceIds ? '' : 'Not part of the run shown.'}</p>}
      <Definition node={node} />
    </DetailsFrame>
  );
}

/** How many problems the node's definition has: a link to the first, under its field in the form below. */
function ProblemsLink({ node }: { node: DagNode }) {
  const mark = problemsMark(node.problems);
  if (!mark) return null;
  const reveal = (e: React.MouseEvent<HTMLElement>) => {
    const first = e.currentTarget.closest('[data-testid="details"]')?.querySelector('.node-form .form-problems');
    first?.scrollIntoView({ block: 'center' });
    (first?.querySelector<HTMLElement>('.problem-fix') ?? first?.closest('.form-field')?.querySelector<HTMLElement>('input, textarea'))?.focus();
  };
  return (
    <button type="button" className="link-button details-problems" data-testid="details-problems" onClick={reveal}>
      <span className={`codicon codicon-${mark.severity} problems-${mark.severity}`} aria-hidden="true" /> {mark.text} in its definition
    </button>
  );
}

/** A matrix node's instances, one of which the details show. */
function Instances({ nodeId, siblings, current }: { nodeId: string; siblings: InstanceView[]; current: string | undefined }) {
  const store = usePanelStore();
  return (
    <section>
      <h3>Instances</h3>
      <ul className="instance-list">
        {siblings.map((i) => (
          <li key={i.info.id}>
            <button
              type="button"
              className={`link-button status-${i.status}${i.info.id === current ? ' current' : ''}`}
              onClick={() => store.getState().select(nodeId, i.info.id)}
              aria-pressed={i.info.id === current}
            >
              <span className={`codicon codicon-${STATUS_ICON[i.status]}`} aria-hidden="true" /> {i.info.id}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Actions({ node, instance }: { node: DagNode; instance?: InstanceView }) {
  const controller = useController();
  const run = usePanel((s) => s.run);
  const live = useShownRunLive();
  const trusted = usePanel((s) => s.trusted);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const id = instance?.info.id ?? node.id;
  const status = instance?.status;
  const attempt = (p: Promise<void>) => {
    setError(null);
    p.catch((e: Error) => setError(e.message));
  };
  const retryable = status !== undefined && canRetryNode(status);
  return (
    <div className="details-actions">
      {status === 'waiting' && live ? (
        // Text buttons, even in a narrow panel: a decision is not left to an icon.
        <>
          <Button onClick={() => attempt(controller.approve(id, true))} title={instance?.prompt ?? 'Approve'} testId="approve" label="Approve" />
          <Button secondary onClick={() => attempt(controller.approve(id, false))} testId="reject" label="Reject" />
        </>
      ) : null}
      {retryable ? (
        <Button
          icon="refresh"
          secondary
          disabled={!trusted || run?.status === 'running'}
          title={run?.status === 'running' ? 'Retry once the run has ended or is paused' : `Run ${id} again, and what comes after it`}
          onClick={() => attempt(controller.retryNode(id))}
          testId="retry-node"
          label="Retry node"
        />
      ) : null}
      {status === 'pending' && instance?.blockedBy && live ? (
        // A text button, even in a narrow panel, as for a gate: a rare step with consequences is not left to an icon.
        <Button
          secondary
          title={`Give back ${instance.blockedBy.mutex} if its holder is gone: a run that was killed (asks first)`}
          onClick={() => attempt(controller.releaseMutex(id))}
          testId="release-mutex"
          label="Release mutex…"
        />
      ) : null}
      {run ? <Button icon="output" secondary onClick={() => attempt(controller.openLog(id))} testId="open-log" label="Open log" /> : null}
      <Button
        icon={copied ? 'check' : 'copy'}
        title={`Copy '${id}'`}
        onClick={() => {
          setCopied(true);
          attempt(controller.copy(id));
          setTimeout(() => setCopied(false), 1500);
        }}
      />
      <ActionError error={error} />
    </div>
  );
}

function Definition({ node }: { node: DagNode }) {
  const store = usePanelStore();
  return (
    <section>
      <h3>Definition</h3>
      {node.description ? <p>{node.description}</p> : null}
      {node.needs.length ? (
        <p className="details-needs">
          Needs{' '}
          {node.needs.map((d, i) => (
            <span key={d}>
              {i ? ', ' : ''}
              <button type="button" className="link-button" onClick={() => store.getState().select(d)}>
                {d}
              </button>
            </span>
          ))}
        </p>
      ) : null}
      {node.matrix ? (
        <p>
          {node.matrix.count !== undefined
            ? `Matrix of ${node.matrix.count} instances over ${node.matrix.keys.join(', ')}`
            : `Matrix made when the run reaches it, from ${node.matrix.madeFrom ?? ''}`}
          {node.matrix.maxParallel !== undefined ? `, at most ${node.matrix.maxParallel} at once` : ''}
        </p>
      ) : null}
      <NodeForm node={node} />
    </section>
  );
}
