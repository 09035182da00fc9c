import { isMap, isPair, isScalar, type Node as YamlNode } from 'yaml';
import type { Span } from '../../engine/diagnostics';
import { formatDuration } from '../../engine/duration';
import { FUNCTION_SIGNATURES } from '../../engine/expressions/functions';
import { literalCallArgs } from '../../engine/expressions/literalCall';
import { matrixSize, nodesNamingMutex, type InputSpec, type MatrixSpec } from '../../engine/model';
import { matrixTemplateText, matrixValuesOf, matrixValueText, type MatrixInstance } from '../../engine/matrix';
import { matrixInstanceAt, matrixKeyMentionsOf } from '../../engine/matrixMentions';
import { calledScripts } from '../../engine/calledScripts';
import { currentPlatform } from '../../engine/platform';
import { runsPastFailures, scriptFileExtension, shellText, takesScriptFile } from '../../engine/platform/shells';
import { outputMentionsOf } from '../../engine/outputMentions';
import { CONTEXTS } from '../../engine/validation/semantics';
import { markdownCode, markdownText } from '../ui/untrustedText';
import { givenInputAt, namedAt } from './navigation';
import { propertyDoc } from './schemaDocs';
import type { SubWorkflowSummary } from '../../engine/validateFile';
import type { WorkflowIndex } from '../../engine/workflowIndex';
import type { FilesReadNow } from './hashFilesPreview';

export interface HoverContent {
  markdown: string;
  span: Span;
}

/**
 * A node's summary, as hovers show it. What the file says (names, descriptions, conditions, prompts) goes in as
 * text or code, escaped: a link or image written in a workflow shows as the text it is.
 */
export function nodeMarkdown(index: WorkflowIndex, id: string): string {
  const spec = index.byId.get(id)?.spec;
  if (!spec) return `**${markdownText(id)}** — not a node of this workflow`;
  const title = spec.name && spec.name !== id ? `**${markdownText(spec.name)}** (${markdownCode(id)})` : `**${markdownText(id)}**`;
  const lines = [
    `${title} — ${spec.kind === 'run' ? 'shell step' : spec.kind === 'approval' ? 'approval gate' : 'sub-workflow'}${spec.phase ? ` · phase *${markdownText(spec.phase)}*` : ''}`,
  ];
  if (spec.description) lines.push('', markdownText(spec.description));
  lines.push('');
  lines.push(`- needs: ${spec.needs.length ? spec.needs.map(markdownCode).join(', ') : 'nothing (starts first)'}`);
  if (spec.outputs?.length) lines.push(`- outputs: ${spec.outputs.map(markdownCode).join(', ')}`);
  if (spec.matrix) {
    const atOnce = spec.maxParallel !== undefined ? `, at most ${spec.maxParallel} at once` : '';
    const failFast = spec.failFast ? ', fails fast' : '';
    lines.push(`- matrix: ${matrixSize(spec.matrix)} instances (${matrixMakeUp(spec.matrix)})${atOnce}${failFast}`);
  } else if (spec.matrixTemplate !== undefined) {
    lines.push(`- matrix: made when the run reaches it, from ${markdownCode(matrixTemplateText(spec.matrixTemplate))}`);
  }
  if (spec.kind === 'run' && spec.shell !== undefined)
    lines.push(`- runs as: ${markdownCode(shellInvocationText(spec.shell))}${runsPastFailures(spec.shell) ? ', on past a failing command (no `-e`)' : ''}`);
  if (spec.mutex) lines.push(`- mutex: ${spec.mutex.map((name) => mutexSharing(index, id, name)).join(', ')}`);
  if (spec.if) lines.push(`- runs if: ${markdownCode(spec.if.trim())}`);
  if (spec.timeoutMs !== undefined) lines.push(`- timeout: ${formatDuration(spec.timeoutMs)}`);
  if (spec.retry.max > 0) lines.push(`- retries: ${spec.retry.max} (${spec.retry.backoff})`);
  if (spec.kind === 'approval' && spec.approval?.prompt) lines.push(`- asks: ${markdownText(spec.approval.prompt)}`);
  if (spec.kind === 'workflow') lines.push(`- runs: ${markdownCode(spec.workflow ?? '')}`);
  return lines.join('\n');
}

