// Where a node's output is named: in its `outputs` list, as its `stdoutAs`, where its script writes it to
// `$MAESTRO_OUTPUT`, and in every `nodes.<id>.outputs.<name>` that reads it. Pure: the editor's navigation, the
// rename and the CLI share it.
import { isScalar, isSeq, type Pair, type Scalar } from 'yaml';
import { nodeScriptsOf, type NodeScripts } from './calledScripts';
import type { Span } from './diagnostics';
import { fieldPair, nodePair, nodesMap } from './edits/yamlText';
import { APPROVAL_OUTPUTS, type WorkflowSpec } from './model';
import { shellDialect, writesInDialect } from './scriptDialect';
import type { ParsedDocument } from './validation/document';
import { nodeAt, type WorkflowIndex } from './workflowIndex';

export type OutputRole = 'definition' | 'stdoutAs' | 'write' | 'expression';

export interface OutputMention {
  nodeId: string;
  output: string;
  span: Span;
  role: OutputRole;
}

const spanOf = (s: Scalar): Span | undefined => (s.range ? { start: s.range[0], end: s.range[1] } : undefined);

/** The names in a node's `outputs` list and its `stdoutAs`, each where it is written. */
export function outputDeclarations(parsed: ParsedDocument, nodeId: string): OutputMention[] {
  const pair = nodePair(parsed, nodeId);
  if (!pair) return [];
  const out: OutputMention[] = [];
  const listed = fieldPair(pair, 'outputs')?.value;
  for (const item of isSeq(listed) ? listed.items : []) {
    const span = isScalar(item) && typeof item.value === 'string' ? spanOf(item) : undefined;
    if (span && isScalar(item)) out.push({ nodeId, output: String(item.value), span: unquoted(item, span), role: 'definition' });
  }
  const stdoutAs = fieldPair(pair, 'stdoutAs')?.value;
  const span = isScalar(stdoutAs) && typeof stdoutAs.value === 'string' ? spanOf(stdoutAs) : undefined;
  if (span && isScalar(stdoutAs)) out.push({ nodeId, output: String(stdoutAs.value), span: unquoted(stdoutAs, span), role: 'stdoutAs' });
  return out;
}

function unquoted(s: Scalar, span: Span): Span {
  const quoted = s.type === 'QUOTE_DOUBLE' || s.type === 'QUOTE_SINGLE';
  return quoted ? { start: span.start + 1, end: span.end - 1 } : span;
}

/**
 * Where a node's script writes an output to `$MAESTRO_OUTPUT`: in a shell, with `echo` or `printf` (`echo
 * "name=value"`, `printf '%s\n' "name=$v"`) or in a here-document appended to it; in Python or JavaScript (the node's
 * `shell`), in a string it writes (see programWrites). A write that cannot be told from the text (a script that calls
 * another, a variable for the name) is not found. `name` limits it to one output. The scalar's source is read, not
 * its value: a name stands in the source as it is in the value, and only there does a match have its place (a quoted
 * YAML value escapes the quotes and line breaks around it; a program is read only from a block or plain one).
 */
export function outputWrites(parsed: ParsedDocument, nodeId: string, name?: string): OutputMention[] {
  return writesOfPair(parsed, nodePair(parsed, nodeId), nodeId, name);
}

function writesOfPair(parsed: ParsedDocument, pair: Pair | undefined, nodeId: string, name?: string): OutputMention[] {
  const script = runScalar(pair && fieldPair(pair, 'run'));
  if (!pair || !script?.range || !script.value.includes('MAESTRO_OUTPUT')) return [];
  const dialect = shellDialect(nodeShell(parsed, pair));
  if (dialect !== 'shell' && (script.type === 'QUOTE_DOUBLE' || script.type === 'QUOTE_SINGLE')) return [];
  const start = script.range[0];
  const source = parsed.text.slice(start, script.range[1]);
  return writesInDialect(source, dialect, blockIndent(script, source))
    .filter((w) => name === undefined || w.output === name)
    .map((w) => ({ nodeId, output: w.output, span: { start: start + w.at, end: start + w.at + w.output.length }, role: 'write' }));
}

/** The indentation YAML takes off a block scalar's lines, as its first line that is not blank has it (0 for another). */
function blockIndent(script: Scalar, source: string): number {
  if (script.type !== 'BLOCK_LITERAL' && script.type !== 'BLOCK_FOLDED') return 0;
  return /\n( *)[^ \n]/.exec(source)?.[1].length ?? 0;
}

