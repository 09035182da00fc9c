// The layout worker: lays graphs out off the panel's UI thread, so that a big graph never freezes it.
import { layoutGraph } from './layout';
import type { LayoutReply, LayoutRequest } from './layoutMessages';

const post = (reply: LayoutReply) => (self as unknown as { postMessage(m: LayoutReply): void }).postMessage(reply);

self.onmessage = (e: MessageEvent<LayoutRequest>) => {
  const { id, nodes, previous } = e.data;
  try {
    post({ id, result: layoutGraph(nodes, previous) });
  } catch (error) {
    post({ id, error: (error as Error).message });
  }
};
