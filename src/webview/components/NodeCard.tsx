// A node's card (the original plan's PhaseNode). Memoized, and it reads its run state from the panel's store
// itself, so that an event re-renders the card of the node it concerns and nothing else.
import { memo } from 'react';
import { Handle, Position, useStore as useFlowStore, type NodeProps, type ReactFlowState } from 'reactflow';
import { formatDuration } from '../../engine/duration';
import { heldMutexText } from '../../engine/mutexHolder';
import type { DagNode } from '../protocol';
import { NO_CARD, type CardView } from '../state/runView';
import { usePanel } from './context';
import { cardDomId, describeCard, isActive, KIND_ICON, KIND_LABEL, problemsMark, STATUS_ICON, STATUS_LABEL } from './status';
import { heatOf } from '../state/history';

export interface CardData {
  node: DagNode;
  phaseColour?: string;
}

/** Below this zoom, cards draw as plain boxes: text nobody can read costs render time on big graphs. */
const DETAIL_ZOOM = 0.45;
const zoomedOut = (s: ReactFlowState) => s.transform[2] < DETAIL_ZOOM;

function NodeCardView({ id, data }: NodeProps<CardData>) {
  const { node, phaseColour } = data;
  const card = usePanel((s) => s.cards[id] ?? NO_CARD);
  const selected = usePanel((s) => s.selected === id);
  const target = usePanel((s) => s.connecting?.target === id && s.connecting.from !== id);
  const source = usePanel((s) => s.connecting?.from === id);
  const heat = usePanel((s) => heatOf(s.metrics, s.colourBy, id));
  const live = isActive(card.status);
  const now = usePanel((s) => (live ? s.now : 0));
  const compact = useFlowStore(zoomedOut);
  const duration = card.durationMs ?? (card.startedAt !== undefined && live ? Math.max(0, now - card.startedAt) : undefined);
  const matrix = node.matrix;
  const label = describeCard(node, card);
  const classes = [
    'card',
    `status-${card.status}`,
    selected ? 'selected' : '',
    matrix ? 'matrix' : '',
    compact ? 'compact' : '',
    target ? 'connect-target' : '',
    source ? 'connect-source' : '',
    heat !== undefined ? 'heated' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const style = {
    ...(phaseColour ? { '--phase-colour': phaseColour } : {}),
    ...(heat !== undefined ? { '--heat': `${Math.round(heat * 100)}%` } : {}),
  } as React.CSSProperties;
  return (
    <div
      id={cardDomId(id)}
      className={classes}
      style={style}
      role="group"
      aria-current={selected ? 'true' : undefined}
      aria-label={label}
      data-node={id}
      data-status={card.status}
      data-heat={heat !== undefined ? heat.toFixed(2) : undefined}
      title={compact ? label : undefined}
    >
      <Handle type="target" position={Position.Top} title={`Drag to the node ${node.label} needs`} />
      {compact ? (
        <>
          <div className="card-compact-label">{node.label}</div>
          {live && card.progress !== undefined ? <ProgressBar label={node.label} progress={card.progress} /> : null}
        </>
      ) : (
        <CardBody id={id} node={node} card={card} duration={duration} />
      )}
      <Handle type="source" position={Position.Bottom} title={`Drag to a node that needs ${node.label}`} />
    </div>
  );
}

/** What the validator finds wrong in a node's definition (a phase's, on its group card): a count, the messages on hover. */
export function CardProblems({ problems, hint = 'select the node to see and fix them' }: { problems: DagNode['problems']; hint?: string }) {
  const mark = problemsMark(problems);
  if (!mark) return null;
  const title = `${mark.text} (${hint}):\n${problems
    .filter((p) => p.severity !== 'info')
    .map((p) => `• ${p.message}`)
    .join('\n')}`;
  return (
    <span className={`card-problems problems-${mark.severity}`} title={title} data-testid="card-problems">
      <span className={`codicon codicon-${mark.severity}`} aria-hidden="true" />
      {mark.count}
    </span>
  );
}

/** How many instances a matrix node has: as written, or for one made at run time, as the run shown made it. */
function MatrixCount({ id, matrix }: { id: string; matrix: NonNullable<DagNode['matrix']> }) {
  const made = usePanel((s) => {
    const ids = s.instancesOf[id];
    return ids && !(ids.length === 1 && ids[0] === id) ? ids.length : undefined;
  });
  const count = matrix.count ?? made;
  const over = matrix.keys.length ? ` over ${matrix.keys.join(', ')}` : '';
  const title =
    matrix.count !== undefined
      ? `matrix${over}: ${matrix.count} instances`
      : `matrix made when the run reaches it, from ${matrix.madeFrom ?? ''}${made !== undefined ? `: ${made} instances in this run` : ''}`;
  return (
    <span className="card-count" title={title}>
      ×{count ?? '?'}
    </span>
  );
}

function CardBody({ id, node, card, duration }: { id: string; node: DagNode; card: CardView; duration: number | undefined }) {
  const live = isActive(card.status);
  const statusText = STATUS_LABEL[card.status];
  const matrix = node.matrix;
  return (
    <>
      <div className="card-header">
        <span className={`codicon codicon-${KIND_ICON[node.kind]} card-kind`} title={KIND_LABEL[node.kind]} aria-hidden="true" />
        <span className="card-title" title={node.label === id ? id : `${node.label} (${id})`}>
          {node.label}
        </span>
        {matrix ? <MatrixCount id={id} matrix={matrix} /> : null}
        <CardProblems problems={node.problems} />
        <span className={`codicon codicon-${STATUS_ICON[card.status]} card-status-icon`} title={statusText} aria-hidden="true" />
      </div>
      <div className="card-sub">
        {node.phase ? (
          <span className="card-phase">
            <span className="card-phase-swatch" aria-hidden="true" />
            {node.phase}
          </span>
        ) : null}
        {node.label.toLowerCase() !== id.toLowerCase() ? <span className="card-id">{id}</span> : null}
      </div>
      {live && card.progress !== undefined ? <ProgressBar label={node.label} progress={card.progress} /> : null}
      <div className="card-line">
        <span className="card-status-text">{statusText}</span>
        {card.attempt > 1 ? <span title="attempt">#{card.attempt}</span> : null}
        {card.gatesInside > 0 ? (
          <span className="card-gates-inside" data-testid="gates-inside" title="Approval gates waiting in its sub-run: select the node to answer">
            <span className="codicon codicon-person" aria-hidden="true" /> {gatesInsideText(card.gatesInside)}
          </span>
        ) : null}
        {card.reused > 0 ? (
          <span className="card-reused" title="Not run: the result an earlier run kept was reused (cache)">
            <span className="codicon codicon-history" aria-hidden="true" /> {card.instances.total > 1 ? `${card.reused} reused` : 'reused'}
          </span>
        ) : null}
        {duration !== undefined && !(card.reused > 0 && card.instances.total === 1) ? <span className="card-duration">{formatDuration(duration)}</span> : null}
        {live && card.message ? (
          <span className="card-message" title={card.message}>
            {card.message}
          </span>
        ) : null}
        {!live && card.error ? (
          <span className="card-message card-error" title={card.error}>
            {card.error}
          </span>
        ) : null}
      </div>
      <CardMetrics node={node} card={card} />
    </>
  );
}

/** Quality against its gate, outputs, artifacts, mutexes, and for a matrix, how many instances completed. */
function CardMetrics({ node, card }: { node: DagNode; card: CardView }) {
  const matrix = node.matrix;
  return (
    <div className="card-metrics">
      {node.quality || card.quality !== undefined ? (
        <span className={card.quality !== undefined && node.quality && card.quality < node.quality.min ? 'metric-bad' : ''} title="quality score / gate">
          <span className="codicon codicon-verified" aria-hidden="true" /> {card.quality !== undefined ? card.quality : '–'}
          {node.quality ? ` / ${node.quality.min}` : ''}
        </span>
      ) : null}
      {node.outputs.length || card.outputs ? (
        <span title="outputs">
          <span className="codicon codicon-symbol-key" aria-hidden="true" /> {card.outputs || node.outputs.length}
        </span>
      ) : null}
      {node.artifacts || card.artifacts ? (
        <span title="artifacts">
          <span className="codicon codicon-file" aria-hidden="true" /> {card.artifacts || node.artifacts}
        </span>
      ) : null}
      {node.fields.mutex?.length ? <CardMutex names={node.fields.mutex} blockedBy={card.blockedBy} /> : null}
      {matrix && card.instances.total ? (
        <span title="instances completed">
          {card.instances.completed}/{card.instances.total}
        </span>
      ) : null}
    </div>
  );
}

/** A lock where the node names mutexes; marked, with who holds it, while it waits for one another run holds. */
function CardMutex({ names, blockedBy }: { names: readonly string[]; blockedBy: CardView['blockedBy'] }) {
  const title = blockedBy ? `waits for ${heldMutexText(blockedBy)}` : `mutex ${names.join(', ')}: one at a time with the nodes that name it`;
  return (
    <span className={blockedBy ? 'card-mutex-waiting' : undefined} title={title} data-testid="card-mutex">
      <span className="codicon codicon-lock" aria-hidden="true" /> {blockedBy ? 'waits' : names.length > 1 ? names.length : ''}
    </span>
  );
}

const gatesInsideText = (n: number): string => (n === 1 ? 'a gate waits' : `${n} gates wait`);

export function ProgressBar({ label, progress }: { label: string; progress: number }) {
  return (
    <div className="card-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress} aria-label={`${label} progress`}>
      <div className="card-progress-fill" style={{ width: `${Math.min(100, Math.max(0, progress))}%` }} />
    </div>
  );
}

export const NodeCard = memo(NodeCardView);
