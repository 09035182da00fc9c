// `maestro-dag edit … --callers DIR`: a rename of an input or an output followed in the workflows under DIR that run
// the file as a sub-workflow (their `with:` keys, their sub-workflow nodes' outputs and reads), as the editor does.
import { resolve } from 'node:path';
import type { TextEdit } from '../../engine/diagnostics';
import type { EditAction } from '../../engine/edits/actions';
import { callerInputEdits } from '../../engine/edits/inputRename';
import { callerOutputEdits, otherOutputWriters, sharedOutputNote } from '../../engine/edits/outputRename';
import { readFileText } from '../../engine/fileText';
import { walk } from '../../engine/run/io/fileGlobs';
import { validateWorkflow } from '../../engine/validation/validate';
import { MAX_VALIDATED_BYTES } from '../../engine/validation/worker/fileDiagnostics';
import { buildIndex, type WorkflowIndex } from '../../engine/workflowIndex';

/** At most this many entries are looked at under DIR. */
export const CALLERS_WALK_LIMIT = 20_000;

export interface CallerFile {
  path: string;
  text: string;
  edits: TextEdit[];
}

export type Callers = { files: CallerFile[]; notes: string[] } | { error: string };

type Renamed = Extract<EditAction, { type: 'renameInput' | 'renameOutput' }>;

/** The files under `dir` (besides `file`) that a rename in `file` changes, with their edits; or why it cannot be done. */
export function callerEdits(dir: string, file: string, index: WorkflowIndex, action: Renamed): Callers {
  const notes: string[] = [];
  if (action.from === action.to) return { files: [], notes };
  if (action.type === 'renameOutput') {
    const shared = otherOutputWriters(index, action.id, action.from);
    if (shared.length) return { files: [], notes: [sharedOutputNote(action.from, shared)] };
  }
  const callee = resolve(file);
  const files: CallerFile[] = [];
  for (const rel of walk(dir, CALLERS_WALK_LIMIT, () =>
    notes.push(`${dir} holds more than ${CALLERS_WALK_LIMIT} entries: those past them were not looked at`),
  )) {
    const path = resolve(dir, rel);
    if (!rel.endsWith('.workflow.yaml') || path === callee) continue;
    let text: string;
    try {
      const read = readFileText(path, MAX_VALIDATED_BYTES);
      if (read.notUtf8) {
        notes.push(`${rel} is not UTF-8: not looked at`);
        continue;
      }
      text = read.text;
    } catch (e) {
      notes.push(`${rel} cannot be read (${(e as Error).message}): not looked at`);
      continue;
    }
    // Most workflows run no sub-workflow, and most of those do not name this one: they are not parsed.
    if (!text.includes('workflow:') || !text.includes(action.from)) continue;
    const caller = buildIndex(validateWorkflow(text));
    const planned =
      action.type === 'renameInput'
        ? callerInputEdits(caller, path, callee, action.from, action.to)
        : callerOutputEdits(caller, path, callee, action.from, action.to);
    if ('error' in planned) return planned;
    if (planned.edits.length) files.push({ path, text, edits: planned.edits });
  }
  return { files, notes };
}
