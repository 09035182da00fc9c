// An instance id a read names that its matrix node does not make (`nodes.test.outputs.log['test[os=linx]']`): the id
// it means, and the fix that writes it.
import type { Span, SpanDiagnostic } from '../../diagnostics';
import { matrixValueText, type MatrixInstance } from '../../matrix';

/** Whether `inner` is the pairs joined by commas in some order (`node=18,os=linux` for `os=linux` and `node=18`). */
function joinsInSomeOrder(inner: string, pairs: readonly string[]): boolean {
  if (pairs.length === 0) return inner === '';
  return pairs.some((pair, i) => {
    if (!inner.startsWith(pair)) return false;
    const rest = inner.slice(pair.length);
    const others = pairs.filter((_, j) => j !== i);
    if (others.length === 0) return rest === '';
    return rest.startsWith(',') && joinsInSomeOrder(rest.slice(1), others);
  });
}

/**
 * The instance an id that names none means: the one with the same values written in another order, else the closest
 * id (a typo), compared without regard to case as ids are read.
 */
export function meantInstance(
  nodeId: string,
  name: string,
  instances: readonly MatrixInstance[],
  closest: (word: string, candidates: readonly string[]) => string | undefined,
): string | undefined {
  const lower = name.toLowerCase();
  const prefix = `${nodeId.toLowerCase()}[`;
  if (lower.startsWith(prefix) && lower.endsWith(']')) {
    const inner = lower.slice(prefix.length, -1);
    const reordered = instances.find((instance) => {
      const pairs = Object.entries(instance.values).map(([k, v]) => `${k}=${matrixValueText(v)}`.toLowerCase());
      return pairs.length > 1 && pairs.join(',').length === inner.length && joinsInSomeOrder(inner, pairs);
    });
    if (reordered) return reordered.id;
  }
  return closest(
    name,
    instances.map((i) => i.id),
  );
}

/**
 * What a plain, single-quoted or double-quoted YAML scalar and an expression's string literal all keep as it is: an
 * id without quotes, backslashes, control characters, or the `: ` and ` #` a plain scalar would end at.
 */
const writesAsItIs = (id: string): boolean => !/['"\\\p{Cc}]|: | #/u.test(id);

/**
 * Writing the meant id in place of the read one, where the read's literal stands in the file as written
 * (`'<id>'`, nothing escaped) and the meant id can stand there the same way; otherwise no fix.
 */
export function instanceFix(text: string, span: Span, read: string, meant: string): SpanDiagnostic['fixes'] {
  if (text.slice(span.start, span.end) !== `'${read}'` || !writesAsItIs(meant)) return undefined;
  return [{ title: `Change to '${meant}'`, edits: [{ span, newText: `'${meant}'` }] }];
}
