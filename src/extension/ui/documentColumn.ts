// Where a document a command opens goes: the active editor group, unless that group shows one of our panels (a DAG
// or Insights panel the user was working in), which the document would cover: then the group of an editor beside it.
import * as vscode from 'vscode';
import { DAG_VIEW_TYPE, INSIGHTS_VIEW_TYPE } from './viewTypes';

const PANEL_VIEW_TYPES = [DAG_VIEW_TYPE, INSIGHTS_VIEW_TYPE];

const isOurPanel = (tab: vscode.Tab | undefined): boolean =>
  tab?.input instanceof vscode.TabInputWebview && PANEL_VIEW_TYPES.some((type) => (tab.input as vscode.TabInputWebview).viewType.endsWith(type));

/**
 * The column for a document the user asked for: the active one, or, when it shows our panel, the column of a text
 * editor in another group, else of another group, else a new one beside.
 */
export function documentColumn(): vscode.ViewColumn {
  const active = vscode.window.tabGroups.activeTabGroup;
  if (!isOurPanel(active.activeTab)) return vscode.ViewColumn.Active;
  const editor = vscode.window.visibleTextEditors.find((e) => e.viewColumn !== undefined && e.viewColumn !== active.viewColumn);
  if (editor?.viewColumn !== undefined) return editor.viewColumn;
  return vscode.window.tabGroups.all.find((g) => g !== active)?.viewColumn ?? vscode.ViewColumn.Beside;
}
