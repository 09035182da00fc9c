// Workflow templates: workflow files whose inputs are asked when a new workflow is made from them. The answers
// become the new file's input defaults; its comments and layout stay as the template wrote them.
import { isScalar } from 'yaml';
import type { TextEdit } from './diagnostics';
import { applyEdits } from './edits/actions';
import { addMapEntry } from './edits/mapEntry';
import { flowValue } from './edits/yamlText';
import { buildWorkflow, type InputSpec, type Scalar } from './model';
import { locate, parseWorkflowText, type PathSegment } from './validation/document';
import { buildIndex } from './workflowIndex';
import { validateWorkflow } from './validation/validate';
import { copyNodes } from './edits/clipboard';

export interface TemplateInfo {
  name: string;
  description?: string;
  inputs: InputSpec[];
  nodes: number;
}

/** What a template file says about itself; undefined when it is not a workflow that parses. */
export function templateInfo(text: string): TemplateInfo | undefined {
  const parsed = parseWorkflowText(text);
  if (parsed.doc.errors.length || parsed.value === undefined || parsed.value === null) return undefined;
  const spec = buildWorkflow(parsed.value);
  if (!spec.nodes.length) return undefined;
  return { name: spec.name, description: spec.description, inputs: Object.values(spec.inputs), nodes: spec.nodes.length };
}

/** The template as a new workflow: its name, and the answers as the inputs' defaults; every other byte as it was. */
export function instantiate(text: string, options: { name?: string; answers?: Record<string, Scalar> }): string {
  const parsed = parseWorkflowText(text);
  const edits: TextEdit[] = [];
  const replace = (path: PathSegment[], value: Scalar): boolean => {
    const at = locate(parsed, path);
    const range = at.exact && isScalar(at.node) ? at.node.range : undefined;
    if (range) edits.push({ span: { start: range[0], end: range[1] }, newText: flowValue(value) });
    return range !== undefined;
  };
  if (options.name !== undefined && !replace(['name'], options.name)) {
    const added = addMapEntry(parsed, [], 'name', flowValue(options.name));
    if (added) edits.push(added);
  }
  for (const [name, value] of Object.entries(options.answers ?? {})) {
    if (replace(['inputs', name, 'default'], value)) continue;
    const added = addMapEntry(parsed, ['inputs', name], 'default', flowValue(value));
    if (added) edits.push(added);
  }
  return applyEdits(text, edits);
}

/** The template's nodes as clipboard text, to paste into another workflow. */
export function templateNodes(text: string): { text: string } | { error: string } {
  const index = buildIndex(validateWorkflow(text));
  return copyNodes(index, [...index.byId.keys()]);
}
