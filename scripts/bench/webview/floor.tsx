// The reference for the DAG panel's first paint: React Flow drawing the same 1,000 nodes at the same places with
// its default nodes and edges, no layout, no run state, no toolkit. No Maestro panel can paint faster.
import { createRoot } from 'react-dom/client';
import { useEffect } from 'react';
import ReactFlow, { type Edge, type Node } from 'reactflow';
import 'reactflow/dist/style.css';

interface Input {
  nodes: { id: string; x: number; y: number }[];
  edges: { source: string; target: string }[];
}

function Floor({ input }: { input: Input }) {
  const nodes: Node[] = input.nodes.map((n) => ({ id: n.id, position: { x: n.x, y: n.y }, data: { label: n.id } }));
  const edges: Edge[] = input.edges.map((e) => ({ id: `${e.source}->${e.target}`, source: e.source, target: e.target }));
  useEffect(() => {
    requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('floor:painted')));
  }, []);
  return <ReactFlow nodes={nodes} edges={edges} fitView minZoom={0.05} onlyRenderVisibleElements proOptions={{ hideAttribution: true }} />;
}

const root = createRoot(document.getElementById('root')!);
window.addEventListener('message', (e: MessageEvent<Input>) => {
  performance.mark('floor:received');
  root.render(
    <div style={{ width: '100vw', height: '100vh' }}>
      <Floor input={e.data} />
    </div>,
  );
});
