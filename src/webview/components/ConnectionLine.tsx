// The line drawn while a connection is dragged: it says at the pointer why the node under it cannot take the
// connection (a cycle, an edge that exists), or which way the new need goes.
import { useLayoutEffect, useRef, useState } from 'react';
import { getBezierPath, Position, type ConnectionLineComponentProps } from 'reactflow';
import { CARD_HEIGHT, CARD_WIDTH } from '../layout/grid';
import { connectionProblem } from '../state/connections';
import { usePanel } from './context';

export function ConnectionLine({ fromNode, fromX, fromY, toX, toY, fromPosition, toPosition }: ConnectionLineComponentProps) {
  const graph = usePanel((s) => s.graph);
  const positions = usePanel((s) => s.layout?.positions);
  const under = Object.entries(positions ?? {}).find(([, p]) => toX >= p.x && toX <= p.x + CARD_WIDTH && toY >= p.y && toY <= p.y + CARD_HEIGHT)?.[0];
  const start = fromNode?.id;
  // Cards take connections at the bottom (the nodes that need them) and the top (the nodes they need).
  const fromSource = fromPosition === Position.Bottom;
  const [from, to] = fromSource ? [start, under] : [under, start];
  const problem = under && start && under !== start ? connectionProblem(graph, from!, to!) : undefined;
  const [path] = getBezierPath({ sourceX: fromX, sourceY: fromY, sourcePosition: fromPosition, targetX: toX, targetY: toY, targetPosition: toPosition });
  const text =
    problem ?? (under && under !== start ? `${to} will need ${from}` : fromSource ? 'drop on the node that needs this one' : 'drop on the node this one needs');
  const label = useRef<SVGTextElement>(null);
  const [width, setWidth] = useState(7 * text.length + 16);
  // The box fits the text as drawn, whatever the font.
  useLayoutEffect(() => {
    const measured = label.current?.getComputedTextLength();
    if (measured) setWidth(Math.ceil(measured) + 16);
  }, [text]);
  return (
    <g className={`connection-line${problem ? ' refused' : ''}`} data-testid="connection-line" data-problem={problem ?? ''}>
      <path d={path} fill="none" />
      <g transform={`translate(${toX + 12}, ${toY + 10})`}>
        <rect width={width} height={22} rx={3} />
        <text ref={label} x={8} y={15}>
          {text}
        </text>
      </g>
    </g>
  );
}
