// What the integration suites share: the context the launcher gives them, polling bounded by mocha's timeout, and
// the workbench as the suites reach it (files of the test workspace, opened; our diagnostics' codes).
import { join } from 'node:path';
import type * as vscodeTypes from 'vscode';
import type { MaestroApi } from '../../src/extension/extension';

export interface IntegrationContext {
  vscode: typeof vscodeTypes;
  api: MaestroApi;
  /** The test workspace: the examples plus the fixtures the launcher writes (see test/e2e/workspace.mjs). */
  workspace: string;
}

/** Polls until a value is there; the mocha timeout bounds it. */
export async function until<T>(get: () => T | undefined | false, everyMs = 50): Promise<T> {
  for (;;) {
    const v = get();
    if (v) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Polls an asynchronous question until it has an answer; the mocha timeout bounds it. */
export async function untilAnswered<T>(get: () => Promise<T | undefined | false>, everyMs = 100): Promise<T> {
  for (;;) {
    const v = await get();
    if (v) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function workbenchTools({ vscode, workspace }: IntegrationContext) {
  const file = (name: string) => vscode.Uri.file(join(workspace, name));
  return {
    file,
    open: async (name: string) => {
      const doc = await vscode.workspace.openTextDocument(file(name));
      await vscode.window.showTextDocument(doc);
      return doc;
    },
    /** The codes of our diagnostics of a file. */
    codes: (uri: vscodeTypes.Uri) =>
      vscode.languages
        .getDiagnostics(uri)
        .filter((d) => d.source === 'maestro')
        .map((d) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code))),
    positionOf: (doc: vscodeTypes.TextDocument, needle: string, delta = 0) => doc.positionAt(doc.getText().indexOf(needle) + delta),
  };
}
