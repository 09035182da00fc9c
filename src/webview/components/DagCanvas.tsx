// The graph: React Flow with our cards and edges, and the builder's gestures on it (drag from a card's handle to
// connect, right click for a menu). Node and edge arrays change only when the graph or its layout does; run state
// reaches the cards through the store. The graph is one tab stop: the cards are its items, the selected one active.
import { useCallback, useEffect, useMemo, useRef } from 'react';
import ReactFlow, {
  Background,
  ControlButton,
  Controls,
  MiniMap,
  type Connection,
  type Edge,
  type Node,
  type NodeMouseHandler,
  type OnConnectStartParams,
} from 'reactflow';
import { CARD_HEIGHT, CARD_WIDTH } from '../layout/grid';
import { isBigGraph } from '../state/bigGraph';
import { phaseColours } from '../state/navigation';
import { connectionProblem } from '../state/connections';
import { canvasKeyHandler, expandGroup } from './canvasKeys';
import { useCanvasView, useMountViewport } from './canvasView';
import { useAfterFirstPaint } from './afterFirstPaint';
import { ConnectionLine } from './ConnectionLine';
import { useNarrow } from './narrow';
import { useBuilder, usePanel, usePanelStore, useController } from './context';
import { BundleEdge, EdgeMarkers, StatusEdge } from './StatusEdge';
import { GroupCard, type GroupData } from './GroupCard';
import { NodeCard, type CardData } from './NodeCard';
import { cardDomId, describeCard } from './status';
import { NO_CARD } from '../state/runView';
import { ColourLegend } from './HistoryControls';

const nodeTypes = { card: NodeCard, group: GroupCard };
/**
 * Cards stay where the layout puts them; selection and the keyboard are the panel's own (one tab stop, no focusable
 * cards or edges); the wheel scrolls, Ctrl+wheel zooms.
 */
const FLOW_OPTIONS = {
  nodesDraggable: false,
  nodesConnectable: true,
  elementsSelectable: false,
  nodesFocusable: false,
  edgesFocusable: false,
  disableKeyboardA11y: true,
  zoomOnDoubleClick: false,
  panOnScroll: true,
  zoomOnScroll: false,
  onlyRenderVisibleElements: true,
  minZoom: 0.05,
  maxZoom: 2,
  proOptions: { hideAttribution: true },
} as const;
const edgeTypes = { status: StatusEdge, bundle: BundleEdge };

function useFlowElements() {
  const graph = usePanel((s) => s.graph);
  const view = usePanel((s) => s.view);
  const layout = usePanel((s) => s.layout);
  const colours = useMemo(() => phaseColours(graph), [graph]);
  const nodes = useMemo<Node<CardData | GroupData>[]>(() => {
    if (!graph || !layout) return [];
    const placed = (id: string) => ({ position: layout.positions[id], draggable: false, width: CARD_WIDTH, height: CARD_HEIGHT });
    const cards = graph.nodes
      .filter((n) => view.unitOf[n.id] === n.id && layout.positions[n.id])
      .map((n) => ({ id: n.id, type: 'card', data: { node: n, phaseColour: n.phase !== undefined ? colours.get(n.phase) : undefined }, ...placed(n.id) }));
    const groups = Object.values(view.groups)
      .filter((g) => layout.positions[g.id])
      .map((g) => ({ id: g.id, type: 'group', data: { group: g, phaseColour: colours.get(g.phase) }, ...placed(g.id) }));
    return [...cards, ...groups];
  }, [graph, view, layout, colours]);
  const edges = useMemo<Edge[]>(() => {
    if (!graph || !layout) return [];
    return view.units.flatMap((u) =>
      layout.positions[u.id]
        ? u.needs
            .filter((d) => layout.positions[d])
            .map((d) => {
              const count = view.bundled[`${d}->${u.id}`];
              return { id: `${d}->${u.id}`, source: d, target: u.id, type: count ? 'bundle' : 'status', ...(count ? { data: { count } } : {}) };
            })
        : [],
    );
  }, [graph, view, layout]);
  return { graph, nodes, edges };
}

