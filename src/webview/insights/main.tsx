// The Insights panel's entry point: the one place that touches acquireVsCodeApi here.
import 'uplot/dist/uPlot.min.css';
import './insights.css';
import { createRoot } from 'react-dom/client';
import { InsightsApp, type InsightsHost } from './InsightsApp';
import { parseInsightsHostMessage } from './protocol';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void };

const api = acquireVsCodeApi();
const host: InsightsHost = {
  post: (m) => api.postMessage(m),
  listen(handler) {
    const listener = (e: MessageEvent<unknown>) => {
      const m = parseInsightsHostMessage(e.data);
      if (m) handler(m);
    };
    window.addEventListener('message', listener);
    return () => window.removeEventListener('message', listener);
  },
};
const root = document.getElementById('root');
if (root) createRoot(root).render(<InsightsApp host={host} />);
