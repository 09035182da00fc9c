// `maestro-dag edit … --callers DIR`: a rename of an input or an output followed in the workflows under DIR that run
// the file as a sub-workflow (their `with:` keys, their sub-workflow nodes' outputs and reads, and for an output the
// workflows that run those as far as it is passed on), as the editor does; and an output's rename in the script
// files its node runs.
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { EditAction } from '../../engine/edits/actions';
import { callerInputEdits } from '../../engine/edits/inputRename';
import { callerOutputEdits, otherOutputWriters, passesOutputOn, sharedOutputNote } from '../../engine/edits/outputRename';
import { followCallers, type CallerFile, type WorkflowText } from '../../engine/edits/callerChain';
import { scriptOutputEdits } from '../../engine/edits/scriptOutputs';
import { nodeScriptFiles } from '../../engine/scriptFiles';
import { readFileText } from '../../engine/fileText';
import { walk } from '../../engine/run/io/fileGlobs';
import { MAX_VALIDATED_BYTES } from '../../engine/validation/worker/fileDiagnostics';
import type { WorkflowIndex } from '../../engine/workflowIndex';

/** At most this many entries are looked at under DIR. */
export const CALLERS_WALK_LIMIT = 20_000;

export type Callers = { files: CallerFile[]; notes: string[] } | { error: string };

type Renamed = Extract<EditAction, { type: 'renameInput' | 'renameOutput' }>;

/**
 * The files under `dir` (besides `file`) that a rename in `file` changes, with their edits; or why it cannot be done.
 * An output's rename is followed on into the workflows that run those files, as far as their sub-runs pass it on.
 */
export function callerEdits(dir: string, file: string, index: WorkflowIndex, action: Renamed): Callers {
  const notes: string[] = [];
  if (action.from === action.to) return { files: [], notes };
  if (action.type === 'renameOutput') {
    const shared = otherOutputWriters(index, action.id, action.from);
    if (shared.length) return { files: [], notes: [sharedOutputNote(action.from, shared)] };
  }
  const { from, to } = action;
  const followed = followCallers(workflowTexts(dir, resolve(file), notes), file, {
    name: from,
    ...(action.type === 'renameInput'
      ? { plan: (caller, path, callee) => callerInputEdits(caller, path, callee, from, to) }
      : {
          plan: (caller, path, callee) => callerOutputEdits(caller, path, callee, from, to),
          passesOn: (caller, path, callee) => passesOutputOn(caller, path, callee, from),
        }),
  });
  if ('error' in followed) return followed;
  return { files: followed.files, notes: [...notes, ...followed.notes.map((n) => `${relative(dir, n.path)}: ${n.note}`)] };
}

/**
 * The script files node `id` of `file` runs (`run: ./release.sh`) that write the output renamed, with the edits that
 * rename it there; or why it cannot be done (one writes the new name already). Files that cannot be read are noted.
 */
export function scriptEdits(file: string, index: WorkflowIndex, action: Extract<Renamed, { type: 'renameOutput' }>): Callers {
  const files: CallerFile[] = [];
  const notes: string[] = [];
  if (action.from === action.to) return { files, notes };
  for (const { path, reader } of nodeScriptFiles(index, resolve(file), action.id)) {
    // A file run twice, by two programs, is edited as the first reads it.
    if (!existsSync(path) || files.some((f) => f.path === path)) continue;
    try {
      const read = readFileText(path, MAX_VALIDATED_BYTES);
      if (read.notUtf8) {
        notes.push(`${path} is not UTF-8: not looked at`);
        continue;
      }
      const planned = scriptOutputEdits(path, read.text, action.from, action.to, reader);
      if ('error' in planned) return { error: `${path}: ${planned.error}` };
      if (planned.edits.length) files.push({ path, text: read.text, edits: planned.edits });
    } catch (e) {
      notes.push(`${path} cannot be read (${(e as Error).message}): not looked at`);
    }
  }
  return { files, notes };
}

/** The workflow files under `dir` but `file` that may run another (those with a `workflow:` key). */
function workflowTexts(dir: string, file: string, notes: string[]): WorkflowText[] {
  const texts: WorkflowText[] = [];
  for (const rel of walk(dir, CALLERS_WALK_LIMIT, () =>
    notes.push(`${dir} holds more than ${CALLERS_WALK_LIMIT} entries: those past them were not looked at`),
  )) {
    const path = resolve(dir, rel);
    if (!rel.endsWith('.workflow.yaml') || path === file) continue;
    try {
      const read = readFileText(path, MAX_VALIDATED_BYTES);
      if (read.notUtf8) notes.push(`${rel} is not UTF-8: not looked at`);
      else if (read.text.includes('workflow:')) texts.push({ path, text: read.text });
    } catch (e) {
      notes.push(`${rel} cannot be read (${(e as Error).message}): not looked at`);
    }
  }
  return texts;
}
