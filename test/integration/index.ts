// Runs the integration suites with mocha inside VS Code's extension host (from the test build of the extension, or
// from @vscode/test-electron's entry) and writes the results where the launcher reads them (MAESTRO_TEST_RESULTS).
import { writeFileSync } from 'node:fs';
import Mocha from 'mocha';
import { registerSuites, type IntegrationContext } from './suites';

export async function run(context: Omit<IntegrationContext, 'workspace'>): Promise<void> {
  const out = process.env.MAESTRO_TEST_RESULTS;
  const workspace = context.vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false });
  mocha.suite.emit('pre-require', globalThis, 'integration', mocha);
  registerSuites({ ...context, workspace });
  const results: { title: string; state: 'passed' | 'failed'; error?: string; ms?: number }[] = [];
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed', ms: t.duration }));
    runner.on('fail', (t, err: Error) => results.push({ title: t.fullTitle(), state: 'failed', error: err.stack ?? err.message }));
  });
  const passed = results.filter((r) => r.state === 'passed').length;
  const failed = results.length - passed;
  if (out) writeFileSync(out, JSON.stringify({ passed, failed, results, activatedInMs: context.api.activatedInMs }, null, 2));
}
