// Keeps the history shown up to date: the cards' figures while they are coloured (again when runs change), and the
// forecast while it is shown (again when the graph changes, at most once per quarter second).
import type { Host } from '../vscodeApi';
import type { PanelStore } from './store';

const FORECAST_DELAY_MS = 250;

export function feedHistory(store: PanelStore, host: Host): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const metrics = () =>
    void host.request('nodeMetrics', {}).then(
      (m) => store.getState().setMetrics(m),
      () => store.getState().setMetrics(undefined),
    );
  const forecast = () => {
    clearTimeout(timer);
    timer = setTimeout(
      () =>
        void host.request('forecast', {}).then(
          (r) => store.getState().setForecast(r.forecast, r.note),
          (e: Error) => store.getState().setForecast(undefined, e.message),
        ),
      FORECAST_DELAY_MS,
    );
  };
  const unsubscribe = store.subscribe((s, previous) => {
    const colouring = s.colourBy !== 'none';
    if (colouring && (previous.colourBy === 'none' || s.runs !== previous.runs)) metrics();
    if (s.forecastOn && (!previous.forecastOn || s.graph !== previous.graph || s.runs !== previous.runs)) forecast();
  });
  return () => {
    clearTimeout(timer);
    unsubscribe();
  };
}
