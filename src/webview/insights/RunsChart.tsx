// Runs over time: each run's duration at its start, coloured by how it ended; a dashed line where the file changed.
// uPlot draws on a canvas (fast for thousands of points, no inline styles it cannot set through the CSSOM).
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { RunPoint } from '../../engine/insights/report';
import { durationLabels, timeLabels } from './chartLabels';

const STATUSES = [
  ['completed', '--vscode-charts-green'],
  ['failed', '--vscode-charts-red'],
  ['cancelled', '--vscode-charts-yellow'],
] as const;

const cssVar = (name: string, fallback: string) => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;

export function RunsChart({ runs, onOpen }: { runs: RunPoint[]; onOpen: (runId: string) => void }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el || runs.length === 0) return;
    const { options, data } = chartOf(runs, el.clientWidth);
    const plot = new uPlot(options, data, el);
    const click = () => {
      const i = plot.cursor.idx;
      if (i !== null && i !== undefined && runs[i]) onOpen(runs[i].runId);
    };
    plot.over.addEventListener('click', click);
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: 180 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.over.removeEventListener('click', click);
      plot.destroy();
    };
  }, [runs, onOpen]);
  return <div ref={box} className="runs-chart" role="img" aria-label={`Duration of each of ${runs.length} runs over time; click a run to open it`} />;
}

/** The chart's options and data: a series per way a run ends, and a dashed line where the file changed. */
function chartOf(runs: RunPoint[], width: number): { options: uPlot.Options; data: uPlot.AlignedData } {
  const xs = runs.map((r) => r.startedAt / 1000);
  const series = STATUSES.map(([status]) => runs.map((r) => (r.status === status ? r.durationMs / 1000 : null)));
  const fg = cssVar('--vscode-foreground', '#888');
  const grid = cssVar('--vscode-widget-border', 'rgba(128,128,128,0.25)');
  const changes = runs.filter((r, i) => i > 0 && r.version !== runs[i - 1].version).map((r) => r.startedAt / 1000);
  const options: uPlot.Options = {
    width,
    height: 180,
    legend: { show: false },
    // Room at the right for half of the last time label, which is centred on its tick at the plot's edge.
    padding: [8, 44, 0, 0],
    cursor: { points: { size: 8 }, drag: { x: false, y: false } },
    axes: [
      { stroke: fg, grid: { stroke: grid }, ticks: { stroke: grid }, space: 110, values: (_, ticks, _axis, _space, incr) => timeLabels(ticks, incr) },
      { stroke: fg, grid: { stroke: grid }, ticks: { stroke: grid }, values: (_, ticks, _axis, _space, incr) => durationLabels(ticks, incr), size: 64 },
    ],
    series: [
      {},
      ...STATUSES.map(([status, color]) => ({
        label: status,
        stroke: cssVar(color, '#888'),
        width: 0,
        points: { show: true, size: 6, fill: cssVar(color, '#888') },
      })),
    ],
    hooks: {
      draw: [
        (u) => {
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = fg;
          ctx.setLineDash([4, 4]);
          for (const x of changes) {
            const px = u.valToPos(x, 'x', true);
            ctx.beginPath();
            ctx.moveTo(px, u.bbox.top);
            ctx.lineTo(px, u.bbox.top + u.bbox.height);
            ctx.stroke();
          }
          ctx.restore();
        },
      ],
    },
  };
  return { options, data: [xs, ...series] };
}
