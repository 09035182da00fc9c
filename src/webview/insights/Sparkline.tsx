// A node's last durations as a line, scaled to its own range; drawn as SVG (no chart library for 20 points).
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  if (values.length < 2) return <span className="muted">–</span>;
  const w = 80;
  const h = 18;
  const max = Math.max(...values);
  const min = Math.min(...values);
  const span = max - min || 1;
  const points = values.map((v, i) => `${((i / (values.length - 1)) * w).toFixed(1)},${(h - 1 - ((v - min) / span) * (h - 2)).toFixed(1)}`).join(' ');
  return (
    <svg className="sparkline" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}
