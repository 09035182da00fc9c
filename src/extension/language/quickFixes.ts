// The validator's fixes as code actions: each diagnostic's own; "fix all" of one kind of problem in the file, where
// there are several; and the file's `source.fixAll.maestro` (Source Action…, or `editor.codeActionsOnSave`).
import * as vscode from 'vscode';
import type { DiagnosticCode, SpanDiagnostic, TextEdit } from '../../engine/diagnostics';
import { fixAllEdits } from '../../engine/validation/fixAll';
import type { WorkflowIndex } from '../../engine/workflowIndex';
import { toRange } from '../convert';

type Index = (doc: vscode.TextDocument) => WorkflowIndex;

const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('maestro');
export const QUICK_FIX_KINDS = [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND];

function editOf(doc: vscode.TextDocument, edits: readonly TextEdit[]): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(doc.uri, toRange(doc, e.span), e.newText);
  return edit;
}

/** The fixes of the diagnostics in range (or shown in the context), one action each. */
function ownFixes(doc: vscode.TextDocument, diagnostics: readonly SpanDiagnostic[], range: vscode.Range, context: vscode.CodeActionContext) {
  const actions: vscode.CodeAction[] = [];
  const codes = new Set<DiagnosticCode>();
  for (const d of diagnostics) {
    if (!d.fixes?.length) continue;
    const dRange = toRange(doc, d.span);
    if (!dRange.intersection(range) && !context.diagnostics.some((x) => x.range.isEqual(dRange))) continue;
    const shown = context.diagnostics.find((x) => x.range.isEqual(dRange) && x.message === d.message);
    codes.add(d.code);
    for (const fix of d.fixes) {
      const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
      action.edit = editOf(doc, fix.edits);
      if (shown) action.diagnostics = [shown];
      action.isPreferred = d.fixes.length === 1;
      actions.push(action);
    }
  }
  return { actions, codes };
}

/** For each kind of problem in range that the file has more than one of with a fix: fixing all of them at once. */
function fixAllOfKinds(doc: vscode.TextDocument, diagnostics: readonly SpanDiagnostic[], codes: ReadonlySet<DiagnosticCode>): vscode.CodeAction[] {
  const actions: vscode.CodeAction[] = [];
  for (const code of codes) {
    const all = fixAllEdits(diagnostics, (d) => d.code === code);
    if (all.fixes < 2) continue;
    const action = new vscode.CodeAction(`Fix all ${all.fixes} '${code}' problems in the file`, vscode.CodeActionKind.QuickFix);
    action.edit = editOf(doc, all.edits);
    actions.push(action);
  }
  return actions;
}

/** The validator's fixes as code actions. */
export function quickFixProvider(index: Index): vscode.CodeActionProvider {
  return {
    provideCodeActions(doc, range, context) {
      const diagnostics = index(doc).result.diagnostics;
      // Asked for source actions, the file's fix-all (`source`, `source.fixAll`, `source.fixAll.maestro`).
      if (context.only?.contains(FIX_ALL_KIND)) {
        const all = fixAllEdits(diagnostics);
        if (all.fixes === 0) return [];
        const action = new vscode.CodeAction(`Fix ${all.fixes} Maestro problem${all.fixes === 1 ? '' : 's'}`, FIX_ALL_KIND);
        action.edit = editOf(doc, all.edits);
        return [action];
      }
      const { actions, codes } = ownFixes(doc, diagnostics, range, context);
      actions.push(...fixAllOfKinds(doc, diagnostics, codes));
      for (const shown of context.diagnostics) if (isEncodingProblem(shown)) actions.push(saveAsUtf8(shown));
      return actions;
    },
  };
}

const isEncodingProblem = (d: vscode.Diagnostic): boolean =>
  d.source === 'maestro' && typeof d.code === 'object' && d.code.value === ('encoding' satisfies DiagnosticCode);

/** VS Code's own choice of an encoding to reopen the file with (to read it right) or to save it with (UTF-8). */
function saveAsUtf8(shown: vscode.Diagnostic): vscode.CodeAction {
  const action = new vscode.CodeAction('Reopen or Save with Encoding…', vscode.CodeActionKind.QuickFix);
  action.command = { command: 'workbench.action.editor.changeEncoding', title: 'Reopen or Save with Encoding…' };
  action.diagnostics = [shown];
  action.isPreferred = true;
  return action;
}
