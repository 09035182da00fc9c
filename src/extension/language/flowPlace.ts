// Where the cursor is inside flow collections opened on its line: `build: { needs: [lint, |`, `with: { region: eu, |`.
// A scan of the line's text, not a parse: while a user types, the collections are not closed yet.

/** An open flow collection: a mapping, with the key of the entry being written, or a sequence. */
type Open = { kind: 'map'; key?: string; keys: string[] } | { kind: 'seq' };

export interface FlowPlace {
  /**
   * The keys that lead from the line's own key to the innermost open collection's entry, outermost first: for
   * `a: { b: { c: [x, |`, `['b', 'c']`.
   */
  keys: string[];
  /** What is being written: a key of a mapping, a value of a mapping (under the last of `keys`), an item of a list. */
  at: 'key' | 'value' | 'item';
  /** The keys the innermost mapping has on the line, before and after the cursor. */
  siblings: string[];
  /** The text of the entry being written, from its start. */
  typed: string;
}

const unquote = (k: string) => (/^'.*'$/.test(k) ? k.slice(1, -1).replace(/''/g, "'") : /^".*"$/.test(k) ? k.slice(1, -1) : k);

/** Where a scan stands as to quoted scalars: inside one (and its quote), or whether a quote here would open one. */
type Quoting = { quote?: string; blank: boolean };

/**
 * Steps over `text[i]` if it belongs to a quoted scalar (or opens one): how many characters it took, 0 for a
 * character outside quotes, which is the caller's. `blank` is the caller's to keep: nothing but spaces since the
 * last separator.
 */
function quoted(q: Quoting, text: string, i: number): number {
  const c = text[i];
  if (q.quote) {
    // An escape in a double-quoted scalar, a doubled quote in a single-quoted one.
    if ((q.quote === '"' && c === '\\') || (q.quote === "'" && c === "'" && text[i + 1] === "'")) return 2;
    if (c === q.quote) q.quote = undefined;
    return 1;
  }
  if ((c !== '"' && c !== "'") || !q.blank) return 0;
  q.quote = c;
  q.blank = false;
  return 1;
}

/** A ':' that ends a key inside a flow collection: followed by a space, an end, or the collection's punctuation. */
const endsKey = (text: string, i: number) => i + 1 >= text.length || /[\s,\]}]/.test(text[i + 1]);

/**
 * The place of the end of `value` (a line's text after its `key:`) in the flow collections it opens; undefined
 * when the value is not a flow collection, when they are all closed again, or inside a comment or a quoted key.
 */
export function flowPlace(value: string, after = ''): FlowPlace | undefined {
  if (!/^\s*[[{]/.test(value)) return undefined;
  const stack: Open[] = [];
  let start = 0;
  const q: Quoting = { blank: true };
  for (let i = 0; i < value.length; i++) {
    const took = quoted(q, value, i);
    if (took) {
      i += took - 1;
      continue;
    }
    const c = value[i];
    const top = stack.at(-1);
    if (c === '#' && /\s/.test(value[i - 1] ?? ' ')) return undefined;
    else if (c === '{') stack.push({ kind: 'map', keys: [] });
    else if (c === '[') stack.push({ kind: 'seq' });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',' && top?.kind === 'map') top.key = undefined;
    else if (c === ':' && top?.kind === 'map' && top.key === undefined && endsKey(value, i)) {
      top.key = unquote(value.slice(start, i).trim());
      top.keys.push(top.key);
    } else {
      if (!/\s/.test(c)) q.blank = false;
      continue;
    }
    start = i + 1;
    q.blank = true;
    if (stack.length === 0) return undefined;
  }
  const innermost = stack.at(-1);
  if (!innermost) return undefined;
  const typed = value.slice(start).trimStart();
  const keys = stack.flatMap((o) => (o.kind === 'map' && o.key !== undefined ? [o.key] : []));
  if (innermost.kind === 'seq') return { keys, at: 'item', siblings: [], typed };
  if (innermost.key === undefined && q.quote) return undefined;
  const siblings = [...innermost.keys, ...keysAfter(after)];
  return { keys, at: innermost.key === undefined ? 'key' : 'value', siblings, typed };
}

/** The keys of the mapping the cursor is in, written after it on the line: up to the brace that closes it. */
function keysAfter(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let start = 0;
  const q: Quoting = { blank: true };
  /** In the entry the cursor is in, whose key is before the cursor (or being typed): no key to take. */
  let first = true;
  let inKey = true;
  for (let i = 0; i < text.length; i++) {
    const took = quoted(q, text, i);
    if (took) {
      i += took - 1;
      continue;
    }
    const c = text[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      if (depth-- === 0) break;
    } else if (c === ',' && depth === 0) {
      first = false;
      inKey = true;
    } else if (c === ':' && depth === 0 && inKey && endsKey(text, i)) {
      if (!first) keys.push(unquote(text.slice(start, i).trim()));
      inKey = false;
    } else {
      if (!/\s/.test(c)) q.blank = false;
      continue;
    }
    start = i + 1;
    q.blank = true;
  }
  return keys;
}
