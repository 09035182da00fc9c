/** The functions an expression may call, with their arity. Status functions read the node's upstream state. */
export const FUNCTION_SIGNATURES: Readonly<Record<string, { min: number; max: number; doc: string }>> = {
  always: { min: 0, max: 0, doc: 'always() — true: the node runs whatever happened upstream.' },
  success: { min: 0, max: 0, doc: 'success() — true when every needed node completed (the default condition).' },
  failure: { min: 0, max: 0, doc: 'failure() — true when a node upstream failed.' },
  cancelled: { min: 0, max: 0, doc: 'cancelled() — true when the run is being cancelled.' },
  contains: { min: 2, max: 2, doc: 'contains(search, item) — whether a string contains a substring, or a list an item (case-insensitive for strings).' },
  startsWith: { min: 2, max: 2, doc: 'startsWith(text, prefix) — whether text starts with prefix (case-insensitive).' },
  endsWith: { min: 2, max: 2, doc: 'endsWith(text, suffix) — whether text ends with suffix (case-insensitive).' },
  format: { min: 1, max: Infinity, doc: "format(fmt, …) — replaces {0}, {1}… in fmt with the arguments; '{{' and '}}' stand for braces." },
  toJSON: { min: 1, max: 1, doc: 'toJSON(value) — the value as pretty-printed JSON.' },
  fromJSON: { min: 1, max: 1, doc: 'fromJSON(text) — parses JSON text into a value.' },
};

export const STATUS_FUNCTIONS = new Set(['always', 'success', 'failure', 'cancelled']);
