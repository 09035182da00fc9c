// Our `${{ }}` references as Argo's `{{ }}` variables. Inside a template only its input parameters, the workflow's
// parameters and globals can be read, so values from a task (matrix items, other nodes' outputs) come in as
// arguments of the task; in a task's `when`, they are read directly.
import { matrixKeys, matrixValuesOf } from '../../matrix';
import { hasMatrix, type NodeSpec, type WorkflowSpec } from '../../model';
import { collectReferences } from '../../expressions/references';
import { findTemplates, hasTemplate, type TemplatePart } from '../../expressions/template';
import { paramFanOutOf } from './fanOut';

export type ValueKind = 'string' | 'number' | 'boolean';

export interface VariableScope {
  spec: WorkflowSpec;
  node: NodeSpec;
  /** Argo task names by node id. */
  names: Map<string, string>;
  /** Input parameters of the node's template, with the task argument that fills each. */
  parameters: Map<string, string>;
  /** The Kubernetes Secret the workflow's secret inputs come from. */
  secretName: string;
}

type Variable = { text: string; kind: ValueKind } | { problem: string };

const find = <T extends { id: string }>(items: readonly T[], id: string) => items.find((n) => n.id.toLowerCase() === id.toLowerCase());

/** One reference as an Argo variable: in a template (`inTask` false) or in its task's `when` (`inTask` true). */
export function argoVariable(segments: readonly string[], scope: VariableScope, inTask: boolean): Variable {
  const [root, second, third, fourth] = segments;
  const context = root.toLowerCase();
  if (context === 'inputs' && second) return inputVariable(segments, scope.spec);
  if (context === 'matrix' && second && segments.length === 2) {
    const matrix = scope.node.matrix;
    // A matrix made at run time is withParam's item: a plain value under its one key, else a map's value.
    if (scope.node.matrixTemplate !== undefined) {
      const plainKey = paramFanOutOf(scope.node.matrixTemplate)?.key;
      const item = plainKey !== undefined && plainKey.toLowerCase() === second.toLowerCase() ? '{{item}}' : `{{item.${second}}}`;
      return { text: inTask ? item : parameter(scope, `matrix-${second}`, item), kind: 'string' };
    }
    const key = matrix && matrixKeys(matrix).find((k) => k.toLowerCase() === second.toLowerCase());
    if (!matrix || !key) return { problem: `'matrix.${second}' is not a matrix key of this node` };
    const first = matrixValuesOf(matrix, key)[0];
    const kind = typeof first === 'number' ? 'number' : typeof first === 'boolean' ? 'boolean' : 'string';
    return { text: inTask ? `{{item.${key}}}` : parameter(scope, `matrix-${key}`, `{{item.${key}}}`), kind };
  }
  if (context === 'nodes' && second && third?.toLowerCase() === 'outputs' && fourth && segments.length === 4) {
    const read = find(scope.spec.nodes, second);
    if (!read) return { problem: `'${segments.join('.')}' reads a node that does not exist` };
    if (hasMatrix(read)) return { problem: `'${segments.join('.')}' reads every instance of a matrix node, which Argo gives as one JSON list` };
    const task = scope.names.get(read.id)!;
    // The standard output is Argo's `result`.
    const source = read.stdoutAs === fourth ? `{{tasks.${task}.outputs.result}}` : `{{tasks.${task}.outputs.parameters.${fourth}}}`;
    return { text: inTask ? source : parameter(scope, `${task}-${fourth}`, source), kind: 'string' };
  }
  if (context === 'run' && second === 'id' && segments.length === 2) return { text: '{{workflow.uid}}', kind: 'string' };
  if (context === 'env' && second && segments.length === 2) {
    const value = scope.node.env[second] ?? scope.spec.env[second];
    if (value !== undefined && !hasTemplate(value)) return { text: value, kind: 'string' };
    return { problem: `'env.${second}' is not a plain value of the workflow's or the node's env` };
  }
  return { problem: `'${segments.join('.')}' has no Argo Workflows counterpart` };
}

/** `inputs.<name>`: the workflow's parameter (a secret input is not one). */
function inputVariable(segments: readonly string[], spec: WorkflowSpec): Variable {
  const input = Object.values(spec.inputs).find((i) => i.name.toLowerCase() === segments[1]?.toLowerCase());
  if (segments[0].toLowerCase() !== 'inputs' || !input || segments.length > 2) return { problem: `'${segments.join('.')}' is not an input of the workflow` };
  if (input.secret)
    return { problem: `'${segments.join('.')}' is secret: Argo gives a Secret's value to a step only through env (write it as an env value of its own)` };
  return { text: `{{workflow.parameters.${input.name}}}`, kind: input.type };
}

function parameter(scope: VariableScope, name: string, argument: string): string {
  const safe = name.replace(/[^A-Za-z0-9-]/g, '-');
  scope.parameters.set(safe, argument);
  return `{{inputs.parameters.${safe}}}`;
}

/** The segments of the one reference a `${{ }}` is, written whole (no call, no operator); undefined otherwise. */
export function wholeReference(part: TemplatePart): string[] | undefined {
  const refs = part.parsed ? collectReferences(part.parsed) : undefined;
  const only = refs && refs.calls.length === 0 && refs.refs.length === 1 ? refs.refs[0] : undefined;
  const whole = only && part.source.trim() === part.source.slice(only.segments[0].span.start, only.segments[only.segments.length - 1].span.end);
  return whole ? only.segments.map((s) => s.name) : undefined;
}

/**
 * A text with `${{ }}` (a script, an env value, a prompt) in Argo's variables. Only an expression that is one
 * reference translates; anything else (`${{ format(…) }}`, `${{ a || b }}`) is a problem.
 */
export function argoText(text: string, scope: VariableScope, problems: string[]): string {
  return argoTextOf(text, (segments) => argoVariable(segments, scope, false), problems);
}

/** A text of the workflow's own, where only its inputs can be read (its mutex), in Argo's variables. */
export function workflowArgoText(text: string, spec: WorkflowSpec, problems: string[]): string {
  return argoTextOf(text, (segments) => inputVariable(segments, spec), problems);
}

function argoTextOf(text: string, variableOf: (segments: readonly string[]) => Variable, problems: string[]): string {
  const parts = findTemplates(text);
  let out = '';
  let from = 0;
  for (const part of parts) {
    out += text.slice(from, part.span.start);
    from = part.span.end;
    const segments = wholeReference(part);
    if (!segments) {
      const calls = part.parsed ? [...new Set(collectReferences(part.parsed).calls.map((c) => `${c.name}()`))] : [];
      const what = calls.length ? `calls ${calls.join(', ')}` : 'is more than one reference';
      problems.push(`'\${{${part.source}}}' ${what}: Argo substitutes variables, it does not evaluate expressions`);
      out += text.slice(part.span.start, part.span.end);
      continue;
    }
    const variable = variableOf(segments);
    if ('problem' in variable) {
      problems.push(variable.problem);
      out += text.slice(part.span.start, part.span.end);
    } else out += variable.text;
  }
  return out + text.slice(from);
}