/** How this machine starts a node's script in its `shell`: `python3 -u -c SCRIPT`, `Rscript SCRIPT_FILE.R`. */
function shellInvocationText(shell: string): string {
  const program = currentPlatform.shellProgram(shell);
  const file = `SCRIPT_FILE${scriptFileExtension(program)}`;
  const run = currentPlatform.shellCommand(shell, takesScriptFile(shell) ? { file } : { text: 'SCRIPT' });
  // PowerShell's lines around the script, on one line.
  return shellText([run.file, ...run.args]).replace(/\n/g, '; ');
}

/** A mutex of a node, with the other nodes that name it: `port-5432` (one at a time with `b`, `c`). */
function mutexSharing(index: WorkflowIndex, id: string, name: string): string {
  const others = nodesNamingMutex(index.result.workflow.nodes, name)
    .filter((other) => other !== id)
    .map(markdownCode);
  return `${markdownCode(name)} (${others.length ? `one at a time with ${others.join(', ')}` : 'no other node names it'})`;
}

/** `os × node, 1 excluded, 2 included`: what a matrix is made of. */
function matrixMakeUp(matrix: MatrixSpec): string {
  const parts = [Object.keys(matrix.axes).map(markdownText).join(' × ')].filter(Boolean);
  if (matrix.exclude.length) parts.push(`${matrix.exclude.length} excluded`);
  if (matrix.include.length) parts.push(`${matrix.include.length} included`);
  return parts.join(', ');
}

/** A key of a node's matrix: the values it takes, and how many of the node's expressions read it. */
function matrixKeyMarkdown(index: WorkflowIndex, nodeId: string, name: string): string {
  const matrix = index.byId.get(nodeId)?.spec?.matrix;
  const head = `Matrix key ${markdownCode(name)} of **${markdownText(nodeId)}**`;
  if (!matrix) return `${head} — its values are made when the run reaches the node`;
  const values = matrixValuesOf(matrix, name);
  if (!values.length) return `${head} — *not a key of its matrix*`;
  const shown = values.slice(0, 8).map((v) => markdownCode(matrixValueText(v)));
  const more = values.length > 8 ? `, … (${values.length - 8} more)` : '';
  const reads = matrixKeyMentionsOf(index, nodeId, name).filter((m) => m.role === 'expression').length;
  return `${head}: ${shown.join(', ')}${more}\n\n- read by ${reads ? `${reads} expression${reads === 1 ? '' : 's'}` : 'no expression'} of the node`;
}

/** An instance of a matrix node, read by its id: the value of each of its keys. */
function instanceMarkdown(nodeId: string, instance: MatrixInstance): string {
  const values = Object.entries(instance.values).map(([key, value]) => `- ${markdownCode(key)}: ${markdownCode(matrixValueText(value))}`);
  return [`Instance of **${markdownText(nodeId)}**`, '', ...values].join('\n');
}

/** The key path of the mapping key at an offset (`['nodes', 'build', 'retry']`), with the key's span. */
export function keyAt(index: WorkflowIndex, offset: number): { path: string[]; span: Span } | undefined {
  let node: unknown = index.result.parsed.doc.contents;
  const path: string[] = [];
  for (let depth = 0; depth < 32 && isMap(node); depth++) {
    let next: unknown;
    for (const item of node.items) {
      if (!isPair(item) || !isScalar(item.key) || !item.key.range) continue;
      const key = item.key as YamlNode;
      const [ks, ke] = [key.range![0], key.range![1]];
      if (ks <= offset && offset <= ke) return { path: [...path, String((item.key as { value: unknown }).value)], span: { start: ks, end: ke } };
      const v = item.value as YamlNode | null;
      if (v?.range && v.range[0] <= offset && offset <= v.range[1]) {
        path.push(String((item.key as { value: unknown }).value));
        next = v;
      }
    }
    node = next;
  }
  return undefined;
}

const wordAt = (text: string, offset: number): Span => {
  let start = offset;
  let end = offset;
  while (start > 0 && /[\w-]/.test(text[start - 1])) start--;
  while (end < text.length && /[\w-]/.test(text[end])) end++;
  return { start, end };
};

