// A rename followed into the workflows that run the renamed file as a sub-workflow and, for an output, on into the
// workflows that run those, as far as each sub-run passes the output on (a sub-run gives every output of its nodes,
// a sub-workflow node that lists none included).
import { basename, resolve } from 'node:path';
import type { TextEdit } from '../diagnostics';
import { MAX_SUB_WORKFLOW_DEPTH } from '../model';
import { validateWorkflow } from '../validation/validate';
import { buildIndex, type WorkflowIndex } from '../workflowIndex';

/** A workflow file that may run others: its absolute path and its text. */
export interface WorkflowText {
  path: string;
  text: string;
}

export interface CallerFile extends WorkflowText {
  edits: TextEdit[];
}

/** The edits one workflow needs for the files it runs as `callee`, or why the rename cannot be done. */
export type PlanCaller = (index: WorkflowIndex, file: string, callee: string) => { edits: TextEdit[] } | { error: string };

/**
 * Whether a workflow's sub-runs give the renamed output of the file it runs as `callee` under its new name (so the
 * workflows that run this one read it too); a note where they do not because another node of it gives the old name.
 */
export type PassesOn = (index: WorkflowIndex, file: string, callee: string) => { passes: boolean; note?: string };

/** Where a rename stops short of the workflows that run a file, and why. */
export interface CallerNote {
  path: string;
  note: string;
}

export interface FollowOptions {
  /** The renamed name: where nothing is passed on, a file that does not contain it needs no edit and is not parsed. */
  name: string;
  plan: PlanCaller;
  /** Given for outputs: the callers' callers are followed as far as sub-runs pass the output on. */
  passesOn?: PassesOn;
}

/**
 * The workflows among `files` that a rename in `callee` changes, with their edits (each file once, whichever
 * levels its edits come from); notes on where the rename stops; or the first reason it cannot be done.
 */
export function followCallers(
  files: readonly WorkflowText[],
  callee: string,
  { name, plan, passesOn }: FollowOptions,
): { files: CallerFile[]; notes: CallerNote[] } | { error: string } {
  const root = resolve(callee);
  const indexes = new Map<string, WorkflowIndex>();
  const indexOf = (file: WorkflowText) => {
    if (!indexes.has(file.path)) indexes.set(file.path, buildIndex(validateWorkflow(file.text)));
    return indexes.get(file.path)!;
  };
  const edited = new Map<string, CallerFile>();
  const notes: CallerNote[] = [];
  const followed = new Set([root]);
  let level = [root];
  // A chain deeper than a run nests would not run: it is not followed past that.
  for (let depth = 1; depth < MAX_SUB_WORKFLOW_DEPTH && level.length; depth++) {
    const next: string[] = [];
    for (const current of level) {
      for (const file of files) {
        const path = resolve(file.path);
        // A file that runs another names it; most workflows name no other: they are not parsed.
        if (path === root || !file.text.includes('workflow:') || !file.text.includes(basename(current))) continue;
        if (!passesOn && !file.text.includes(name)) continue;
        const index = indexOf(file);
        const planned = plan(index, path, current);
        if ('error' in planned) return planned;
        if (planned.edits.length) addEdits(edited, file, planned.edits);
        const passed = passesOn?.(index, path, current);
        if (passed?.note) notes.push({ path, note: passed.note });
        if (passed?.passes && !followed.has(path)) {
          followed.add(path);
          next.push(path);
        }
      }
    }
    level = next;
  }
  return { files: [...edited.values()], notes };
}

function addEdits(edited: Map<string, CallerFile>, file: WorkflowText, edits: readonly TextEdit[]): void {
  const entry = edited.get(file.path) ?? { path: file.path, text: file.text, edits: [] };
  for (const e of edits) if (!entry.edits.some((o) => o.span.start === e.span.start && o.span.end === e.span.end)) entry.edits.push(e);
  edited.set(file.path, entry);
}
