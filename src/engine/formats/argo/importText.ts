// Argo's `{{ }}` variables back in our words: in a script `${{ nodes.build.outputs.v }}`, in a condition the bare
// reference. A template's own input parameters are first replaced by the arguments its task gives them.

import type { NeededTasks } from './depends';
import { expressionString, fromArgoExpression } from './exprLang';
import type { ImportedSecrets } from './secrets';
export interface ArgoTextScope {
  /** Our node id by Argo task name. */
  ids: Map<string, string>;
  /** The task's arguments by parameter name (the template's defaults under them). */
  arguments: Map<string, string>;
  notes: string[];
  /** The workflow's boolean inputs: Argo compares their text with 'true', ours their value. */
  booleanInputs: ReadonlySet<string>;
  /** The secret inputs the scripts' env read from Kubernetes Secrets. */
  secrets: ImportedSecrets;
  /** The tasks whose standard output is read, by task name, with the output it is (see `stdoutAs`). */
  results: ReadonlyMap<string, string>;
  /** What the dag says of the tasks a task may need. */
  neededTasks: NeededTasks;
  /** The matrix key `{{item}}` reads: `item`, unless a withParam's plain values were exported from another key. */
  itemKey?: string;
}

const VARIABLE = /\{\{\s*([^{}]+?)\s*\}\}/g;

/** One Argo variable as our reference, or undefined when it has none. */
export function argoReference(variable: string, scope: ArgoTextScope): string | undefined {
  const parts = variable.split('.');
  if (parts[0] === 'workflow' && parts[1] === 'parameters' && parts.length === 3) return `inputs.${parts[2]}`;
  if (variable === 'workflow.uid') return 'run.id';
  if (variable === 'item') return `matrix.${scope.itemKey ?? 'item'}`;
  if (parts[0] === 'item' && parts.length === 2) return `matrix.${parts[1]}`;
  if (parts[0] === 'tasks' && parts[2] === 'outputs' && parts[3] === 'result' && parts.length === 4) {
    const id = scope.ids.get(parts[1]);
    const output = scope.results.get(parts[1]);
    return id && output ? `nodes.${id}.outputs.${output}` : undefined;
  }
  if (parts[0] === 'tasks' && parts[2] === 'outputs' && parts[3] === 'parameters' && parts.length === 5) {
    const id = scope.ids.get(parts[1]);
    return id ? `nodes.${id}.outputs.${parts[4]}` : undefined;
  }
  return undefined;
}

/** A template's text with its input parameters replaced by the task's arguments. */
export function withArguments(text: string, scope: ArgoTextScope): string {
  return text.replace(VARIABLE, (whole, variable: string) => {
    const m = /^inputs\.parameters\.(.+)$/.exec(variable);
    return m && scope.arguments.has(m[1]) ? scope.arguments.get(m[1])! : whole;
  });
}

/**
 * A name with Argo variables (a mutex's) as ours: each variable as `${{ reference }}` where its reference's root is one
 * of `roots`; undefined where one is not. Without a template's scope, only the workflow's parameters are read.
 */
export function fromArgoName(text: string, scope: ArgoTextScope | undefined, roots: readonly string[]): string | undefined {
  let every = true;
  const out = (scope ? withArguments(text, scope) : text).replace(VARIABLE, (whole, variable: string) => {
    const parameter = /^workflow\.parameters\.([^.]+)$/.exec(variable)?.[1];
    const ref = scope ? argoReference(variable, scope) : parameter !== undefined ? `inputs.${parameter}` : undefined;
    if (ref === undefined || !roots.includes(ref.split('.')[0])) every = false;
    return ref === undefined ? whole : `\${{ ${ref} }}`;
  });
  return every ? out : undefined;
}

/** What a variable of an Argo expression is in ours: a reference, or a literal the task's argument gives it. */
function expressionVariable(name: string, scope: ArgoTextScope): string | undefined {
  if (name === 'workflow.status') return WORKFLOW_STATUS;
  const parameter = /^inputs\.parameters\.(.+)$/.exec(name)?.[1];
  if (parameter === undefined) return argoReference(name, scope);
  const argument = scope.arguments.get(parameter);
  return argument === undefined ? undefined : argumentExpression(argument, scope);
}

/**
 * A task's argument as an expression of ours: a literal, the reference its one variable is, or a format() of its
 * text and variables (`v-{{workflow.parameters.env}}` is `format('v-{0}', inputs.env)`); undefined where a variable
 * has no counterpart.
 */
