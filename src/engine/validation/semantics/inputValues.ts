import type { InputSpec } from '../../model';
import { readInputValue } from '../../inputValue';

/** What is wrong with a `with:` value for an input, when it has no expression to decide it at run time. */
export function inputValueProblem(spec: InputSpec, text: string): string | undefined {
  if (text.includes('${{')) return undefined;
  const read = readInputValue(spec, text);
  return 'error' in read ? read.error : undefined;
}
