// A `workflow` node's sub-run in its details: each node so far, with its status and time, under the node that runs
// it; a click opens its log.
import { useState } from 'react';
import { formatDuration } from '../../engine/duration';
import type { SubRunNode } from '../state/runView';
import { useController } from './context';
import { STATUS_ICON, STATUS_LABEL } from './status';
import { ActionError } from './toolkit';

export function SubRunNodes({ nodes }: { nodes: readonly SubRunNode[] }) {
  const controller = useController();
  const [error, setError] = useState<string | null>(null);
  if (nodes.length === 0) return null;
  return (
    <section data-testid="details-sub-run">
      <h3>Sub-run</h3>
      <ul className="instance-list sub-run-list">
        {nodes.map((n) => (
          <li key={n.id} style={{ paddingInlineStart: `${(n.depth - 1) * 14}px` }} title={n.error ? `${n.id}: ${n.error}` : n.id}>
            <button
              type="button"
              className={`link-button status-${n.status}`}
              onClick={() => {
                setError(null);
                controller.openLog(n.id).catch((e: Error) => setError(e.message));
              }}
              aria-label={`${n.id}, ${STATUS_LABEL[n.status]}: open its log`}
            >
              <span className={`codicon codicon-${STATUS_ICON[n.status]}`} aria-hidden="true" /> {n.name}
            </button>
            {n.durationMs !== undefined ? <span className="muted"> {formatDuration(n.durationMs)}</span> : null}
          </li>
        ))}
      </ul>
      <ActionError error={error} />
    </section>
  );
}
