// Checks of single fields that the schema cannot make: timeouts of zero and timeouts that would be ignored,
// a standard output where there is none, artifacts outside the node's folder, sub-workflows and their inputs, the workflow's own inputs.
import { isMap, isScalar } from 'yaml';
import { artifactOutsideFolder } from '../../artifactPaths';
import type { TextEdit } from '../../diagnostics';
import { INPUT_NAME } from '../../edits/action';
import { removePair } from '../../edits/pairs';
import { parseDuration } from '../../duration';
import { isObject } from '../../json';
import { MAX_SUB_WORKFLOW_DEPTH, type InputSpec, type NodeSpec } from '../../model';
import type { PathSegment } from '../document';
import { givenHint, listed, rawAt, reportScriptOnly, type SemanticContext } from './context';
import { inputValueProblem } from './inputValues';

export function checkTimeouts(ctx: SemanticContext): void {
  const timeoutPaths: PathSegment[][] = [['timeout'], ['defaults', 'timeout']];
  for (const [id, raw] of Object.entries(ctx.rawNodes)) {
    timeoutPaths.push(['nodes', id, 'timeout']);
    if (isObject(raw) && isObject(raw.approval)) timeoutPaths.push(['nodes', id, 'approval', 'timeout']);
  }
  for (const at of timeoutPaths) {
    const value = rawAt(ctx, at);
    // A bare number in a string is the schema's to report.
    const valid = typeof value === 'number' || (typeof value === 'string' && !/^\s*[\d.]+\s*$/.test(value));
    if (valid && parseDuration(value) === 0) {
      ctx.report({
        span: ctx.spanAt(at),
        severity: 'error',
        code: 'invalid-duration',
        message: 'a timeout of 0 would end it before it starts: give a positive duration, or leave the timeout out',
      });
    }
  }
  checkGateTimeouts(ctx);
}

/** An approval gate waits for `approval.timeout` alone: a node `timeout` on it, or `defaults.timeout`, would be ignored. */
function checkGateTimeouts(ctx: SemanticContext): void {
  const gates = ctx.workflow.nodes.filter((n) => n.kind === 'approval');
  for (const gate of gates) {
    if (rawAt(ctx, ['nodes', gate.id, 'timeout']) === undefined) continue;
    ctx.report({
      span: ctx.spanAt(['nodes', gate.id, 'timeout'], 'key'),
      severity: 'error',
      code: 'ignored-setting',
      message: `'${gate.id}' is an approval gate: it waits for approval.timeout, not timeout — write it as approval: { timeout: … }`,
    });
  }
  const unbounded = gates.filter((g) => g.approval?.timeoutMs === undefined).map((g) => g.id);
  if (rawAt(ctx, ['defaults', 'timeout']) !== undefined && unbounded.length > 0) {
    ctx.report({
      span: ctx.spanAt(['defaults', 'timeout'], 'key'),
      severity: 'warning',
      code: 'ignored-setting',
      message: `defaults.timeout does not bound approval gates (${listed(unbounded)} wait until someone answers): give them approval.timeout`,
    });
  }
}

/** `stdoutAs` reads the standard output of a script: an approval gate or a sub-workflow node prints none. */
export function checkStdoutAs(ctx: SemanticContext): void {
  for (const node of ctx.workflow.nodes) {
    if (node.stdoutAs === undefined || node.kind === 'run') continue;
    reportScriptOnly(ctx, node, 'stdoutAs', "its nodes' outputs are its file's to give", 'only a node that runs a script has a standard output');
  }
}

/**
 * A mutex is held by an attempt of a script: a gate runs none, and a sub-workflow's nodes hold their own. A node
 * cannot name a mutex its run holds: it would wait for its own run.
 */
export function checkMutex(ctx: SemanticContext): void {
  const runHolds = new Set(ctx.workflow.mutex ?? []);
  for (const node of ctx.workflow.nodes) {
    if (node.kind !== 'run' && rawAt(ctx, ['nodes', node.id, 'mutex']) !== undefined)
      reportScriptOnly(ctx, node, 'mutex', 'give mutex to the nodes of its file', 'only an attempt of a script holds a mutex');
    const own = node.mutex?.find((name) => runHolds.has(name));
    if (own !== undefined)
      ctx.report({
        span: ctx.spanAt(['nodes', node.id, 'mutex']),
        severity: 'error',
        code: 'mutex-of-run',
        message: `'${node.id}' names the mutex ${own}, which its run holds (the workflow's mutex): it would wait for its own run — remove it from the node`,
      });
  }
}

