// The targets' own validators: GitHub's workflow parser, and Argo's published JSON schema made strict (Kubernetes
// rejects unknown fields of Argo's resources; the published schema does not say so).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import Ajv from 'ajv/dist/2020';
import { parse } from 'yaml';

export async function githubErrors(text: string): Promise<string[]> {
  const parsed = parseWorkflow({ name: 'exported.yml', content: text }, new NoOperationTraceWriter());
  if (parsed.value && parsed.context.errors.count === 0) await convertWorkflowTemplate(parsed.context, parsed.value);
  return parsed.context.errors.getErrors().map((e) => e.message);
}

type Schema = Record<string, unknown>;

function strict(schema: Schema): Schema {
  const definitions = schema.definitions as Record<string, Schema>;
  for (const [name, def] of Object.entries(definitions)) {
    if (name.startsWith('io.argoproj.workflow.') && def.properties && def.additionalProperties === undefined) def.additionalProperties = false;
  }
  return schema;
}

let validate: (((data: unknown) => boolean) & { errors?: unknown }) | undefined;

export function argoErrors(text: string): string[] {
  if (!validate) {
    const schema = strict(JSON.parse(readFileSync(join(__dirname, '..', '..', 'data', 'argo-workflows', 'schema.json'), 'utf8')) as Schema);
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    validate = ajv.compile(schema);
  }
  const doc = parse(text) as unknown;
  const ok = validate(doc);
  const schemaErrors = ok ? [] : ((validate.errors ?? []) as { instancePath: string; message?: string }[]).map((e) => `${e.instancePath} ${e.message ?? ''}`);
  return [...schemaErrors, ...dagRuleErrors(doc)];
}

type DagTask = { name?: string; depends?: unknown; dependencies?: unknown; continueOn?: unknown };

/**
 * What Argo's controller checks of a dag beyond its schema (workflow/validate in argo-workflows): no template mixes
 * `depends` and `dependencies`, no `continueOn` beside `depends`, and no task name starting with a digit.
 */
function dagRuleErrors(doc: unknown): string[] {
  const templates = (doc as { spec?: { templates?: { name?: string; dag?: { tasks?: DagTask[] } }[] } }).spec?.templates ?? [];
  return templates.flatMap(({ name, dag }) => {
    const tasks = dag?.tasks ?? [];
    const usingDepends = tasks.some((t) => t.depends !== undefined && t.depends !== '');
    return tasks.flatMap((t) => [
      ...(usingDepends && Array.isArray(t.dependencies) && t.dependencies.length ? [`templates.${name} cannot use both 'depends' and 'dependencies'`] : []),
      ...(usingDepends && t.continueOn !== undefined ? [`templates.${name} cannot use 'continueOn' when using 'depends'`] : []),
      ...(/^[0-9]/.test(String(t.name)) ? [`templates.${name}.tasks.${t.name} name cannot begin with a digit`] : []),
    ]);
  });
}
