// A list of names typed in one field (`db, port-${{ matrix.port }}`): split on commas and spaces, but not inside a
// `${{ … }}`, whose expression may have both (`deploy-${{ format('{0}-{1}', inputs.a, inputs.b) }}`).
import { templateClose } from '../../engine/expressions/templateClose';

/** The names in the text, in order; an unclosed `${{` keeps the rest of the text in its name. */
export function splitNames(text: string): string[] {
  const names: string[] = [];
  let current = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('${{', i)) {
      const end = templateEnd(text, i + 3);
      current += text.slice(i, end);
      i = end;
    } else if (/[,\s]/.test(text[i])) {
      if (current) names.push(current);
      current = '';
      i++;
    } else {
      current += text[i++];
    }
  }
  if (current) names.push(current);
  return names;
}

/** The names as one field's text, which `splitNames` reads back. */
export function joinNames(names: readonly string[]): string {
  return names.join(', ');
}

/** Where the `${{` whose expression starts at `from` ends: after its `}}`, or at the end of an unclosed one. */
function templateEnd(text: string, from: number): number {
  const close = templateClose(text, from);
  return close < 0 ? text.length : close + 2;
}
