// A collapsed phase's card: how many of its nodes are in each status, their progress together, and the running
// node that started first. A click (or Enter) expands the phase in place.
import { memo } from 'react';
import { Handle, Position, type NodeProps } from 'reactflow';
import type { NodeStatus } from '../../engine/protocol';
import { summarizeGroup, type PhaseGroup } from '../state/phaseGroups';
import { usePanel } from './context';
import { CardProblems, ProgressBar } from './NodeCard';
import { cardDomId, problemsMark, STATUS_ICON, STATUS_LABEL } from './status';

export interface GroupData {
  group: PhaseGroup;
  phaseColour?: string;
}

/** The statuses a group card counts, in the order it shows them. */
const SHOWN: readonly NodeStatus[] = ['running', 'retrying', 'waiting', 'failed', 'completed', 'skipped', 'cancelled', 'pending'];

/** Node ids for a tooltip: the first few, then how many more. */
const listed = (ids: readonly string[]) => (ids.length <= 4 ? ids.join(', ') : `${ids.slice(0, 4).join(', ')} and ${ids.length - 4} more`);

/** The summary as one string, so that the card re-renders only when what it shows changes. */
function useSummary(members: readonly string[]) {
  const text = usePanel((s) => JSON.stringify(summarizeGroup(members, s.cards)));
  return JSON.parse(text) as ReturnType<typeof summarizeGroup>;
}

function GroupCardView({ id, data }: NodeProps<GroupData>) {
  const { group, phaseColour } = data;
  const summary = useSummary(group.members);
  const selected = usePanel((s) => s.selected === id);
  const started = Object.values(summary.counts).some((c) => c > 0);
  const counts = SHOWN.filter((s) => summary.counts[s]).map((s) => `${summary.counts[s]} ${STATUS_LABEL[s].toLowerCase()}`);
  const problems = problemsMark(group.problems);
  const label = `Phase ${group.phase}, ${group.members.length} nodes${problems ? `, ${problems.text}` : ''}, collapsed${counts.length ? `: ${counts.join(', ')}` : ''}. Enter expands it.`;
  return (
    <div
      id={cardDomId(id)}
      className={`card group-card${selected ? ' selected' : ''}`}
      style={phaseColour ? ({ '--phase-colour': phaseColour } as React.CSSProperties) : undefined}
      role="group"
      aria-current={selected ? 'true' : undefined}
      aria-label={label}
      data-group={group.phase}
      title={`${label}`}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <div className="card-header">
        <span className="codicon codicon-layers card-kind" aria-hidden="true" />
        <span className="card-title">{group.phase}</span>
        <span className="card-count">{group.members.length} nodes</span>
        <CardProblems problems={group.problems} hint={`in ${listed(group.withProblems)}: a click expands the phase at the first`} />
        <span className="codicon codicon-unfold card-status-icon" title="Click to expand" aria-hidden="true" />
      </div>
      {started ? <ProgressBar label={`Phase ${group.phase}`} progress={summary.progress} /> : null}
      <div className="group-counts">
        {SHOWN.filter((s) => summary.counts[s]).map((s) => (
          <span key={s} className={`group-count status-${s}`} title={STATUS_LABEL[s]}>
            <span className={`codicon codicon-${STATUS_ICON[s]}`} aria-hidden="true" /> {summary.counts[s]}
          </span>
        ))}
        {!started ? <span className="card-status-text">not run</span> : null}
      </div>
      {summary.slowest ? (
        <div className="card-line">
          <span className="card-message" title="the running node that started first">
            slowest: {summary.slowest}
          </span>
        </div>
      ) : null}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
}

export const GroupCard = memo(GroupCardView);
