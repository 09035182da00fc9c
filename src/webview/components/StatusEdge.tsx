// An edge that follows the run: animated into a node that is running, marked out of a node that failed. It reads
// both ends' status from the store, so that the edges array never changes during a run.
import { memo } from 'react';
import { getBezierPath, type EdgeProps } from 'reactflow';
import { NO_CARD } from '../state/runView';
import { usePanel } from './context';
import { isActive } from './status';

function StatusEdgeView({ source, target, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition }: EdgeProps) {
  const from = usePanel((s) => (s.cards[source] ?? NO_CARD).status);
  const to = usePanel((s) => (s.cards[target] ?? NO_CARD).status);
  const selected = usePanel((s) => s.selectedEdge?.from === source && s.selectedEdge.to === target);
  const [path] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const state = from === 'failed' ? 'failed' : isActive(to) && from !== 'none' ? 'active' : from === 'completed' ? 'done' : 'idle';
  return (
    <g className={`status-edge edge-${state}${selected ? ' selected' : ''}`} data-edge={`${source}->${target}`} data-state={state}>
      <path className="react-flow__edge-path" d={path} markerEnd={`url(#maestro-arrow-${state})`} fill="none" />
      {/* A wide invisible stroke, so that a thin edge is easy to click. */}
      <path className="edge-hit" d={path} fill="none" />
    </g>
  );
}

export const StatusEdge = memo(StatusEdgeView);

/** An edge to or from a collapsed phase: it stands for `data.count` edges of the graph, and says how many. */
function BundleEdgeView({ source, target, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data }: EdgeProps<{ count: number }>) {
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const count = data?.count ?? 1;
  return (
    <g className="status-edge bundle-edge edge-idle" data-edge={`${source}->${target}`} data-count={count}>
      <path className="react-flow__edge-path" d={path} markerEnd="url(#maestro-arrow-idle)" fill="none" />
      {count > 1 ? (
        <text className="bundle-count" x={labelX} y={labelY} textAnchor="middle" dominantBaseline="middle">
          {count}
        </text>
      ) : null}
    </g>
  );
}

export const BundleEdge = memo(BundleEdgeView);

/** The arrowheads the edges point with, one per state, so that their colour follows the edge's. */
export function EdgeMarkers() {
  return (
    <svg className="edge-markers" aria-hidden="true" width="0" height="0">
      <defs>
        {(['idle', 'active', 'done', 'failed'] as const).map((state) => (
          <marker
            key={state}
            id={`maestro-arrow-${state}`}
            className={`edge-marker edge-${state}`}
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" />
          </marker>
        ))}
      </defs>
    </svg>
  );
}
