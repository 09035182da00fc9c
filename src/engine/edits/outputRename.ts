// Renaming a node's output: its name in the node's `outputs` and `stdoutAs`, where its script writes it, and every
// `nodes.<id>.outputs.<name>` that reads it; and, in a file that runs this one as a sub-workflow, what the
// sub-workflow node declares and what reads it there.
import { dirname, resolve } from 'node:path';
import type { TextEdit } from '../diagnostics';
import { APPROVAL_OUTPUTS } from '../model';
import { outputDeclarations, outputGivers, outputMentionsOf, outputWrites, type OutputMention } from '../outputMentions';
import type { WorkflowIndex } from '../workflowIndex';
import { INPUT_NAME, INPUT_NAME_RULE } from './action';
import type { Outcome } from './nodes';

/**
 * The edits that rename the output `from` of node `nodeId` to `to`, in its own workflow file; none where only the
 * script files it runs write it (`byScripts`: their edits are scriptOutputEdits') and the file does not name it.
 */
export function renameOutput(index: WorkflowIndex, nodeId: string, from: string, to: string, byScripts = false): Outcome {
  const node = index.byId.get(nodeId);
  if (!node) return { error: `there is no node '${nodeId}'` };
  if (node.spec?.kind === 'approval') return { error: `'${nodeId}' is an approval gate: its outputs (${APPROVAL_OUTPUTS.join(', ')}) are named by the engine` };
  if (node.spec?.kind === 'workflow')
    return { error: `'${nodeId}' runs a sub-workflow: its outputs are named by that file's nodes (rename the output there, and this follows)` };
  const mentions = outputMentionsOf(index, nodeId, from);
  if (!mentions.length && !byScripts) return { error: `node '${nodeId}' has no output '${from}'` };
  if (!INPUT_NAME.test(to)) return { error: `'${to}' cannot name an output: ${INPUT_NAME_RULE}` };
  if (to === from) return { edits: [] };
  const taken = nameTaken(index, nodeId, from, to);
  if (taken) return { error: taken };
  const quoted = quotedMention(index, mentions, from);
  if (quoted) return { error: quoted };
  const edits = mentions.map((m) => ({ span: m.span, newText: to }));
  const written = byScripts || mentions.some((m) => m.role === 'write' || m.role === 'stdoutAs');
  return written
    ? { edits }
    : {
        edits,
        note: `the script of '${nodeId}' does not write '${from}' where the rename can see it (echo "${from}=…" >> "$MAESTRO_OUTPUT"): write it as '${to}' there`,
      };
}

/** Why `to` cannot be the output's new name, if it cannot: the node has, writes or is read for such an output. */
function nameTaken(index: WorkflowIndex, nodeId: string, from: string, to: string): string | undefined {
  const lower = to.toLowerCase();
  // Expressions read outputs without regard to case: `Version` would be read as `version` too.
  const names = [...outputDeclarations(index.result.parsed, nodeId), ...outputWrites(index.result.parsed, nodeId)]
    .map((m) => m.output)
    .filter((n) => n !== from);
  if (names.some((n) => n.toLowerCase() === lower)) return `node '${nodeId}' already has an output '${to}'`;
  if (lower !== from.toLowerCase() && index.references.some((r) => r.nodeId === nodeId && r.output?.name.toLowerCase() === lower))
    return `nodes.${nodeId}.outputs.${to} is still read in the file: pick another name, or fix those expressions first`;
  return undefined;
}

function quotedMention(index: WorkflowIndex, mentions: OutputMention[], from: string): string | undefined {
  const text = index.result.parsed.text;
  const quoted = mentions.find((m) => text.slice(m.span.start, m.span.end).toLowerCase() !== from.toLowerCase());
  return quoted && `'${from}' is written with quotes or escapes at offset ${quoted.span.start}: rename it there by hand`;
}

/**
 * The nodes of a workflow other than `nodeId` that declare or write the output `name`: a sub-run's outputs are all
 * of its nodes', so a file that runs this one reads `name` from them too, and keeps reading it after the rename.
 */
export function otherOutputWriters(index: WorkflowIndex, nodeId: string, name: string): string[] {
  return outputGivers(index, name)
    .map((g) => g.nodeId)
    .filter((id) => id !== nodeId);
}

/** What a rename leaves the workflows that run this file reading, where other nodes give the output too. */
export function sharedOutputNote(from: string, sharedWith: readonly string[]): string {
  return `${sharedWith.map((id) => `'${id}'`).join(', ')} give${sharedWith.length === 1 ? 's' : ''} '${from}' too: a workflow that runs this one goes on reading it`;
}

/**
 * The edits that keep a workflow that runs `callee` as a sub-workflow reading an output of it renamed from `from` to
 * `to`: each such node's `outputs` entry and every `nodes.<node>.outputs.<from>`. `file` is the path of the workflow
 * `index` is of; paths are absolute.
 */
export function callerOutputEdits(index: WorkflowIndex, file: string, callee: string, from: string, to: string): { edits: TextEdit[] } | { error: string } {
  const edits: TextEdit[] = [];
  for (const node of index.nodes) {
    const path = node.spec?.workflow;
    if (path === undefined || resolve(dirname(file), path) !== resolve(callee)) continue;
    const mentions = outputMentionsOf(index, node.id, from);
    if (!mentions.length) continue;
    const taken = nameTaken(index, node.id, from, to) ?? quotedMention(index, mentions, from);
    if (taken) return { error: `${file}: ${taken}` };
    edits.push(...mentions.map((m) => ({ span: m.span, newText: to })));
  }
  return { edits };
}

/**
 * Whether the sub-runs of workflow `file` (`index`) give an output of `callee` renamed from `from` under its new
 * name: a node running `callee` lists no outputs or lists `from` (renamed with it), and no other node gives `from`
 * (where one does, the workflows that run this file go on reading that one's, and are left as they are).
 */
export function passesOutputOn(index: WorkflowIndex, file: string, callee: string, from: string): { passes: boolean; note?: string } {
  const runners = index.nodes.filter((n) => n.spec?.workflow !== undefined && resolve(dirname(file), n.spec.workflow) === resolve(callee));
  const passing = runners.filter((n) => n.spec?.outputs === undefined || n.spec.outputs.includes(from));
  if (!passing.length) return { passes: false };
  const others = outputGivers(index, from)
    .map((g) => g.nodeId)
    .filter((id) => !runners.some((n) => n.id === id));
  return others.length ? { passes: false, note: sharedOutputNote(from, others) } : { passes: true };
}
