// Secret inputs in Argo: a Kubernetes Secret, named after the workflow, holds one key per secret input; a script
// template reads one through its env (`valueFrom.secretKeyRef`), the only way Argo hands a Secret's value to a step.
import type { InputSpec, WorkflowSpec } from '../../model';
import { findTemplates } from '../../expressions/template';
import { unusedName } from '../importTypes';
import { wholeReference } from './variables';

/** The Secret an exported workflow's secret inputs come from: `<workflow slug>-secrets`. */
export const secretNameFor = (workflowSlug: string): string => `${workflowSlug}-secrets`;

/** The input a value is whole (`${{ inputs.token }}`, its context in any case), when it is a secret one. */
export function wholeSecretInput(value: string, spec: WorkflowSpec): InputSpec | undefined {
  const parts = findTemplates(value);
  const only = parts.length === 1 && value.trim() === value.slice(parts[0].span.start, parts[0].span.end) ? wholeReference(parts[0]) : undefined;
  if (only?.length !== 2 || only[0].toLowerCase() !== 'inputs') return undefined;
  return Object.values(spec.inputs).find((i) => i.secret && i.name.toLowerCase() === only[1].toLowerCase());
}

/** The header's lines that say which Secret to create, with which keys. */
export function secretHeader(spec: WorkflowSpec, secretName: string): string[] {
  const keys = Object.values(spec.inputs).filter((i) => i.secret);
  if (!keys.length) return [];
  const literals = keys.map((i) => `--from-literal=${i.name}=…`).join(' ');
  return [`Its secret inputs come from the Kubernetes Secret '${secretName}': kubectl create secret generic ${secretName} ${literals}`];
}

/** An env entry's `valueFrom.secretKeyRef`: the Secret and key it reads, and whether the Secret may lack it. */
export function secretKeyRefOf(entry: Record<string, unknown>): { secret: string; key: string; optional: boolean } | undefined {
  const from = entry.valueFrom;
  const ref = typeof from === 'object' && from !== null ? (from as Record<string, unknown>).secretKeyRef : undefined;
  if (typeof ref !== 'object' || ref === null) return undefined;
  const { name, key, optional } = ref as Record<string, unknown>;
  return typeof key === 'string' && key ? { secret: typeof name === 'string' ? name : '', key, optional: optional === true } : undefined;
}

/** The secret inputs an import declares, one per key of a Secret that a script's env reads. */
export class ImportedSecrets {
  private readonly byKey = new Map<string, { name: string; secret: string; key: string; optional: boolean }>();

  /** `taken`: the names of the workflow's other inputs. */
  constructor(private readonly taken: ReadonlySet<string>) {}

  /** The input that stands for a key of a Secret (a Secret's key may hold '.', which an input name may not). */
  inputFor(ref: { secret: string; key: string; optional: boolean }): string {
    const known = this.byKey.get(`${ref.secret}/${ref.key}`);
    if (known) return known.name;
    const base = ref.key.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^(?=[^A-Za-z_])/, '_');
    const name = unusedName(new Set([...this.taken, ...[...this.byKey.values()].map((v) => v.name)]), base);
    this.byKey.set(`${ref.secret}/${ref.key}`, { name, ...ref });
    return name;
  }

  /** The inputs to declare. */
  declarations(): Record<string, Record<string, unknown>> {
    return Object.fromEntries(
      [...this.byKey.values()].map(({ name, secret, key, optional }) => [
        name,
        { type: 'string', ...(optional ? {} : { required: true }), secret: true, description: `the key '${key}' of the Kubernetes Secret '${secret}'` },
      ]),
    );
  }
}