/** A sub-workflow file as a hover over a path to it shows it: its name, size, description and inputs. */
export function subWorkflowMarkdown(written: string, s: SubWorkflowSummary): string {
  const inputs = Object.values(s.inputs).map((i) => `${markdownCode(i.name)} (${inputAbout(i)})`);
  return [
    `**${markdownText(s.name)}** — ${markdownCode(written)}, ${s.nodes} node${s.nodes === 1 ? '' : 's'}`,
    ...(s.description ? ['', markdownText(s.description)] : []),
    '',
    `- inputs: ${inputs.length ? inputs.join(' · ') : 'none'}`,
  ].join('\n');
}

/** `string, required`, `number, default 3`: what an input takes. */
function inputAbout(i: InputSpec): string {
  const about = [
    i.type,
    i.required && i.default === undefined ? 'required' : undefined,
    i.secret ? 'secret' : undefined,
    i.default !== undefined ? `default ${markdownCode(String(i.default))}` : undefined,
  ];
  return about.filter(Boolean).join(', ');
}

/** An input of the workflow, as a hover over its name shows it. */
function inputMarkdown(index: WorkflowIndex, name: string): string {
  const input = index.result.workflow.inputs[name];
  if (!input) return `**${markdownText(name)}** — not an input of this workflow`;
  const reads = index.inputReferences.filter((r) => r.input === name).length;
  return [
    `Input **${markdownText(name)}** (${inputAbout(input)})`,
    ...(input.description ? ['', markdownText(input.description)] : []),
    '',
    `- read by ${reads ? `${reads} expression${reads === 1 ? '' : 's'}` : 'no expression'}`,
  ].join('\n');
}

/** A node's output: whether the node declares it; where it is declared or written, how many expressions read it. */
function outputMarkdown(index: WorkflowIndex, nodeId: string, name: string, isRead: boolean, lookups?: HoverLookups): string {
  const target = index.byId.get(nodeId)?.spec;
  const declared = target?.outputs?.includes(name);
  const head = `Output ${markdownCode(name)} of **${markdownText(nodeId)}**${declared === false ? ' — *not declared in its outputs*' : ''}`;
  const mentions = outputMentionsOf(index, nodeId, name);
  const reads = mentions.filter((m) => m.role === 'expression').length;
  const readBy = isRead ? '' : ` — read by ${reads ? `${reads} expression${reads === 1 ? '' : 's'}` : 'no expression'}`;
  const note = target?.matrix ? '\n\nRead from outside the matrix, this is an object keyed by instance id.' : '';
  const given =
    target?.kind === 'workflow' && target.workflow !== undefined
      ? `\n\nGiven by the run of ${markdownCode(target.workflow)}: go to definition opens where it is written (its node, or a script file its node runs).`
      : '';
  const scripts =
    mentions.length === reads && target?.kind === 'run' && target.run !== undefined ? [...new Set(calledScripts(target.run).map((c) => c.path))] : [];
  return head + readBy + note + given + (scripts.length ? scriptsNote(scripts, lookups?.scriptWriters?.(nodeId, name) ?? []) : '');
}

/**
 * Where an output its file does not write comes from: the script files that write it (those the node runs, or they
 * run or source in turn), else those the node runs, which may.
 */
function scriptsNote(runs: string[], writers: string[]): string {
  if (!writers.length) return `\n\nNot written in this file: ${runs.map(markdownCode).join(', ')}, which it runs, may write it (go to definition opens where).`;
  const what = writers.length === 1 ? 'a script file' : 'script files';
  return `\n\nWritten by ${writers.map(markdownCode).join(', ')}, ${what} its node runs (go to definition opens where).`;
}

/** An input a sub-workflow node gives (a key of its `with:`), as the file it runs declares it. */
function givenInputMarkdown(workflow: string, input: InputSpec): string {
  const head = `Input **${markdownText(input.name)}** of ${markdownCode(workflow)} (${inputAbout(input)})`;
  return input.description ? `${head}\n\n${markdownText(input.description)}` : head;
}