function argumentExpression(argument: string, scope: ArgoTextScope): string | undefined {
  const one = (variable: string): string | undefined => {
    if (variable.startsWith('=')) {
      // The task's own inputs are its caller's, which this scope does not have.
      const inner = fromArgoExpression(variable.slice(1), (name) => (name.startsWith('inputs.') ? undefined : expressionVariable(name, scope)));
      return 'expression' in inner ? `(${inner.expression})` : undefined;
    }
    return variable === 'workflow.status' ? WORKFLOW_STATUS : argoReference(variable, scope);
  };
  const pieces = [...argument.matchAll(VARIABLE)];
  if (!pieces.length) return expressionString(argument);
  if (pieces.length === 1 && pieces[0][0] === argument.trim()) return one(pieces[0][1]);
  const values = pieces.map((p) => one(p[1]));
  if (values.some((v) => v === undefined)) return undefined;
  let k = 0;
  const format = argument.replace(/[{}]/g, '$&$&').replace(/\{\{\{\{\s*([^{}]+?)\s*\}\}\}\}/g, () => `{${k++}}`);
  return `format(${expressionString(format)}, ${values.join(', ')})`;
}

/** An Argo expression (`{{=…}}`'s) as ours, or undefined after noting why it has none. */
function fromArgoExpressionNoted(source: string, scope: ArgoTextScope, where: string): string | undefined {
  const result = fromArgoExpression(source, (name) => expressionVariable(name, scope));
  if ('expression' in result) return withBooleanInputs(result.expression, scope);
  scope.notes.push(`${where} uses the Argo expression {{=${source}}}, which has no local counterpart: ${result.problem}`);
  return undefined;
}

/** A script, env value or name: every variable as `${{ reference }}`; one with no counterpart is noted and kept. */
export function fromArgoText(text: string, scope: ArgoTextScope, where: string): string {
  return withArguments(text, scope).replace(VARIABLE, (whole, variable: string) => {
    if (variable.startsWith('=')) {
      const expression = fromArgoExpressionNoted(variable.slice(1), scope, where);
      return expression === undefined ? whole : `\${{ ${expression} }}`;
    }
    const ref = argoReference(variable, scope);
    if (ref) return `\${{ ${ref} }}`;
    scope.notes.push(`${where} uses the Argo variable {{${variable}}}, which has no local value`);
    return whole;
  });
}

/**
 * Argo reads a bare word in a `when` as a string (it turns govaluate's variables, of which it has none, into
 * strings): `{{tasks.flip.outputs.result}} == heads`. Quoted text and `{{ }}` are left as they are; `true` and
 * `false` stay booleans.
 */
function quoteBareWords(when: string): string {
  return when
    .split(/('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|\{\{[^{}]*\}\})/)
    .map((part, i) => (i % 2 ? part : part.replace(/(?<![\w.])[A-Za-z_][\w.]*(?![\w.(])/g, (w) => (/^(true|false)$/i.test(w) ? w : `'${w}'`))))
    .join('');
}

/** How the run went, as Argo's `{{workflow.status}}` tells it to an exit handler (a stopped workflow failed). */
const WORKFLOW_STATUS = "((failure() || cancelled()) && 'Failed' || 'Succeeded')";

/**
 * A `when` as our condition: variables (quoted or not) become references, "strings" single-quoted. Argo's
 * expressions share ==, !=, &&, || and ! with ours; what else they use is left for the validator to name.
 */
export function fromArgoWhen(when: string, scope: ArgoTextScope, where: string): string {
  const expression = /^\s*\{\{=([^]*)\}\}\s*$/.exec(when)?.[1];
  if (expression !== undefined) return fromArgoExpressionNoted(expression, scope, `${where}'s condition`) ?? when;
  const replaced = quoteBareWords(withArguments(when, scope)).replace(/(['"]?)\{\{\s*([^{}]+?)\s*\}\}\1/g, (whole, _q: string, variable: string) => {
    if (variable === 'workflow.status') return WORKFLOW_STATUS;
    const ref = argoReference(variable, scope);
    if (ref) return ref;
    scope.notes.push(`${where}'s condition uses the Argo variable {{${variable}}}, which has no local value`);
    return whole;
  });
  const quoted = replaced.replace(/"((?:[^"\\]|\\.)*)"/g, (_, s: string) => `'${s.replace(/'/g, "''")}'`).replace(/\\'/g, "''");
  return withBooleanInputs(quoted, scope);
}

/** A boolean input compared with 'true' or 'false' (Argo compares its text) as the input's value, or its negation. */
function withBooleanInputs(condition: string, scope: ArgoTextScope): string {
  return condition.replace(/\binputs\.([\w-]+) (==|!=) '(true|false)'/g, (whole, name: string, op: string, value: string) => {
    if (!scope.booleanInputs.has(name)) return whole;
    return (op === '==') === (value === 'true') ? `inputs.${name}` : `!inputs.${name}`;
  });
}
