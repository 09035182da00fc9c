import schema from '../../../schemas/workflow.schema.json';

type SchemaNode = {
  description?: string;
  markdownDescription?: string;
  properties?: Record<string, SchemaNode>;
  $ref?: string;
  enum?: unknown[];
  anyOf?: SchemaNode[];
  examples?: unknown[];
  type?: string | string[];
};

const definitions = (schema as { definitions: Record<string, SchemaNode> }).definitions;
const deref = (s: SchemaNode | undefined): SchemaNode | undefined =>
  s?.$ref ? { ...definitions[s.$ref.replace('#/definitions/', '')], ...s, $ref: undefined } : s;

/** The schema of the object at a key path (`['nodes', 'build', 'retry']`), following the workflow's structure. */
export function schemaAt(path: readonly string[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = schema;
  for (let i = 0; i < path.length && node; i++) {
    const key = path[i];
    const parent: readonly string[] = path.slice(0, i);
    if (parent.length === 1 && (parent[0] === 'nodes' || parent[0] === 'inputs')) {
      node = parent[0] === 'nodes' ? definitions.node : definitions.input;
      continue;
    }
    node = deref(node.properties?.[key]);
    // `retry` is a number or an object: its properties are the object's.
    if (node?.anyOf) node = node.anyOf.map(deref).find((b) => b?.properties) ?? node;
  }
  return node;
}

/** The properties allowed at a key path, with their documentation. */
export function propertiesAt(path: readonly string[]): { name: string; doc: string; schema: SchemaNode }[] {
  if (path.length === 1 && (path[0] === 'nodes' || path[0] === 'inputs' || path[0] === 'env')) return [];
  const s = schemaAt(path);
  return Object.entries(s?.properties ?? {}).map(([name, p]) => {
    const d = deref(p)!;
    return { name, doc: d.markdownDescription ?? d.description ?? '', schema: d };
  });
}

/** Documentation of the property at a key path, for hovers. */
export function propertyDoc(path: readonly string[]): string | undefined {
  if (path.length === 2 && path[0] === 'nodes') return undefined;
  const s = schemaAt(path);
  if (!s) return undefined;
  const examples = s.examples?.length ? `\n\nExample: \`${JSON.stringify(s.examples[0])}\`` : '';
  return (s.markdownDescription ?? s.description ?? '') + examples;
}

export function enumAt(path: readonly string[]): string[] | undefined {
  const s = schemaAt(path);
  return s?.enum?.map(String);
}
