// The panel's side of the layout worker. The worker's code is bundled into the panel's script as text and started
// from a blob URL (the panel's CSP allows `worker-src blob:`): webviews cannot load workers from their own files.
import workerSource from 'maestro:layout-worker';
import { gridLayout, layersOf, type LayoutNode, type LayoutResult } from './grid';
import type { LayoutReply, LayoutRequest } from './layoutMessages';

const simpleLayout = (nodes: readonly LayoutNode[]) => gridLayout(nodes, layersOf(nodes));

export class LayoutClient {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { nodes: LayoutNode[]; resolve: (r: LayoutResult) => void; early?: (r: LayoutResult) => void }>();

  /** `onProblem` hears why the panel fell back to the simple layout. */
  constructor(private readonly onProblem: (message: string) => void = () => undefined) {
    try {
      const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
      this.worker = new Worker(url);
      URL.revokeObjectURL(url);
      this.worker.onmessage = (e: MessageEvent<LayoutReply>) => this.settle(e.data);
      this.worker.onerror = (e) => this.failWorker(e.message || 'the layout worker failed');
    } catch (e) {
      this.failWorker(`the layout worker could not start: ${(e as Error).message}`);
    }
  }

  /**
   * Lays out a graph: `early` hears a fast layout to paint while the final one is made. Never fails: where the
   * worker cannot, the simple layered layout stands in.
   */
  layout(nodes: LayoutNode[], previous?: LayoutResult, early?: (r: LayoutResult) => void): Promise<LayoutResult> {
    if (!this.worker) return Promise.resolve(simpleLayout(nodes));
    const id = this.nextId++;
    const request: LayoutRequest = { id, nodes, ...(previous ? { previous } : {}) };
    return new Promise((resolve) => {
      this.pending.set(id, { nodes, resolve, early });
      this.worker!.postMessage(request);
    });
  }

  private settle(reply: LayoutReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    if ('result' in reply && !reply.final) return p.early?.(reply.result);
    this.pending.delete(reply.id);
    if ('error' in reply) {
      this.onProblem(`layout failed: ${reply.error}`);
      p.resolve(simpleLayout(p.nodes));
    } else p.resolve(reply.result);
  }

  private failWorker(message: string): void {
    this.worker?.terminate();
    this.worker = undefined;
    for (const p of this.pending.values()) p.resolve(simpleLayout(p.nodes));
    this.pending.clear();
    this.onProblem(message);
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.pending.clear();
  }
}
