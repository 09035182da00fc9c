import { useEffect, useState } from 'react';

/**
 * True from two frames after `when` first holds: what can wait for the graph's first cards (a big graph's mini map,
 * the bottom panel's list) is drawn after them, not with them.
 */
export function useAfterFirstPaint(when: boolean): boolean {
  const [after, setAfter] = useState(false);
  useEffect(() => {
    if (!when || after) return;
    let second = 0;
    const first = requestAnimationFrame(() => (second = requestAnimationFrame(() => setAfter(true))));
    return () => {
      cancelAnimationFrame(first);
      cancelAnimationFrame(second);
    };
  }, [when, after]);
  return after;
}
