// The one place that touches `acquireVsCodeApi`: typed messages to the host, requests with replies, and the
// panel's saved state. Components never use the global.
import {
  DAG_PROTOCOL_VERSION,
  parseHostMessage,
  type HostMessage,
  type WebviewMessage,
  type WebviewRequests,
  type WebviewRequestType,
  type WebviewResult,
} from './protocol';

/** What the panel keeps across reloads and while hidden. */
export interface SavedState {
  /** The workflow file's URI, for the host to restore the panel after a reload. */
  workflowUri?: string;
  /** The run shown; null: follow the latest. */
  runId: string | null;
  selected: string | null;
  bottomTab: 'timeline' | 'gantt';
  bottomOpen: boolean;
  /** The id of the first state in the page that this page's content has drawn: a reload of it asks the host instead. */
  firstState?: string;
  /** The panel's id, by which the host keeps where the panel moved while hidden. */
  panelId?: string;
  /** Whether the panel is locked to its workflow, for the host to restore it so. */
  locked?: boolean;
}

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface Host {
  post(message: WebviewMessage): void;
  /** Sends a request; settles with its result (rejects with the host's error). */
  request<K extends WebviewRequestType>(type: K, params: WebviewRequests[K]['params']): Promise<WebviewResult<K>>;
  savedState(): Partial<SavedState>;
  saveState(state: SavedState): void;
  /** Listens to the host; messages that fail the protocol's check are dropped and reported. */
  listen(handler: (m: HostMessage) => void, onBadMessage?: (raw: unknown) => void): () => void;
}

export function connectHost(api: VsCodeApi = acquireVsCodeApi()): Host {
  let nextId = 1;
  const pending = new Map<number, { resolve: (result: unknown) => void; reject: (e: Error) => void }>();
  return {
    post: (message) => api.postMessage(message),
    request(type, params) {
      const requestId = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(requestId, { resolve: (r) => resolve(r as WebviewResult<typeof type>), reject });
        api.postMessage({ ...params, type, requestId });
      });
    },
    savedState() {
      const s = api.getState();
      return typeof s === 'object' && s !== null ? s : {};
    },
    saveState: (state) => api.setState(state),
    listen(handler, onBadMessage) {
      const listener = (e: MessageEvent<unknown>) => {
        const m = parseHostMessage(e.data);
        if (!m) {
          onBadMessage?.(e.data);
          return;
        }
        if (m.type === 'reply') {
          const p = pending.get(m.requestId);
          pending.delete(m.requestId);
          if (m.ok) p?.resolve(m.result);
          else p?.reject(new Error(m.error));
          return;
        }
        handler(m);
      };
      window.addEventListener('message', listener);
      return () => window.removeEventListener('message', listener);
    },
  };
}

export const readyMessage = (runId: string | null, shows?: string): WebviewMessage => ({
  type: 'ready',
  protocolVersion: DAG_PROTOCOL_VERSION,
  runId,
  ...(shows ? { shows } : {}),
});
