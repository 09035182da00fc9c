// The forecast of the workflow as it is being edited: each node at its p50 over the last runs, laid out as the
// engine would run them; new nodes marked unknown; what the edit changes against the last run's graph.
import { formatDuration } from '../../engine/duration';
import type { Forecast } from '../../engine/insights/forecast';
import { usePanel, usePanelStore } from './context';

/** The Gantt view's row height, so that both views line up. */
const ROW_HEIGHT = 22;

/** The switch between the run shown and the forecast. */
export function ForecastToggle() {
  const store = usePanelStore();
  const on = usePanel((s) => s.forecastOn);
  return (
    <label className="forecast-toggle">
      <input type="checkbox" checked={on} onChange={(e) => store.getState().setForecastOn(e.target.checked)} data-testid="forecast-toggle" /> Forecast from
      history
    </label>
  );
}

function deltaText(f: Forecast): string {
  if (f.deltaMs === undefined) return '';
  if (Math.abs(f.deltaMs) < 1) return ' · the same as the last run’s graph';
  return ` · this change ${f.deltaMs > 0 ? 'adds' : 'takes'} ~${formatDuration(Math.abs(f.deltaMs))} ${f.deltaMs > 0 ? 'to' : 'off'} the critical path`;
}

export function GanttForecast() {
  const store = usePanelStore();
  const forecast = usePanel((s) => s.forecast);
  const note = usePanel((s) => s.forecastNote);
  if (!forecast) return <p className="muted empty">{note ?? 'Forecasting…'}</p>;
  const total = forecast.totalMs || 1;
  const scale = (ms: number) => `${(ms / total) * 100}%`;
  const unknown = forecast.bars.filter((b) => b.unknown).length;
  return (
    <div className="gantt forecast">
      <p className="gantt-summary" data-testid="forecast-summary">
        <strong>Forecast</strong> {formatDuration(forecast.totalMs)} · critical path {forecast.critical.join(' → ') || '–'}
        {deltaText(forecast)} · from {forecast.basedOn} run{forecast.basedOn === 1 ? '' : 's'}
        {unknown ? ` · ${unknown} new node${unknown === 1 ? '' : 's'} not timed yet` : ''}
      </p>
      <div className="gantt-rows" role="list" aria-label="Forecast node durations">
        <div style={{ height: forecast.bars.length * ROW_HEIGHT, position: 'relative' }}>
          {forecast.bars.map((b, i) => (
            <div
              key={b.node}
              className={`gantt-row${b.critical ? ' critical' : ''}`}
              style={{ transform: `translateY(${i * ROW_HEIGHT}px)`, height: ROW_HEIGHT }}
              role="listitem"
              data-node={b.node}
              data-unknown={b.unknown}
            >
              <button type="button" className="link-button gantt-label" title={b.node} onClick={() => store.getState().select(b.node)}>
                {b.node}
              </button>
              <div className="gantt-track">
                {b.unknown ? (
                  <div className="gantt-unknown" style={{ left: scale(b.start) }} title={`${b.node}: no run of it yet, its time is not known`} />
                ) : (
                  <div
                    className="gantt-bar forecast-bar"
                    style={{ left: scale(b.start), width: `max(2px, ${scale(b.end - b.start)})` }}
                    title={`${b.node}: about ${formatDuration(b.end - b.start)} from +${formatDuration(b.start)}`}
                  />
                )}
              </div>
              <span className="gantt-duration">{b.unknown ? 'new' : formatDuration(b.end - b.start)}</span>
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
