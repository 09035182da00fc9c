// An output a node's script gives through a script file it runs (`run: ./release.sh`, which writes
// `echo "version=$v" >> "$MAESTRO_OUTPUT"`): the files a node runs, and the edits that rename the output where such
// a file writes it. Pure: the editor and the CLI read the files.
import { dirname, resolve } from 'node:path';
import { scriptPathsOf } from '../calledScripts';
import type { TextEdit } from '../diagnostics';
import { writesIn } from '../outputMentions';
import type { WorkflowIndex } from '../workflowIndex';

/** The absolute paths of the script files node `nodeId` of workflow `file` runs, from its working folder. */
export function nodeScriptFiles(index: WorkflowIndex, file: string, nodeId: string): string[] {
  const spec = index.byId.get(nodeId)?.spec;
  return (spec && scriptPathsOf(spec))?.map((p) => resolve(dirname(file), p)) ?? [];
}

/**
 * The edits that rename output `from` to `to` where a script file's text writes it; none where it does not; why
 * not, where it writes `to` already.
 */
export function scriptOutputEdits(text: string, from: string, to: string): { edits: TextEdit[] } | { error: string } {
  if (!text.includes('MAESTRO_OUTPUT')) return { edits: [] };
  const writes = writesIn(text);
  if (writes.some((w) => w.output !== from && w.output.toLowerCase() === to.toLowerCase())) return { error: `it writes an output '${to}' already` };
  return { edits: writes.filter((w) => w.output === from).map((w) => ({ span: { start: w.at, end: w.at + from.length }, newText: to })) };
}
