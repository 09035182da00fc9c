import { isMap, isPair, isScalar, isSeq, type Document } from 'yaml';

/** Where two parsed documents differ in what the validator and the edits read of them; undefined when they do not. */
export function documentDifference(fast: Document.Parsed, general: Document.Parsed): string | undefined {
  if (general.errors.length || general.warnings.length) return `the general parser reports ${general.errors[0]?.message ?? general.warnings[0]?.message}`;
  if (JSON.stringify(fast.range) !== JSON.stringify(general.range)) return `document range ${JSON.stringify(fast.range)} ≠ ${JSON.stringify(general.range)}`;
  if (JSON.stringify(fast.toJS()) !== JSON.stringify(general.toJS())) return 'the data differ';
  return nodeDifference(fast.contents, general.contents, '');
}

function nodeDifference(a: unknown, b: unknown, path: string): string | undefined {
  const kind = (n: unknown) => (isMap(n) ? 'map' : isSeq(n) ? 'seq' : isScalar(n) ? 'scalar' : isPair(n) ? 'pair' : String(n));
  if (kind(a) !== kind(b)) return `${path}: ${kind(a)} ≠ ${kind(b)}`;
  if (isPair(a) && isPair(b)) return nodeDifference(a.key, b.key, `${path}.key`) ?? nodeDifference(a.value, b.value, `${path}.value`);
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const field of ['range', 'type', 'source', 'flow', 'format', 'value', 'minFractionDigits', 'tag', 'anchor']) {
    if (field === 'value' && !isScalar(a)) continue;
    const fx = JSON.stringify(x[field] === undefined ? null : x[field]);
    const fy = JSON.stringify(y[field] === undefined ? null : y[field]);
    if (fx !== fy && !(field === 'flow' && !x[field] && !y[field])) return `${path}: ${field} ${fx} ≠ ${fy}`;
  }
  if (isMap(a) || isSeq(a)) {
    const ia = (a as { items: unknown[] }).items;
    const ib = (b as { items: unknown[] }).items;
    if (ia.length !== ib.length) return `${path}: ${ia.length} items ≠ ${ib.length}`;
    for (let i = 0; i < ia.length; i++) {
      const d = nodeDifference(ia[i], ib[i], `${path}[${i}]`);
      if (d) return d;
    }
  }
  return undefined;
}