/** Artifacts are paths inside the node's folder: an absolute path or one that climbs out with `..` finds nothing. */
export function checkArtifacts(ctx: SemanticContext): void {
  for (const node of ctx.workflow.nodes) {
    node.artifacts.forEach((pattern, i) => {
      if (pattern.includes('${{')) return;
      const why = artifactOutsideFolder(pattern);
      if (!why) return;
      const raw = rawAt(ctx, ['nodes', node.id, 'artifacts']);
      ctx.report({
        span: ctx.spanAt(Array.isArray(raw) ? ['nodes', node.id, 'artifacts', i] : ['nodes', node.id, 'artifacts']),
        severity: 'error',
        code: 'invalid-artifact',
        message: `artifact '${pattern}' ${why}: artifacts are paths or globs relative to the node's cwd (set cwd to where the files are)`,
      });
    });
  }
}

/** Sub-workflows: the file exists, and `with:` gives the inputs it declares, of the right types. */
export function checkSubWorkflows(ctx: SemanticContext): void {
  const { fileExists, workflowInputs, workflowOutputs, runsThisFileAgain, subWorkflowNesting } = ctx.options;
  for (const node of ctx.workflow.nodes) {
    if (node.workflow === undefined) continue;
    const loop = runsThisFileAgain?.(node.workflow);
    if (loop) {
      ctx.report({
        span: ctx.spanAt(['nodes', node.id, 'workflow']),
        severity: 'error',
        code: 'recursive-workflow',
        message: recursionMessage(node.id, loop),
      });
      continue;
    }
    if (fileExists && !fileExists(node.workflow)) {
      ctx.report({
        span: ctx.spanAt(['nodes', node.id, 'workflow']),
        severity: 'error',
        code: 'missing-workflow',
        message: `sub-workflow '${node.workflow}' does not exist (paths are relative to this file's folder)`,
      });
      continue;
    }
    const nesting = subWorkflowNesting?.(node.workflow);
    if (nesting !== undefined && nesting + 1 > MAX_SUB_WORKFLOW_DEPTH) {
      ctx.report({
        span: ctx.spanAt(['nodes', node.id, 'workflow']),
        severity: 'error',
        code: 'nested-too-deep',
        message: `node '${node.id}' runs ${node.workflow}, whose sub-workflows nest ${nesting + 1} workflow files deep with this one: a run nests at most ${MAX_SUB_WORKFLOW_DEPTH}, and would fail there`,
      });
    }
    const inputs = workflowInputs?.(node.workflow);
    if (inputs) checkWith(ctx, node, inputs);
    const outputs = workflowOutputs?.(node.workflow);
    if (outputs) checkListedOutputs(ctx, node, outputs);
  }
}

/** A sub-workflow node's `outputs`: names a node of the file it runs declares or writes, as written (a sub-run's are picked by name). */
function checkListedOutputs(ctx: SemanticContext, node: NodeSpec, given: readonly string[]): void {
  const raw = rawAt(ctx, ['nodes', node.id, 'outputs']);
  if (!Array.isArray(raw)) return;
  raw.forEach((name: unknown, i) => {
    if (typeof name !== 'string' || given.includes(name)) return;
    const span = ctx.spanAt(['nodes', node.id, 'outputs', i]);
    const meant = ctx.suggest.closest(name, given);
    // Written as it is (a plain scalar), the entry can be changed to the name meant.
    const fixable = meant !== undefined && INPUT_NAME.test(meant) && ctx.parsed.text.slice(span.start, span.end) === name;
    ctx.report({
      span,
      severity: 'warning',
      code: 'undeclared-output',
      message: `${node.workflow} gives no output '${name}': none of its nodes declares or writes it, so '${node.id}' would have no value for it${givenHint(given, meant)}`,
      ...(fixable ? { fixes: [{ title: `Change to '${meant}'`, edits: [{ span, newText: meant }] }] } : {}),
    });
  });
}

