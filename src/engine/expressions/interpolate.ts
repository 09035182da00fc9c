import { evaluate, toText, type EvaluationScope } from './evaluate';
import { findTemplates } from './template';

/** An expression's source as a message quotes it. */
const clip = (source: string): string => (source.length > 80 ? `${source.slice(0, 77)}…` : source);

/** Fills in every `${{ }}` of a text. Throws with the expression quoted when one cannot be evaluated. */
export function interpolate(text: string, scope: EvaluationScope): string {
  if (!text.includes('${{')) return text;
  let out = '';
  let last = 0;
  for (const part of findTemplates(text)) {
    if (part.error) throw new Error(`invalid expression '${clip(part.source.trim())}': ${part.error.message}`);
    let value: string;
    try {
      value = toText(evaluate(part.parsed!.expr, scope));
    } catch (e) {
      // A value nested too deeply to walk (fromJSON of a deep document) overflows the stack.
      if (e instanceof RangeError) throw new Error(`expression '${clip(part.source.trim())}': ${e.message} (a value nested too deeply?)`);
      throw e;
    }
    out += text.slice(last, part.span.start) + value;
    last = part.span.end;
  }
  return out + text.slice(last);
}
