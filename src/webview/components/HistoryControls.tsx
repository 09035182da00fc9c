// The toolbar's history controls: open Insights, and colour the cards by a figure of their past runs, with a
// legend saying what the colours mean and how many runs they come from.
import { formatDuration } from '../../engine/duration';
import type { ColourBy } from '../state/history';
import { Button, Dropdown, type Choice } from './toolkit';
import { useController, usePanel, usePanelStore } from './context';

const COLOURINGS: (Choice & { value: ColourBy })[] = [
  { value: 'none', label: 'Colour: status' },
  { value: 'p95', label: 'Colour: p95 duration' },
  { value: 'failureRate', label: 'Colour: failure rate' },
  { value: 'criticalShare', label: 'Colour: on the critical path' },
];

export function HistoryControls() {
  const controller = useController();
  const store = usePanelStore();
  const colourBy = usePanel((s) => s.colourBy);
  const workflow = usePanel((s) => s.workflow);
  return (
    <>
      <Dropdown
        label="Colour the cards by a figure of the last 100 runs"
        value={colourBy}
        choices={COLOURINGS}
        onChange={(v) => store.getState().setColourBy(v as ColourBy)}
        testId="colour-by"
      />
      <Button
        icon="graph-line"
        secondary
        title="Insights: durations, failures, flaky nodes and bottlenecks over the runs"
        disabled={!workflow?.uri.startsWith('file:')}
        onClick={() => void controller.showInsights().catch(() => undefined)}
        testId="insights"
      />
    </>
  );
}

const LEGEND: Record<Exclude<ColourBy, 'none'>, (max: number) => [string, string]> = {
  p95: (max) => ['0', formatDuration(max)],
  failureRate: () => ['0%', '100%'],
  criticalShare: () => ['never', 'every run'],
};

/** What the card colours mean, over the graph's corner. */
export function ColourLegend() {
  const colourBy = usePanel((s) => s.colourBy);
  const metrics = usePanel((s) => s.metrics);
  if (colourBy === 'none') return null;
  if (!metrics) return <div className="colour-legend muted">Reading the runs…</div>;
  const max = Math.max(0, ...Object.values(metrics.nodes).map((n) => n.p95Ms ?? 0));
  const [low, high] = LEGEND[colourBy](max);
  const what = COLOURINGS.find((c) => c.value === colourBy)!.label.replace('Colour: ', '');
  return (
    <div
      className="colour-legend"
      data-testid="colour-legend"
      role="note"
      aria-label={`Cards coloured by ${what}, from ${low} to ${high}, over ${metrics.basedOn} runs`}
    >
      <span>{what}</span>
      <span className="legend-scale">
        {low} <span className="legend-ramp" /> {high}
      </span>
      <span className="muted">
        {metrics.basedOn} run{metrics.basedOn === 1 ? '' : 's'}
        {metrics.basedOn === 0 ? ': none yet' : ''}
      </span>
    </div>
  );
}
