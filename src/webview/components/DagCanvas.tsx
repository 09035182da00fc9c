// The graph: React Flow with our cards and edges. Node and edge arrays change only when the graph or its layout
// does; run state reaches the cards through the store.
import { useCallback, useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import ReactFlow, { Background, Controls, MiniMap, useReactFlow, type Edge, type Node, type NodeMouseHandler } from 'reactflow';
import { CARD_HEIGHT, CARD_WIDTH } from '../layout/grid';
import { neighbourOf, phaseColours, type Direction } from '../state/navigation';
import { usePanel, usePanelStore, useController } from './context';
import { EdgeMarkers, StatusEdge } from './StatusEdge';
import { NodeCard, type CardData } from './NodeCard';

const nodeTypes = { card: NodeCard };
const edgeTypes = { status: StatusEdge };
const ARROWS: Record<string, Direction> = { ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right' };

export function DagCanvas() {
  const graph = usePanel((s) => s.graph);
  const layout = usePanel((s) => s.layout);
  const store = usePanelStore();
  const controller = useController();
  const flow = useReactFlow();
  const painted = useRef(false);
  const container = useRef<HTMLDivElement>(null);
  /** Whether the user has panned or zoomed: until then, the graph is refitted when the panel is resized. */
  const userMoved = useRef(false);

  const colours = useMemo(() => phaseColours(graph), [graph]);
  const nodes = useMemo<Node<CardData>[]>(() => {
    if (!graph || !layout) return [];
    return graph.nodes
      .filter((n) => layout.positions[n.id])
      .map((n) => ({
        id: n.id,
        type: 'card',
        position: layout.positions[n.id],
        data: { node: n, phaseColour: n.phase !== undefined ? colours.get(n.phase) : undefined },
        draggable: false,
        connectable: false,
        width: CARD_WIDTH,
        height: CARD_HEIGHT,
      }));
  }, [graph, layout, colours]);
  const edges = useMemo<Edge[]>(() => {
    if (!graph || !layout) return [];
    return graph.nodes.flatMap((n) =>
      layout.positions[n.id] ? n.needs.filter((d) => layout.positions[d]).map((d) => ({ id: `${d}->${n.id}`, source: d, target: n.id, type: 'status' })) : [],
    );
  }, [graph, layout]);

  // The first frame with the graph on screen, for the panel's speed measurements.
  useEffect(() => {
    if (painted.current || nodes.length === 0) return;
    painted.current = true;
    requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('maestro:graph-painted')));
  }, [nodes]);

  useEffect(() => {
    controller.fitView = () => {
      userMoved.current = false;
      void flow.fitView({ padding: 0.12, maxZoom: 1, duration: 200 });
    };
    const el = container.current;
    if (!el) return;
    const observer = new ResizeObserver(() => {
      if (!userMoved.current && store.getState().layout) void flow.fitView({ padding: 0.12, maxZoom: 1 });
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [controller, flow, store]);

  // Brings a node into view when it is off screen (the editor's cursor moved to it, or a search found it).
  useEffect(() => {
    controller.focusNode = (id: string) => {
      const p = store.getState().layout?.positions[id];
      const pane = document.querySelector('.react-flow');
      if (!p || !pane) return;
      const { x, y, zoom } = flow.getViewport();
      const left = -x / zoom;
      const top = -y / zoom;
      const { width, height } = pane.getBoundingClientRect();
      const inView = p.x >= left && p.y >= top && p.x + CARD_WIDTH <= left + width / zoom && p.y + CARD_HEIGHT <= top + height / zoom;
      if (!inView) flow.setCenter(p.x + CARD_WIDTH / 2, p.y + CARD_HEIGHT / 2, { zoom: Math.max(zoom, 0.6), duration: 250 });
    };
  }, [controller, flow, store]);

  // A new layout may move the selected node out of view (an edit changed its needs): follow it.
  const laidOut = useRef(false);
  useEffect(() => {
    if (!layout) return;
    if (!laidOut.current) {
      laidOut.current = true;
      return;
    }
    const selected = store.getState().selected;
    if (selected) controller.focusNode(selected);
  }, [layout, store, controller]);

  const onNodeClick: NodeMouseHandler = useCallback(
    (_, node) => {
      store.getState().select(node.id);
      controller.reveal(node.id);
    },
    [store, controller],
  );
  const onNodeDoubleClick: NodeMouseHandler = useCallback(
    (_, node) => {
      if (store.getState().run) void controller.openLog(node.id).catch(() => undefined);
    },
    [store, controller],
  );
  const onKeyDown = useCallback(
    (e: KeyboardEvent) => {
      const s = store.getState();
      if (!s.graph || !s.layout) return;
      const direction = ARROWS[e.key];
      if (direction) {
        e.preventDefault();
        const next = neighbourOf(s.graph, s.layout, s.selected, direction);
        if (next) {
          s.select(next);
          controller.focusNode(next);
        }
      } else if (e.key === 'Enter' && s.selected) {
        e.preventDefault();
        if (e.shiftKey) void controller.openLog(s.selected).catch(() => undefined);
        else controller.reveal(s.selected);
      } else if (e.key === 'Escape') s.select(null);
    },
    [store, controller],
  );

  return (
    <div
      className="canvas"
      ref={container}
      tabIndex={0}
      onKeyDown={onKeyDown}
      role="application"
      aria-label={`DAG of ${graph?.name ?? 'the workflow'}: arrow keys move between nodes, Enter shows a node's definition, Shift+Enter its log`}
    >
      <EdgeMarkers />
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodeClick={onNodeClick}
        onNodeDoubleClick={onNodeDoubleClick}
        onPaneClick={() => store.getState().select(null)}
        onMoveStart={(event) => {
          if (event) userMoved.current = true;
        }}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        zoomOnDoubleClick={false}
        onlyRenderVisibleElements
        fitView
        fitViewOptions={{ padding: 0.12, maxZoom: 1 }}
        minZoom={0.05}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={24} size={1} />
        <Controls showInteractive={false} position="bottom-left" />
        <MiniMap
          pannable
          zoomable
          position="bottom-right"
          style={{ width: 160, height: 110 }}
          nodeColor={(n: Node<CardData>) => n.data.phaseColour ?? 'var(--vscode-descriptionForeground)'}
          ariaLabel="Mini map of the graph"
        />
      </ReactFlow>
    </div>
  );
}