/** Connecting by drag: onto a handle (React Flow's connection), or anywhere on a card (found under the pointer). */
function useConnectDrag() {
  const builder = useBuilder();
  const started = useRef<{ nodeId: string; fromSource: boolean } | null>(null);
  const onConnectStart = useCallback((_: unknown, p: OnConnectStartParams) => {
    started.current = p.nodeId ? { nodeId: p.nodeId, fromSource: p.handleType !== 'target' } : null;
  }, []);
  const onConnect = useCallback(
    (c: Connection) => {
      started.current = null;
      if (c.source && c.target) builder.connect(c.source, c.target);
    },
    [builder],
  );
  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent) => {
      const start = started.current;
      started.current = null;
      if (!start) return;
      const point = 'changedTouches' in event ? event.changedTouches[0] : event;
      const card = document.elementFromPoint(point.clientX, point.clientY)?.closest<HTMLElement>('[data-node]');
      const other = card?.dataset.node;
      if (!other || other === start.nodeId) return;
      if (start.fromSource) builder.connect(start.nodeId, other);
      else builder.connect(other, start.nodeId);
    },
    [builder],
  );
  return { onConnectStart, onConnect, onConnectEnd };
}

/**
 * For the panel's speed measurements: the first frame with a workflow's graph on screen (again when the panel moves
 * to another workflow), and the first frame after each change of its edges (an edit that connected or disconnected
 * nodes).
 */
function usePaintMarks(count: number, edges: unknown) {
  const workflow = usePanel((s) => s.workflow?.uri);
  /** The workflow whose graph was painted; null: none yet. */
  const painted = useRef<{ workflow?: string } | null>(null);
  useEffect(() => {
    if (count === 0) return;
    const mark = painted.current && painted.current.workflow === workflow ? 'maestro:graph-updated' : 'maestro:graph-painted';
    painted.current = { workflow };
    requestAnimationFrame(() => requestAnimationFrame(() => performance.mark(mark)));
  }, [count, edges, workflow]);
}

/** The card that becomes selected is said, as a list's active item would be. */
function useSelectionAnnouncer() {
  const store = usePanelStore();
  useEffect(
    () =>
      store.subscribe((s, previous) => {
        if (s.selected === previous.selected || !s.selected || s.connecting) return;
        const node = s.graph?.nodes.find((n) => n.id === s.selected);
        if (node) s.announce(describeCard(node, s.cards[node.id] ?? NO_CARD));
      }),
    [store],
  );
}

/**
 * The mini map draws every node again (a quarter of a 1,000-node graph's first paint), so a big graph's cards are
 * painted first and its mini map a frame later; a narrow panel (beside an editor) has no room for it and does not draw
 * it at all.
 */
function GraphControls({ cards }: { cards: number }) {
  const controller = useController();
  const narrow = useNarrow();
  const painted = useAfterFirstPaint(cards > 0);
  const mapShown = !narrow && (painted || !isBigGraph(cards));
  return (
    <>
      <Background gap={24} size={1} />
      {/* Its fit is the panel's (the toolbar's): clear of these buttons, readable, from the top when too big. */}
      <Controls showInteractive={false} showFitView={false} position="bottom-left">
        <ControlButton onClick={() => controller.fitView()} title="Fit the graph in view" aria-label="Fit the graph in view" className="fit-view">
          <span className="codicon codicon-screen-full" aria-hidden="true" />
        </ControlButton>
      </Controls>
      {mapShown ? (
        <MiniMap
          pannable
          zoomable
          position="bottom-right"
          style={{ width: 160, height: 110 }}
          nodeColor={(n: Node<CardData>) => n.data.phaseColour ?? 'var(--vscode-descriptionForeground)'}
          ariaLabel="Mini map of the graph"
        />
      ) : null}
    </>
  );
}

