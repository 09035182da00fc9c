// A matrix made at run time as Argo's `withParam`, and back. Argo fans a task out over a JSON list known when the
// task is reached: a list of maps is a matrix of `include` entries (`{{item.k}}`), a list of plain values a matrix
// of one key (`{{item}}`). The list is another task's output parameter or a workflow parameter, read with fromJSON.
import { isObject } from '../../json';
import type { NodeSpec } from '../../model';

/** The one list a matrix made at run time fans out over, and the key its plain values go under (none: maps). */
export interface ParamFanOut {
  /** What fromJSON reads: `nodes.plan.outputs.list`, `inputs.shards`. */
  segments: string[];
  /** For plain values, the matrix key they are; undefined for a list of maps (`include`). */
  key?: string;
}

const FROM_JSON = /^\s*\$\{\{\s*fromjson\(\s*([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\s*\)\s*\}\}\s*$/i;

/** The fan-out a matrix made at run time is, where it is one list from one reference; undefined for any other. */
export function paramFanOutOf(template: NodeSpec['matrixTemplate']): ParamFanOut | undefined {
  if (!isObject(template)) return undefined;
  const entries = Object.entries(template);
  if (entries.length !== 1 || typeof entries[0][1] !== 'string') return undefined;
  const [key, value] = entries[0] as [string, string];
  const m = FROM_JSON.exec(value);
  if (!m || key === 'exclude') return undefined;
  return { segments: m[1].split('.'), ...(key === 'include' ? {} : { key }) };
}

/** How an imported task's `withParam` reads in our words, as the matrix it makes; `itemKey` for plain values. */
export function matrixOfParam(reference: string, itemKey: string | undefined): Record<string, string> {
  return { [itemKey ?? 'include']: `\${{ fromJSON(${reference}) }}` };
}
