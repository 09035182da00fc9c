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
  /** Nothing but spaces since `start`: a quote here opens a quoted scalar. */
  let blank = true;
  let quote: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quote) {
      // An escape in a double-quoted scalar, a doubled quote in a single-quoted one.
      if ((quote === '"' && c === '\\') || (quote === "'" && c === "'" && value[i + 1] === "'")) i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    const top = stack.at(-1);
    if ((c === '"' || c === "'") && blank) {
      quote = c;
      blank = false;
      continue;
    }
    if (c === '#' && /\s/.test(value[i - 1] ?? ' ')) return undefined;
    else if (c === '{') stack.push({ kind: 'map', keys: [] });
    else if (c === '[') stack.push({ kind: 'seq' });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',' && top?.kind === 'map') top.key = undefined;
    else if (c === ':' && top?.kind === 'map' && top.key === undefined && endsKey(value, i)) {
      top.key = unquote(value.slice(start, i).trim());
      top.keys.push(top.key);
    } else {
      if (!/\s/.test(c)) blank = false;
      continue;
    }
    start = i + 1;
    blank = true;
    if (stack.length === 0) return undefined;
  }
  const innermost = stack.at(-1);
  if (!innermost) return undefined;
  const typed = value.slice(start).trimStart();
  const keys = stack.flatMap((o) => (o.kind === 'map' && o.key !== undefined ? [o.key] : []));
  if (innermost.kind === 'seq') return { keys, at: 'item', siblings: [], typed };
  if (innermost.key === undefined && quote) return undefined;
  const siblings = [...innermost.keys, ...keysAfter(after)];
  return { keys, at: innermost.key === undefined ? 'key' : 'value', siblings, typed };
}

/** The keys of the mapping the cursor is in, written after it on the line: up to the brace that closes it. */
function keysAfter(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let start = 0;
  let quote: string | undefined;
  /** In the entry the cursor is in, whose key is before the cursor (or being typed): no key to take. */
  let first = true;
  let inKey = true;
  let blank = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if ((quote === '"' && c === '\\') || (quote === "'" && c === "'" && text[i + 1] === "'")) i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if ((c === '"' || c === "'") && blank) {
      quote = c;
      blank = false;
      continue;
    }
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
      if (!/\s/.test(c)) blank = false;
      continue;
    }
    start = i + 1;
    blank = true;
  }
  return keys;
}
