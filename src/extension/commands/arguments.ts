// What a command is called with, from wherever it is called: the palette (nothing), an editor or the explorer (a
// file), the Runs view (a workflow, a run, a node or a held mutex), the status bar and notifications (a run id), CodeLens (a file
// and a node, or a node of a run). One union, one parser.
import * as vscode from 'vscode';
import { isObject, isText } from '../../engine/json';

export type CommandArg =
  | { kind: 'none' }
  | { kind: 'file'; uri: vscode.Uri }
  | { kind: 'workflow'; path: string }
  | { kind: 'run'; runId: string }
  | { kind: 'node'; runId: string; nodeId: string }
  | { kind: 'mutex'; mutex: string };

/** The Runs view's items, as commands receive them. */
export type RunsTreeItemArg =
  | { kind: 'workflow'; path: string }
  | { kind: 'run'; run: { runId: string } }
  | { kind: 'node'; run: { runId: string }; node: { info: { id: string } } }
  | { kind: 'mutex'; held: { mutex: string } };

export function parseArg(arg: unknown): CommandArg {
  if (arg instanceof vscode.Uri) return { kind: 'file', uri: arg };
  if (isText(arg)) return { kind: 'run', runId: arg };
  if (!isObject(arg)) return { kind: 'none' };
  const run = isObject(arg.run) && isText(arg.run.runId) ? arg.run.runId : undefined;
  if (arg.kind === 'workflow' && isText(arg.path)) return { kind: 'workflow', path: arg.path };
  if (arg.kind === 'run' && run) return { kind: 'run', runId: run };
  if (arg.kind === 'mutex' && isObject(arg.held) && isText(arg.held.mutex)) return { kind: 'mutex', mutex: arg.held.mutex };
  if (arg.kind === 'node' && run && isObject(arg.node) && isObject(arg.node.info) && isText(arg.node.info.id))
    return { kind: 'node', runId: run, nodeId: arg.node.info.id };
  return { kind: 'none' };
}
