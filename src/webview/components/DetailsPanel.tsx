// The selected node's details: status, timings, attempts and their errors, outputs, artifacts, quality, the last
// lines of its log (live), and what can be done with it.
import { useEffect, useRef, useState } from 'react';
import { formatDuration } from '../../engine/duration';
import type { DagNode } from '../protocol';
import { NO_CARD, type InstanceView } from '../state/runView';
import { Badge, Button } from './toolkit';
import { useController, usePanel, usePanelStore } from './context';
import { isActive, KIND_ICON, KIND_LABEL, STATUS_ICON, STATUS_LABEL } from './status';
import { canRetryNode } from '../../engine/runRules';

const LOG_LINES_SHOWN = 40;
const clock = (t: number) => new Date(t).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

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
  return (
    <aside className="details" aria-label={`Details of ${node.label}`} data-testid="details">
      <header className="details-header">
        <span className={`codicon codicon-${KIND_ICON[node.kind]}`} title={KIND_LABEL[node.kind]} aria-hidden="true" />
        <h2 title={node.id}>{node.label}</h2>
        <Button icon="close" title="Close details" onClick={() => store.getState().select(null)} />
      </header>
      <div className="details-sub">
        <code>{node.id}</code>
        {node.phase ? <Badge title="phase">{node.phase}</Badge> : null}
        <span>{KIND_LABEL[node.kind]}</span>
      </div>
      <div className={`details-status status-${card.status}`} data-testid="details-status">
        <span className={`codicon codicon-${STATUS_ICON[card.status]}`} aria-hidden="true" /> {STATUS_LABEL[card.status]}
        {node.matrix && card.instances.total ? ` · ${card.instances.completed}/${card.instances.total} instances completed` : ''}
      </div>
      <Actions node={node} instance={instance} />
      {siblings && siblings.length > 1 ? (
        <section>
          <h3>Instances</h3>
          <ul className="instance-list">
            {siblings.map((i) => (
              <li key={i.info.id}>
                <button
                  type="button"
                  className={`link-button status-${i.status}${i.info.id === instanceId ? ' current' : ''}`}
                  onClick={() => store.getState().select(node.id, i.info.id)}
                  aria-pressed={i.info.id === instanceId}
                >
                  <span className={`codicon codicon-${STATUS_ICON[i.status]}`} aria-hidden="true" /> {i.info.id}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {instance ? <InstanceDetails node={node} instance={instance} /> : <p className="muted">{instanceIds ? '' : 'Not part of the run shown.'}</p>}
      <Definition node={node} />
    </aside>
  );
}

function Actions({ node, instance }: { node: DagNode; instance?: InstanceView }) {
  const controller = useController();
  const run = usePanel((s) => s.run);
  const live = usePanel((s) => s.runs.find((r) => r.runId === s.run?.runId)?.live ?? false);
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
        <>
          <Button icon="pass" onClick={() => attempt(controller.approve(id, true))} title={instance?.prompt ?? 'Approve'} testId="approve" label="Approve" />
          <Button icon="circle-slash" secondary onClick={() => attempt(controller.approve(id, false))} testId="reject" label="Reject" />
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
      {error ? (
        <p className="details-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function InstanceDetails({ node, instance }: { node: DagNode; instance: InstanceView }) {
  const controller = useController();
  const runId = usePanel((s) => s.run?.runId);
  // The log's last lines come from the host when the details open; live lines follow as they come.
  useEffect(() => {
    if (runId) void controller.loadLogTail(instance.info.id).catch(() => undefined);
  }, [controller, runId, instance.info.id]);
  const now = usePanel((s) => (isActive(instance.status) ? s.now : 0));
  const live = isActive(instance.status);
  const duration = instance.durationMs ?? (instance.startedAt !== undefined && live ? Math.max(0, now - instance.startedAt) : undefined);
  const outputs = Object.entries(instance.outputs);
  const maxAttempts = node.retries + 1;
  return (
    <>
      <section>
        <h3>Timing</h3>
        <dl className="facts">
          {instance.startedAt !== undefined ? (
            <>
              <dt>started</dt>
              <dd>{clock(instance.startedAt)}</dd>
            </>
          ) : null}
          {instance.endedAt !== undefined ? (
            <>
              <dt>ended</dt>
              <dd>{clock(instance.endedAt)}</dd>
            </>
          ) : null}
          {duration !== undefined ? (
            <>
              <dt>duration</dt>
              <dd data-testid="details-duration">{formatDuration(duration)}</dd>
            </>
          ) : null}
          {instance.attempt > 0 ? (
            <>
              <dt>attempt</dt>
              <dd>
                {instance.attempt} of {maxAttempts}
              </dd>
            </>
          ) : null}
          {live && instance.progress !== undefined ? (
            <>
              <dt>progress</dt>
              <dd>
                {instance.progress}%{instance.message ? ` — ${instance.message}` : ''}
              </dd>
            </>
          ) : null}
        </dl>
      </section>
      {instance.prompt && instance.status === 'waiting' ? <p className="details-prompt">{instance.prompt}</p> : null}
      {instance.attemptErrors.length || instance.error || instance.reason ? (
        <section>
          <h3>{instance.error ? 'Error' : 'Why'}</h3>
          <ol className="attempt-errors">
            {instance.attemptErrors.map((e, i) => (
              <li key={i}>
                <span className="muted">attempt {i + 1}:</span> {e}
              </li>
            ))}
          </ol>
          {instance.error ? (
            <p className="details-error" data-testid="details-error">
              {instance.error}
              {instance.exitCode !== undefined && instance.exitCode !== null && !instance.error.includes(`code ${instance.exitCode}`) ? (
                <span className="muted"> (exit {instance.exitCode})</span>
              ) : null}
            </p>
          ) : instance.reason ? (
            <p className="muted">{instance.reason}</p>
          ) : null}
        </section>
      ) : null}
      {node.quality || instance.quality !== undefined ? (
        <section>
          <h3>Quality</h3>
          <p className={instance.quality !== undefined && node.quality && instance.quality < node.quality.min ? 'metric-bad' : ''}>
            {instance.quality !== undefined ? instance.quality : 'no score yet'}
            {node.quality
              ? ` (gate ${node.quality.min}${instance.quality !== undefined ? (instance.quality >= node.quality.min ? ', met' : ', not met') : ''})`
              : ''}
          </p>
        </section>
      ) : null}
      {outputs.length ? (
        <section>
          <h3>Outputs</h3>
          <dl className="facts outputs">
            {outputs.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd title={v}>{v}</dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}
      {instance.artifacts.length ? (
        <section>
          <h3>Artifacts</h3>
          <ul className="artifact-list">
            {instance.artifacts.map((a) => (
              <li key={a}>
                <button type="button" className="link-button" onClick={() => void controller.openArtifact(instance.info.id, a).catch(() => undefined)}>
                  <span className="codicon codicon-file" aria-hidden="true" /> {a}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <LogTail instance={instance} />
    </>
  );
}

function LogTail({ instance }: { instance: InstanceView }) {
  const ref = useRef<HTMLPreElement>(null);
  const lines = instance.logTail.slice(-LOG_LINES_SHOWN);
  useEffect(() => {
    const el = ref.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [instance.logTail]);
  if (lines.length === 0) return null;
  return (
    <section>
      <h3>Log</h3>
      <pre className="log-tail" ref={ref} data-testid="log-tail" aria-live="polite">
        {lines.map((l, i) => (
          <div key={i} className={l.stream === 'stderr' ? 'stderr' : undefined}>
            {l.text}
          </div>
        ))}
      </pre>
    </section>
  );
}

function Definition({ node }: { node: DagNode }) {
  const store = usePanelStore();
  return (
    <section>
      <h3>Definition</h3>
      {node.description ? <p>{node.description}</p> : null}
      <dl className="facts">
        {node.needs.length ? (
          <>
            <dt>needs</dt>
            <dd>
              {node.needs.map((d, i) => (
                <span key={d}>
                  {i ? ', ' : ''}
                  <button type="button" className="link-button" onClick={() => store.getState().select(d)}>
                    {d}
                  </button>
                </span>
              ))}
            </dd>
          </>
        ) : null}
        {node.condition ? (
          <>
            <dt>if</dt>
            <dd>
              <code>{node.condition}</code>
            </dd>
          </>
        ) : null}
        {node.matrix ? (
          <>
            <dt>matrix</dt>
            <dd>
              {node.matrix.keys.join(' × ')} ({node.matrix.count})
            </dd>
          </>
        ) : null}
        {node.retries ? (
          <>
            <dt>retries</dt>
            <dd>{node.retries}</dd>
          </>
        ) : null}
        {node.timeoutMs !== undefined ? (
          <>
            <dt>timeout</dt>
            <dd>{formatDuration(node.timeoutMs)}</dd>
          </>
        ) : null}
        {node.outputs.length ? (
          <>
            <dt>outputs</dt>
            <dd>{node.outputs.join(', ')}</dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}