/** Clicks and right clicks on cards, edges and the empty graph. */
function usePointerHandlers(container: React.RefObject<HTMLDivElement>) {
  const store = usePanelStore();
  const controller = useController();
  return useMemo(() => {
    const s = () => store.getState();
    const onNodeClick: NodeMouseHandler = (_, node) => {
      const group = s().view.groups[node.id];
      if (group) return expandGroup(store, group.phase);
      s().selectEdge(null);
      s().select(node.id);
      controller.reveal(node.id);
    };
    const onNodeDoubleClick: NodeMouseHandler = (_, node) => {
      if (s().run && !s().view.groups[node.id]) void controller.openLog(node.id).catch(() => undefined);
    };
    const onNodeContextMenu: NodeMouseHandler = (e, node) => {
      e.preventDefault();
      if (s().view.groups[node.id]) return;
      s().select(node.id);
      s().openMenu({ target: { kind: 'node', id: node.id }, x: e.clientX, y: e.clientY });
    };
    const onEdgeClick = (_: React.MouseEvent, edge: Edge) => {
      s().selectEdge({ from: edge.source, to: edge.target });
      s().announce(`Connection selected: ${edge.target} needs ${edge.source}. Delete removes it.`);
      container.current?.focus();
    };
    const onEdgeContextMenu = (e: React.MouseEvent, edge: Edge) => {
      e.preventDefault();
      s().selectEdge({ from: edge.source, to: edge.target });
      s().openMenu({ target: { kind: 'edge', from: edge.source, to: edge.target }, x: e.clientX, y: e.clientY });
    };
    const onPaneContextMenu = (e: React.MouseEvent) => {
      e.preventDefault();
      s().openMenu({ target: { kind: 'add' }, x: e.clientX, y: e.clientY });
    };
    const onPaneClick = () => {
      s().select(null);
      s().selectEdge(null);
    };
    return { onNodeClick, onNodeDoubleClick, onNodeContextMenu, onEdgeClick, onEdgeContextMenu, onPaneContextMenu, onPaneClick };
  }, [store, controller, container]);
}

export function DagCanvas() {
  const { graph, nodes, edges } = useFlowElements();
  const store = usePanelStore();
  const controller = useController();
  const builder = useBuilder();
  const container = useRef<HTMLDivElement>(null);
  const { userMoved } = useCanvasView(container, store, controller);
  const selected = usePanel((s) => s.selected);
  const connecting = usePanel((s) => s.connecting);
  const drag = useConnectDrag();
  const mount = useMountViewport(container, store);

  usePaintMarks(nodes.length, edges);
  useSelectionAnnouncer();
  const pointer = usePointerHandlers(container);
  const onKeyDown = useMemo(() => canvasKeyHandler(store, controller, builder), [store, controller, builder]);
  const isValidConnection = useCallback((c: Connection) => !!c.source && !!c.target && !connectionProblem(store.getState().graph, c.source, c.target), [store]);

  return (
    <div
      className={`canvas${connecting ? ' connecting' : ''}`}
      ref={container}
      tabIndex={0}
      onKeyDown={onKeyDown}
      role="application"
      aria-roledescription="graph"
      aria-activedescendant={selected && nodes.some((n) => n.id === selected) ? cardDomId(selected) : undefined}
      aria-label={`DAG of ${graph?.name ?? 'the workflow'}`}
      aria-describedby="canvas-keys"
      data-testid="canvas"
    >
      <p id="canvas-keys" hidden>
        Arrow keys move between nodes. Enter shows a node&apos;s definition, Shift+Enter its log. The context-menu key opens a node&apos;s actions; A adds a
        node after it, C connects it to another, F2 renames it, Delete deletes it. F8 goes to the next node with problems. Ctrl+Z undoes.
      </p>
      <EdgeMarkers />
      {mount ? (
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          {...pointer}
          onMove={(event) => {
            // A pan or zoom by the user (a click alone starts a gesture, but moves nothing).
            if (event) userMoved.current = true;
          }}
          {...drag}
          isValidConnection={isValidConnection}
          connectionLineComponent={ConnectionLine}
          defaultViewport={mount.viewport}
          {...FLOW_OPTIONS}
        >
          <GraphControls cards={nodes.length} />
          <ColourLegend />
        </ReactFlow>
      ) : null}
    </div>
  );
}
