// How one instance of a node went in the run shown: timings, attempts and their errors, quality against its gate,
// outputs, artifacts that open, and the last lines of its log (live).
import { useEffect, useRef } from 'react';
import { formatDuration } from '../../engine/duration';
import { reusedText } from '../../engine/reusedResult';
import { clock, when } from '../dateTime';
import type { DagNode } from '../protocol';
import type { InstanceView } from '../state/runView';
import { useController, usePanel } from './context';
import { isActive } from './status';

const LOG_LINES_SHOWN = 40;

export function InstanceDetails({ node, instance }: { node: DagNode; instance: InstanceView }) {
  const controller = useController();
  const runId = usePanel((s) => s.run?.runId);
  // The log's last lines come from the host when the details open; live lines follow as they come.
  useEffect(() => {
    if (runId) void controller.loadLogTail(instance.info.id).catch(() => undefined);
  }, [controller, runId, instance.info.id]);
  return (
    <>
      <Timing instance={instance} maxAttempts={node.retries + 1} />
      {instance.prompt && instance.status === 'waiting' ? <p className="details-prompt">{instance.prompt}</p> : null}
      <Why instance={instance} />
      <Quality node={node} instance={instance} />
      <Outputs instance={instance} />
      <Artifacts instance={instance} />
      <LogTail instance={instance} />
    </>
  );
}

/** A term and its description, when there is one. */
function Fact({ term, children, testId }: { term: string; children: React.ReactNode; testId?: string }) {
  return (
    <>
      <dt>{term}</dt>
      <dd data-testid={testId}>{children}</dd>
    </>
  );
}

function Timing({ instance, maxAttempts }: { instance: InstanceView; maxAttempts: number }) {
  const live = isActive(instance.status);
  const now = usePanel((s) => (live ? s.now : 0));
  const duration = instance.durationMs ?? (instance.startedAt !== undefined && live ? Math.max(0, now - instance.startedAt) : undefined);
  return (
    <section>
      <h3>Timing</h3>
      <dl className="facts">
        {instance.startedAt !== undefined ? <Fact term="started">{clock(instance.startedAt)}</Fact> : null}
        {instance.endedAt !== undefined ? <Fact term="ended">{clock(instance.endedAt)}</Fact> : null}
        {duration !== undefined ? (
          <Fact term="duration" testId="details-duration">
            {formatDuration(duration)}
          </Fact>
        ) : null}
        {instance.cached ? (
          <Fact term="result" testId="details-reused">
            {reusedText(instance.cached, when(instance.cached.at))}
          </Fact>
        ) : null}
        {instance.attempt > 0 ? (
          <Fact term="attempt">
            {instance.attempt} of {maxAttempts}
          </Fact>
        ) : null}
        {live && instance.progress !== undefined ? (
          <Fact term="progress">
            {instance.progress}%{instance.message ? ` — ${instance.message}` : ''}
          </Fact>
        ) : null}
      </dl>
    </section>
  );
}

function Why({ instance }: { instance: InstanceView }) {
  if (!instance.attemptErrors.length && !instance.error && !instance.reason) return null;
  const exit = instance.exitCode;
  return (
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
          {exit !== undefined && exit !== null && !instance.error.includes(`code ${exit}`) ? <span className="muted"> (exit {exit})</span> : null}
        </p>
      ) : instance.reason ? (
        <p className="muted">{instance.reason}</p>
      ) : null}
    </section>
  );
}

function Quality({ node, instance }: { node: DagNode; instance: InstanceView }) {
  if (!node.quality && instance.quality === undefined) return null;
  const score = instance.quality;
  const gate = node.quality?.min;
  const verdict = gate === undefined ? '' : ` (gate ${gate}${score !== undefined ? (score >= gate ? ', met' : ', not met') : ''})`;
  return (
    <section>
      <h3>Quality</h3>
      <p className={score !== undefined && gate !== undefined && score < gate ? 'metric-bad' : ''}>
        {score !== undefined ? score : 'no score yet'}
        {verdict}
      </p>
    </section>
  );
}

function Outputs({ instance }: { instance: InstanceView }) {
  const outputs = Object.entries(instance.outputs);
  if (!outputs.length) return null;
  return (
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
  );
}

function Artifacts({ instance }: { instance: InstanceView }) {
  const controller = useController();
  if (!instance.artifacts.length) return null;
  return (
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