/** A node's `shell`, its own or the workflow's default. */
function nodeShell(parsed: ParsedDocument, pair: Pair): string | undefined {
  const own = fieldPair(pair, 'shell')?.value;
  if (isScalar(own) && typeof own.value === 'string') return own.value;
  const defaults: unknown = parsed.doc.getIn(['defaults', 'shell']);
  return typeof defaults === 'string' ? defaults : undefined;
}

function runScalar(run: Pair | undefined): (Scalar & { value: string }) | undefined {
  const value = run?.value;
  return isScalar(value) && typeof value.value === 'string' ? (value as Scalar & { value: string }) : undefined;
}

/**
 * The nodes of a workflow that give an output, declaring or writing it (a sub-run of the workflow gives every node's
 * outputs), each with where it first names it.
 */
export function outputGivers(index: WorkflowIndex, name: string): OutputMention[] {
  const { parsed } = index.result;
  return index.nodes.flatMap((n) => {
    const first = [...outputDeclarations(parsed, n.id), ...outputWrites(parsed, n.id, name)].find((m) => m.output === name);
    return first ? [first] : [];
  });
}

/**
 * The outputs a run of a workflow gives, as a sub-run gives them (every node's): the names its nodes declare or
 * write and an approval gate's; the script files its nodes run with their working folders (paths from the
 * workflow's folder), which may write more, or `unknown` where one of them cannot be placed (a working folder made by
 * an expression); and the sub-workflows (as written) of the nodes that list none, whose runs give theirs too.
 */
export function runOutputs(parsed: ParsedDocument, workflow: Pick<WorkflowSpec, 'nodes'>): RunOutputs {
  const names = new Set<string>();
  const scripts: NodeScripts[] = [];
  const through: string[] = [];
  let unknown = false;
  const pairs = nodePairs(parsed);
  for (const node of workflow.nodes) {
    if (node.workflow !== undefined && node.outputs === undefined) through.push(node.workflow);
    const written = node.kind === 'approval' ? [] : writesOfPair(parsed, pairs.get(node.id), node.id).map((w) => w.output);
    const own = node.kind === 'approval' ? APPROVAL_OUTPUTS : [...(node.outputs ?? []), ...written];
    for (const name of own) names.add(name);
    const called = nodeScriptsOf(node);
    if (!called) unknown = true;
    else if (called.scripts.length) scripts.push(called);
  }
  return { names: [...names], scripts: unknown ? 'unknown' : scripts, through };
}

/** Each node's pair by its id, the first where one repeats (as nodePair finds it), found in one pass over the nodes. */
function nodePairs(parsed: ParsedDocument): Map<string, Pair> {
  const pairs = new Map<string, Pair>();
  for (const p of nodesMap(parsed)?.items ?? []) {
    const id = isScalar(p.key) ? String(p.key.value) : undefined;
    if (id !== undefined && !pairs.has(id)) pairs.set(id, p);
  }
  return pairs;
}

export interface RunOutputs {
  names: string[];
  /** Each node's that runs script files, from the workflow's folder. */
  scripts: NodeScripts[] | 'unknown';
  through: string[];
}

/** Every place a node's output is named: its declaration, its `stdoutAs`, its script's writes, and its reads. */
export function outputMentionsOf(index: WorkflowIndex, nodeId: string, name: string): OutputMention[] {
  const lower = name.toLowerCase();
  const { parsed } = index.result;
  const out = [...outputDeclarations(parsed, nodeId).filter((d) => d.output === name), ...outputWrites(parsed, nodeId, name)];
  // Expressions read outputs without regard to case, as they read every name.
  for (const r of index.references)
    if (r.nodeId === nodeId && r.output && r.output.name.toLowerCase() === lower) out.push({ nodeId, output: name, span: r.output.span, role: 'expression' });
  return out.sort((a, b) => a.span.start - b.span.start);
}

const inside = (span: Span, offset: number) => span.start <= offset && offset <= span.end;

/** The output named at an offset, if any, under the name its node declares (or writes) when it does. */
export function outputMentionAt(index: WorkflowIndex, offset: number): OutputMention | undefined {
  const read = index.references.find((r) => r.output && inside(r.output.span, offset));
  if (read?.output) {
    const lower = read.output.name.toLowerCase();
    const { parsed } = index.result;
    const named = [...outputDeclarations(parsed, read.nodeId), ...outputWrites(parsed, read.nodeId)].find((d) => d.output.toLowerCase() === lower);
    return { nodeId: read.nodeId, output: named?.output ?? read.output.name, span: read.output.span, role: 'expression' };
  }
  const node = nodeAt(index, offset);
  if (!node) return undefined;
  return [...outputDeclarations(index.result.parsed, node.id), ...outputWrites(index.result.parsed, node.id)].find((m) => inside(m.span, offset));
}