/** What a hover may read beside the file (none: no hover where it would be needed). */
export interface HoverLookups {
  /** A sub-workflow file named by a path as written. */
  describe?: (written: string) => SubWorkflowSummary | undefined;
  /** The script files (as paths from the workflow's folder) that node `nodeId` runs or they source, which write `output`. */
  scriptWriters?: (nodeId: string, output: string) => string[];
  /** What hashFiles() of these arguments reads now, below the folder the engine reads it below. */
  filesRead?: (args: readonly string[]) => FilesReadNow | undefined;
}

const SHOWN_FILES = 8;

/** What a hashFiles() call reads now, as its hover shows it below the function's doc. */
export function filesReadMarkdown(read: FilesReadNow): string {
  const below = `below ${markdownCode(read.folder)}`;
  if ('problem' in read) return `Now ${below}: ${markdownText(read.problem)}`;
  if (!read.files.length) return `Now ${below}: no file matches, so it is \`''\``;
  const more = read.files.length > SHOWN_FILES ? `, and ${read.files.length - SHOWN_FILES} more` : '';
  const listed = read.files.slice(0, SHOWN_FILES).map(markdownCode).join(', ') + more;
  const count = `${read.files.length} file${read.files.length === 1 ? '' : 's'}`;
  const hash = read.hash !== undefined ? markdownCode(read.hash) : `not hashed here (${Math.round(read.bytes / 1024 / 1024)} MB)`;
  return `Now ${below}: ${count} (${listed}), ${hash}`;
}

/** The hover at an offset. */
export function hoverAt(index: WorkflowIndex, offset: number, lookups?: HoverLookups): HoverContent | undefined {
  const text = index.result.parsed.text;
  const describe = lookups?.describe;
  const named = namedAt(index, offset);
  if (named?.kind === 'output') return { span: named.span, markdown: outputMarkdown(index, named.nodeId, named.name, named.role === 'expression', lookups) };
  if (named?.kind === 'matrixKey') return { span: named.span, markdown: matrixKeyMarkdown(index, named.nodeId, named.name) };
  const instance = matrixInstanceAt(index, offset);
  if (instance) return { span: instance.span, markdown: instanceMarkdown(instance.nodeId, instance.instance) };
  if (named) return { span: named.span, markdown: named.kind === 'node' ? nodeMarkdown(index, named.name) : inputMarkdown(index, named.name) };
  const given = describe && givenInputAt(index, offset);
  const givenSpec = given ? describe(given.workflow)?.inputs[given.input] : undefined;
  if (given && givenSpec) return { span: given.span, markdown: givenInputMarkdown(given.workflow, givenSpec) };
  const path = index.nodes.find((n) => n.workflowSpan && n.workflowSpan.start <= offset && offset <= n.workflowSpan.end);
  const written = path?.spec?.workflow;
  const summary = written !== undefined ? describe?.(written) : undefined;
  if (path?.workflowSpan && written !== undefined && summary) return { span: path.workflowSpan, markdown: subWorkflowMarkdown(written, summary) };
  const key = keyAt(index, offset);
  if (key) {
    const doc = propertyDoc(key.path);
    if (doc) return { span: key.span, markdown: `**${markdownText(key.path[key.path.length - 1])}**\n\n${doc}` };
  }
  // Words inside an expression: functions and contexts.
  const span = wordAt(text, offset);
  const word = text.slice(span.start, span.end);
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const line = text.slice(lineStart, text.indexOf('\n', offset) < 0 ? text.length : text.indexOf('\n', offset));
  // `${{ }}`, or a bare condition: `if:` starting the line or an entry of a flow mapping.
  const inExpression = /\$\{\{/.test(line) || /(?:^\s*|[{,]\s*)if:/.test(line);
  const fn = FUNCTION_SIGNATURES[word.toLowerCase()];
  if (inExpression && fn && text[span.end] === '(') {
    const args = fn.files ? literalCallArgs(text, span) : undefined;
    const read = args?.length ? lookups?.filesRead?.(args) : undefined;
    const now = read ? `\n\n${filesReadMarkdown(read)}` : '';
    return { span, markdown: `\`${fn.doc.split(' — ')[0]}\`\n\n${fn.doc.split(' — ')[1] ?? ''}${now}` };
  }
  const context = CONTEXTS[word.toLowerCase()];
  if (inExpression && context && text[span.start - 1] !== '.') return { span, markdown: `**${word}** context — ${context}` };
  return undefined;
}
