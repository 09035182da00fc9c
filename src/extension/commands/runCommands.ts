// Commands that start and steer runs: each picks what it acts on, asks what it must, and calls the run actions.
import * as vscode from 'vscode';
import { canDeleteRun, canPauseRun, canRetryFailedRun, canResumeRun, isActiveRun } from '../../engine/runRules';
import type { RunEntry } from '../runs/runManager';
import { isWorkflowDocument } from '../language/documents';
import { plainText } from '../ui/untrustedText';
import { parseArg } from './arguments';
import { forgetKeptResults, forgetSecretInputs } from './forgetCommands';
import { pickNode, pickRun, pickWorkflow } from './pickers';
import type { CommandServices, CommandTable } from './services';

/** Starts a run of the workflow picked, once the inputs it cannot start without are given. */
async function startAsking(s: CommandServices, arg: unknown, o: { reuseResults?: boolean } = {}): Promise<RunEntry | undefined> {
  const uri = await pickWorkflow(parseArg(arg), s.dag);
  const inputs = uri && (await s.prompts.missing(s.actions, uri));
  return uri && inputs ? s.actions.start(uri, inputs, o) : undefined;
}

export function runCommands(s: CommandServices): CommandTable {
  const { runs, actions } = s;
  return {
    'maestro.run': async (arg) => {
      const run = await startAsking(s, arg);
      if (run) s.log.info(`started run ${run.runId} of ${run.workflowPath}`);
    },
    'maestro.runWithInputs': async (arg) => {
      const uri = await pickWorkflow(parseArg(arg), s.dag);
      const inputs = uri && (await s.prompts.all(uri));
      if (uri && inputs) await actions.start(uri, inputs);
    },
    'maestro.runWithoutCache': (arg) => startAsking(s, arg, { reuseResults: false }),
    'maestro.runFromNode': async (uri, nodeId) => {
      const missing = (uri: vscode.Uri) => () => s.prompts.missing(s.actions, uri);
      if (uri instanceof vscode.Uri && typeof nodeId === 'string') return actions.runFrom(uri, nodeId, missing(uri));
      // From the palette or the editor's menu: the node the cursor is in.
      const editor = vscode.window.activeTextEditor;
      const node = editor && isWorkflowDocument(editor.document) ? s.documents.nodeAt(editor.document, editor.selection.active) : undefined;
      if (!editor || !node) throw new Error('Run from Here: put the cursor in a node of a workflow file first');
      await actions.runFrom(editor.document.uri, node, missing(editor.document.uri));
    },
    'maestro.pause': async (arg) => {
      const run = await pickRun(runs, parseArg(arg), (r) => r.live && canPauseRun(r), 'Pause which run?');
      if (run) await actions.pause(run);
    },
    'maestro.resume': async (arg) => {
      const run = await pickRun(runs, parseArg(arg), (r) => canResumeRun(r), 'Resume which run?');
      if (run) await actions.resume(run);
    },
    'maestro.cancel': async (arg) => {
      const run = await pickRun(runs, parseArg(arg), (r) => r.live && isActiveRun(r.status), 'Cancel which run?');
      if (run) await actions.cancel(run);
    },
    'maestro.retryNode': async (arg) => {
      const target = parseArg(arg);
      if (target.kind === 'node') return actions.retryNode(runs.get(target.runId) ?? missing(target.runId), target.nodeId);
      const run = await pickRun(runs, target, (r) => r.status !== 'running', 'Retry a node of which run?');
      const node = run && (await pickNode(runs, run, ['failed', 'cancelled', 'skipped'], 'Retry which node?'));
      if (run && node) await actions.retryNode(run, node);
    },
    'maestro.retryFailed': async (arg) => {
      const run = await pickRun(runs, parseArg(arg), (r) => canRetryFailedRun(r.status), 'Retry the failed nodes of which run?');
      if (run) await actions.retryFailed(run);
    },
    'maestro.approve': async (arg) => approve(s, arg),
    'maestro.forgetKeptResults': (arg) => forgetKeptResults(s, arg),
    'maestro.forgetSecretInputs': () => forgetSecretInputs(s),
    'maestro.deleteRun': async (arg) => {
      const run = await pickRun(runs, parseArg(arg), (r) => !(r.live && !canDeleteRun(r.status)), 'Delete which run?');
      if (!run) return;
      const ok = await vscode.window.showWarningMessage(
        `Delete run ${plainText(run.runId)} of ${plainText(run.workflowName)}, with its logs?`,
        { modal: true },
        'Delete',
      );
      if (ok === 'Delete') await actions.delete(run);
    },
  };
}

function missing(runId: string): never {
  throw new Error(`run ${runId} is gone: it may have been deleted`);
}

/** Approve / Reject Gate…: which gate, which decision, and a comment for the run log. */
async function approve(s: CommandServices, arg: unknown): Promise<void> {
  const target = parseArg(arg);
  let gate: { entry: RunEntry; nodeId: string; prompt: string } | undefined;
  if (target.kind === 'node') {
    const entry = s.runs.get(target.runId) ?? missing(target.runId);
    gate = { entry, nodeId: target.nodeId, prompt: entry.state?.nodes.get(target.nodeId)?.prompt ?? '' };
  } else {
    const gates = s.runs.waitingGates();
    if (gates.length === 0) return void vscode.window.showInformationMessage('No approval gate is waiting.');
    const items = gates.map((g) => ({ label: plainText(g.nodeId), description: plainText(g.entry.workflowName), detail: plainText(g.prompt), gate: g }));
    gate = gates.length === 1 ? gates[0] : (await vscode.window.showQuickPick(items, { title: 'Which gate?' }))?.gate;
  }
  if (!gate) return;
  const decisions = [
    { label: '$(pass) Approve', approved: true },
    { label: '$(circle-slash) Reject', approved: false },
  ];
  const decision = await vscode.window.showQuickPick(decisions, {
    title: plainText(`${gate.entry.workflowName} · ${gate.nodeId}`),
    placeHolder: plainText(gate.prompt) || 'Approve this gate?',
  });
  if (!decision) return;
  const comment = await vscode.window.showInputBox({ title: decision.approved ? 'Approve' : 'Reject', prompt: 'A comment for the run log (optional)' });
  if (comment === undefined) return;
  await s.actions.approve(gate.entry, gate.nodeId, decision.approved, comment || undefined);
}
