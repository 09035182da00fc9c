// The layout worker: lays graphs out off the panel's UI thread, so that a big graph never freezes it. A big graph
// gets a fast layout at once and dagre's after (see stages.ts).
import type { LayoutReply, LayoutRequest } from './layoutMessages';
import { layoutStages } from './stages';

const post = (reply: LayoutReply) => (self as unknown as { postMessage(m: LayoutReply): void }).postMessage(reply);

self.onmessage = (e: MessageEvent<LayoutRequest>) => {
  const { id, nodes, previous, fastOnPage } = e.data;
  const stages = layoutStages(nodes, previous, fastOnPage);
  const next = (i: number) => {
    try {
      post({ id, result: stages[i].run(), final: stages[i].final });
    } catch (error) {
      post({ id, error: (error as Error).message });
      return;
    }
    if (i + 1 < stages.length) next(i + 1);
  };
  next(0);
};
