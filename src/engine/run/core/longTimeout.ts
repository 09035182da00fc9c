/** The longest delay a Node.js timer takes: a longer one fires at once (with only a warning). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LongTimeout {
  clear(): void;
}

/** setTimeout for any delay, such as a `timeout: 30d`: past ~24.8 days it waits in steps. */
export function setLongTimeout(fn: () => void, ms: number, step = MAX_TIMER_MS): LongTimeout {
  let handle: NodeJS.Timeout;
  const arm = (left: number) => {
    handle = left > step ? setTimeout(() => arm(left - step), step) : setTimeout(fn, left);
  };
  arm(ms);
  return { clear: () => clearTimeout(handle) };
}
