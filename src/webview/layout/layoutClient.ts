// The panel's side of the layout worker (started by layoutWorkerBlob.ts in the panel, a fake in tests).
import { fastLayout } from './fastLayout';
import { gridLayout, layersOf, type LayoutNode, type LayoutResult } from './grid';
import type { LayoutReply, LayoutRequest } from './layoutMessages';
import { layoutPlan } from './plan';

const simpleLayout = (nodes: readonly LayoutNode[]) => gridLayout(nodes, layersOf(nodes));

/** The fast layout, made on the page; if it fails, the worker makes both layouts and reports why. */
function fastOnPage(nodes: readonly LayoutNode[]): LayoutResult | undefined {
  try {
    return fastLayout(nodes);
  } catch {
    return undefined;
  }
}

/** The worker, as the client uses it. */
export interface LayoutWorker {
  postMessage(request: LayoutRequest): void;
  /** Its replies, and why it failed (once). */
  listen(onReply: (reply: LayoutReply) => void, onError: (message: string) => void): void;
  terminate(): void;
}

interface Pending {
  nodes: LayoutNode[];
  resolve: (r: LayoutResult) => void;
  early?: (r: LayoutResult) => void;
  /** The fast layout the page painted, the fallback if the worker fails. */
  painted?: LayoutResult;
}

export class LayoutClient {
  private worker: LayoutWorker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** `onProblem` hears why the panel fell back to the simple layout. */
  constructor(
    startWorker: () => LayoutWorker,
    private readonly onProblem: (message: string) => void = () => undefined,
  ) {
    try {
      this.worker = startWorker();
      this.worker.listen(
        (reply) => this.settle(reply),
        (message) => this.failWorker(message || 'the layout worker failed'),
      );
    } catch (e) {
      this.failWorker(`the layout worker could not start: ${(e as Error).message}`);
    }
  }

  /**
   * Lays out a graph: `early` hears a fast layout to paint while the final one is made. Never fails: where the
   * worker cannot, the simple layered layout stands in.
   *
   * A first paint's fast layout (up to REFINE_UP_TO nodes, 10–25 ms) is made here, on the page: the worker is
   * still starting when the first graph arrives, which took 200–600 ms in a browser-hosted editor on two cores.
   * Bigger graphs, and dagre always, are laid out in the worker.
   */
  layout(nodes: LayoutNode[], previous?: LayoutResult, early?: (r: LayoutResult) => void): Promise<LayoutResult> {
    if (!this.worker) return Promise.resolve(simpleLayout(nodes));
    const painted = early !== undefined && layoutPlan(nodes.length, previous !== undefined) === 'fastThenDagre' ? fastOnPage(nodes) : undefined;
    if (painted) early?.(painted);
    const id = this.nextId++;
    const request: LayoutRequest = { id, nodes, ...(previous ? { previous } : {}), ...(painted ? { fastOnPage: true } : {}) };
    return new Promise((resolve) => {
      this.pending.set(id, { nodes, resolve, early, painted });
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
      p.resolve(p.painted ?? simpleLayout(p.nodes));
    } else p.resolve(reply.result);
  }

  private failWorker(message: string): void {
    this.worker?.terminate();
    this.worker = undefined;
    for (const p of this.pending.values()) p.resolve(p.painted ?? simpleLayout(p.nodes));
    this.pending.clear();
    this.onProblem(message);
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.pending.clear();
  }
}
