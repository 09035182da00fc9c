// A separator the user drags (or moves with the arrow keys) to size the details beside or below the graph.
import { useRef, type KeyboardEvent, type PointerEvent } from 'react';

export function Splitter(props: { vertical: boolean; size: number; min: number; max: number; onResize: (size: number) => void; label: string }) {
  const { vertical, size, min, max, onResize, label } = props;
  const start = useRef<{ at: number; size: number } | null>(null);
  const clamp = (v: number) => Math.round(Math.max(min, Math.min(max, v)));
  // Beside the graph the details grow leftwards; below it, upwards: moving towards the graph makes them bigger.
  const onPointerDown = (e: PointerEvent) => {
    start.current = { at: vertical ? e.clientX : e.clientY, size };
    (e.target as Element).setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent) => {
    if (!start.current) return;
    onResize(clamp(start.current.size - ((vertical ? e.clientX : e.clientY) - start.current.at)));
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const step = e.shiftKey ? 64 : 16;
    const grow: Record<string, number> = vertical ? { ArrowLeft: step, ArrowRight: -step } : { ArrowUp: step, ArrowDown: -step };
    const delta = grow[e.key];
    if (delta === undefined) return;
    e.preventDefault();
    onResize(clamp(size + delta));
  };
  return (
    <div
      className={`splitter ${vertical ? 'splitter-vertical' : 'splitter-horizontal'}`}
      role="separator"
      aria-orientation={vertical ? 'vertical' : 'horizontal'}
      aria-label={label}
      aria-valuemin={min}
      aria-valuemax={max}
      aria-valuenow={size}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={() => (start.current = null)}
      onKeyDown={onKeyDown}
    />
  );
}
