// What the panel shows of the workflow's past runs: cards coloured by a figure of their history, and the forecast
// of the workflow as it is being edited. Both come from the host, which reads them from the engine's run index.
import type { Forecast } from '../../engine/insights/forecast';
import type { NodeMetric } from '../protocol';

/** What the cards are coloured by. */
export type ColourBy = 'none' | 'p95' | 'failureRate' | 'criticalShare';

export interface HistoryState {
  colourBy: ColourBy;
  /** The figures the colours come from, by node id, and how many runs they are based on. */
  metrics?: { basedOn: number; nodes: Record<string, NodeMetric> };
  forecastOn: boolean;
  forecast?: Forecast;
  /** Why there is no forecast (no runs yet, the file does not parse). */
  forecastNote?: string;
}

export interface HistoryActions {
  setColourBy(colourBy: ColourBy): void;
  setMetrics(metrics: HistoryState['metrics']): void;
  setForecastOn(on: boolean): void;
  setForecast(forecast: Forecast | undefined, note?: string): void;
}

export const HISTORY_INITIAL: HistoryState = { colourBy: 'none', forecastOn: false };

export function historyActions(set: (partial: Partial<HistoryState>) => void): HistoryActions {
  return {
    setColourBy: (colourBy) => set({ colourBy }),
    setMetrics: (metrics) => set({ metrics }),
    setForecastOn: (forecastOn) => set({ forecastOn }),
    setForecast: (forecast, note) => set({ forecast, forecastNote: note }),
  };
}

/** A node's value for the colouring, from 0 (cool) to 1 (hot), and the figure shown in the legend. */
export function heatOf(metrics: HistoryState['metrics'], colourBy: ColourBy, node: string): number | undefined {
  if (!metrics || colourBy === 'none') return undefined;
  const m = metrics.nodes[node];
  if (!m) return undefined;
  if (colourBy === 'failureRate') return m.failureRate;
  if (colourBy === 'criticalShare') return m.criticalShare;
  const max = Math.max(...Object.values(metrics.nodes).map((n) => n.p95Ms ?? 0));
  return m.p95Ms === undefined || max === 0 ? undefined : m.p95Ms / max;
}
