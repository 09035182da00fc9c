import { useEffect, useState } from 'react';

/** A panel this narrow (beside an editor, say) is laid out for it; styles.css's narrow block uses the same width. */
const NARROW = '(max-width: 760px)';

/** Whether the panel is narrow, following its resizes. */
export function useNarrow(): boolean {
  const [narrow, setNarrow] = useState(() => matchMedia(NARROW).matches);
  useEffect(() => {
    const query = matchMedia(NARROW);
    const onChange = () => setNarrow(query.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  return narrow;
}
