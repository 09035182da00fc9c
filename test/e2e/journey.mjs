// The user's journey through the real workbench, driven like a person would: palette, editor, quick fixes,
// notifications, the Runs view and the status bar. Each step saves a screenshot. The first steps are in
// journeyRunning.mjs and journeyBuilding.mjs; the window reloaded during a run and the served engine come last, here,
// then the team's kept results forgotten (journeyRunning.mjs).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildingSteps } from './journeyBuilding.mjs';
import { runningSteps, teamCacheStep } from './journeyRunning.mjs';
import { workbenchDriver } from './workbenchDriver.mjs';

export async function journey({ page, workspace, shots, log, served, team }) {
  const d = { ...workbenchDriver({ page, workspace, shots, log }), team };
  const { step, palette, openFile, waitForStatus, dagFrame, card, shot, notifications, noPlantedOffer, lensesSaying, lensCount } = d;
  await runningSteps(d);
  await buildingSteps(d);

  await step('09-window-reload-during-a-run', async () => {
    await openFile('reload.workflow.yaml');
    await palette('Maestro: Run Workflow');
    await waitForStatus(/Reload 0\/2/);
    await (await dagFrame('Reload')).locator('[data-testid="run-header"][data-status="running"]').waitFor();
    // The window reloads while `slow` runs: the run is left interrupted, and the new window offers to resume it.
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await palette('Developer: Reload Window');
    await reloaded;
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    const offer = notifications.getByText(/Reload was interrupted while it ran/);
    await offer.waitFor({ timeout: 60_000 });
    await shot('09a-resume-offered');
    // The DAG panel that was open is restored, showing the run as interrupted.
    const dag = await dagFrame('Reload', 60_000);
    await dag.locator('[data-testid="run-header"][data-status="interrupted"]').waitFor();
    // `slow` waits for this file: the resumed run can finish.
    writeFileSync(join(workspace, 'reload.go'), '');
    // The run that was interrupted here is offered, alone: not the planted one.
    await noPlantedOffer();
    await notifications.getByRole('button', { name: 'Resume' }).first().click();
    await waitForStatus('Reload completed', 60_000);
    await dag.locator('[data-testid="run-header"][data-status="completed"]', { hasText: '2/2 nodes' }).waitFor();
    // The lenses above the nodes follow the resumed run to its end, as the panel does. They are drawn only above
    // lines in view, and the editor restored after the reload may come back scrolled to its last line: its cursor
    // goes to the first line first, from the keyboard (a click could land on a lens and run the workflow again; a
    // wheel's scroll was once caught half drawn, a line and its lens missing).
    await page.locator('.tab[aria-label^="reload.workflow.yaml"]').click();
    await palette('View: Focus Active Editor Group');
    await page.keyboard.press('Control+Home');
    await lensesSaying('reload.workflow.yaml', /completed/, 2);
    if ((await lensCount('reload.workflow.yaml', /cancelled|pending/)) !== 0)
      throw new Error('a code lens still shows the run as it was before it was resumed');
  });

  await step('13-attached-to-a-served-engine', async () => {
    // Another person's client, on the same served engine.
    const script = async (path, body) => {
      const response = await fetch(`${served.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${served.tokens['ci-bot']}`, 'content-type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    const address = new URL(served.url).host;
    await palette('Maestro: Connect to Engine');
    const input = page.locator('.quick-input-widget input.input');
    await page.locator('.quick-input-widget', { hasText: /address of a served engine/ }).waitFor();
    await input.fill(served.url);
    await input.press('Enter');
    await page.locator('.quick-input-widget', { hasText: /The token for/ }).waitFor();
    await input.fill(served.tokens.ana);
    await input.press('Enter');
    await waitForStatus(address);
    await notifications.getByText(/uses the engine at .* as ana \(operator\)/).waitFor();
    await openFile('served.workflow.yaml');
    await palette('Maestro: Run Workflow');
    await waitForStatus(/Served 0\/2/);
    const dag = await dagFrame('Served');
    await card(dag, 'first', 'running').waitFor();
    const running = (await dag.locator('[data-testid="run-header"] .muted').innerText()).trim();
    await script(`/api/runs/${running}/pause`);
    writeFileSync(join(workspace, 'served-first.go'), '');
    await dag.locator('[data-testid="run-header"][data-status="paused"]').waitFor({ timeout: 15_000 });
    if (!(await dag.locator('.timeline-text', { hasText: 'run paused by ci-bot' }).count())) await dag.locator('[data-testid="toggle-bottom"]').click();
    await dag.locator('.timeline-text', { hasText: 'run paused by ci-bot' }).first().waitFor();
    // The lenses above the nodes follow the served run as the panel does.
    await lensesSaying('served.workflow.yaml', /completed/, 1);
    await shot('13a-paused-by-another-client');
    await palette('Maestro: Resume Run', 'Served');
    await waitForStatus('Served completed');
    await dag.locator('.timeline-text', { hasText: 'run resumed by ana' }).first().waitFor();
    await lensesSaying('served.workflow.yaml', /completed/, 2);
    await shot('13b-resumed-here');
    await palette('Maestro: Disconnect from Engine');
    await waitForStatus('local');
  });

  await teamCacheStep(d);
  return d.steps;
}