function recursionMessage(nodeId: string, loop: readonly string[]): string {
  if (!loop.length) return `node '${nodeId}' runs this very workflow: a workflow cannot include itself`;
  return `node '${nodeId}' runs ${loop[0]}, which runs this workflow again (${[...loop, 'this file'].join(' → ')}): a workflow cannot include itself`;
}

function checkWith(ctx: SemanticContext, node: NodeSpec, inputs: Record<string, InputSpec>): void {
  const names = Object.keys(inputs);
  for (const [name, value] of Object.entries(node.with)) {
    const spec = inputs[name];
    const problem = spec
      ? inputValueProblem(spec, value)
      : `'${node.workflow}' has no input '${name}'${names.length ? ctx.suggest.didYouMean(name, names) || ` (inputs: ${listed(names)})` : ': it declares no inputs'}`;
    if (problem)
      ctx.report({ span: ctx.spanAt(['nodes', node.id, 'with', name], spec ? undefined : 'key'), severity: 'error', code: 'invalid-input', message: problem });
    else if (spec?.secret && !value.includes('${{'))
      ctx.report({
        span: ctx.spanAt(['nodes', node.id, 'with', name]),
        severity: 'warning',
        code: 'invalid-input',
        message: `'${node.workflow}' takes '${name}' as a secret, and this file holds its value: pass a secret input of this workflow instead (\${{ inputs.<name> }})`,
      });
  }
  const missing = Object.values(inputs).filter((i) => i.required && i.default === undefined && !(i.name in node.with));
  if (missing.length === 0) return;
  const withSpan =
    rawAt(ctx, ['nodes', node.id, 'with']) === undefined ? ctx.spanAt(['nodes', node.id, 'workflow'], 'key') : ctx.spanAt(['nodes', node.id, 'with'], 'key');
  ctx.report({
    span: withSpan,
    severity: 'error',
    code: 'invalid-input',
    message: `'${node.workflow}' requires ${missing.map((i) => `'${i.name}'`).join(', ')}, which with: does not give`,
  });
}

/** Workflow inputs: a default must be of the input's type; a secret one has none, and is a string. */
export function checkInputs(ctx: SemanticContext): void {
  for (const input of Object.values(ctx.workflow.inputs)) {
    if (input.secret) checkSecretInput(ctx, input);
    const raw = rawAt(ctx, ['inputs', input.name, 'default']);
    if (raw === undefined || raw === null) continue;
    const ok = input.type === 'string' ? typeof raw !== 'object' : typeof raw === input.type;
    if (ok) continue;
    const example = input.type === 'boolean' ? 'true or false' : 'a number such as 3';
    ctx.report({
      span: ctx.spanAt(['inputs', input.name, 'default']),
      severity: 'error',
      code: 'invalid-input',
      message: `input '${input.name}' is a ${input.type}, so its default must be ${example}, not ${JSON.stringify(raw)}`,
    });
  }
}

/** A secret's value is given at run time: a default would keep it in the file, and a short value would mask too much. */
function checkSecretInput(ctx: SemanticContext, input: InputSpec): void {
  if (rawAt(ctx, ['inputs', input.name, 'default']) !== undefined) {
    const removal = defaultRemoval(ctx, input.name);
    ctx.report({
      span: ctx.spanAt(['inputs', input.name, 'default'], 'key'),
      severity: 'error',
      code: 'secret-default',
      message: `input '${input.name}' is secret, so it has no default: the file would hold its value. Give it when the run starts`,
      ...(removal ? { fixes: [{ title: `Remove the default of '${input.name}'`, edits: [removal] }] } : {}),
    });
  }
  if (input.type !== 'string')
    ctx.report({
      span: ctx.spanAt(['inputs', input.name, 'type']),
      severity: 'error',
      code: 'invalid-input',
      message: `input '${input.name}' is secret, so it is a string (a ${input.type} would be masked wherever its few characters appear)`,
    });
}

function defaultRemoval(ctx: SemanticContext, name: string): TextEdit | undefined {
  const spec = ctx.parsed.doc.getIn(['inputs', name], true);
  const pair = isMap(spec) ? spec.items.find((p) => isScalar(p.key) && p.key.value === 'default') : undefined;
  return pair && isMap(spec) ? removePair(ctx.parsed.text, spec, pair) : undefined;
}
