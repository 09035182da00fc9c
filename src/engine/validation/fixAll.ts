// Many problems fixed at once: the fixes of the diagnostics that have exactly one (a choice is the user's), each
// whole or not at all, leaving out a fix whose edits touch another's (two fixes adding `env:` to one node would write
// it twice): what is left out is fixed by asking again, against the text the first fixes made.
import type { SpanDiagnostic, TextEdit } from '../diagnostics';
import { applyEdits } from '../edits/actions';

/** Whether two edits touch: they overlap, or meet (an insertion where another edit starts or ends). */
const touch = (a: TextEdit, b: TextEdit): boolean => a.span.start <= b.span.end && b.span.start <= a.span.end;

/** The edits of the fixes that can be applied together, in the order of the diagnostics; how many fixes they are. */
export function fixAllEdits(diagnostics: readonly SpanDiagnostic[], accept: (d: SpanDiagnostic) => boolean = () => true): { edits: TextEdit[]; fixes: number } {
  const edits: TextEdit[] = [];
  let fixes = 0;
  for (const d of diagnostics) {
    if (d.fixes?.length !== 1 || !accept(d)) continue;
    const own = d.fixes[0].edits;
    if (own.length === 0 || own.some((e) => edits.some((o) => touch(e, o)))) continue;
    edits.push(...own);
    fixes++;
  }
  return { edits, fixes };
}

/**
 * A text with every problem that has one fix fixed: rounds of fixAllEdits, each against the text the last one made,
 * until none is left or `maxRounds` rounds were made (a fix that brought its own problem back would not end).
 */
export function fixText(text: string, diagnose: (text: string) => readonly SpanDiagnostic[], maxRounds = 10): { text: string; fixed: number } {
  let fixed = 0;
  for (let round = 0; round < maxRounds; round++) {
    const all = fixAllEdits(diagnose(text));
    if (all.fixes === 0) break;
    text = applyEdits(text, all.edits);
    fixed += all.fixes;
  }
  return { text, fixed };
}
