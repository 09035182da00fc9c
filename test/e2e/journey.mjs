// The user's journey through the real workbench, driven like a person would: palette, editor, quick fixes,
// notifications, the Runs view and the status bar. Each step saves a screenshot. The first steps are in
// journeyRunning.mjs and journeyBuilding.mjs; the window reloaded during a run and the served engine come last, here,
// then the team's kept results forgotten (journeyRunning.mjs).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { buildingSteps } from './journeyBuilding.mjs';
import { runningSteps, teamCacheStep } from './journeyRunning.mjs';
import { workbenchDriver } from './workbenchDriver.mjs';

export async function journey({ page, workspace, shots, log, served, team, mutexDir }) {
  const d = { ...workbenchDriver({ page, workspace, shots, log }), team, mutexDir };
  const { step, palette, openFile, waitForStatus, dagFrame, card, shot, notifications, noPlantedOffer, lensesSaying, lensCount } = d;
  await runningSteps(d);
  await buildingSteps(d);

  await step('12b-release-a-mutex-nobody-gives-back', async () => {
    // A run was killed while it held journey-port, and another process has its process id since: its lock looks held.
    const stranger = spawn('sleep', ['600'], { stdio: 'ignore' });
    try {
      mkdirSync(mutexDir, { recursive: true, mode: 0o700 });
      const since = new Date(Date.now() - 3_600_000).toISOString();
      const lock = { pid: stranger.pid, host: hostname(), owner: 'killed', runId: '20261205-040000-dead', nodeId: 'serve', since };
      writeFileSync(join(mutexDir, 'journey-port.lock'), JSON.stringify(lock));
      await openFile('port.workflow.yaml');
      await palette('Maestro: Run Workflow');
      const dag = await dagFrame('Port');
      await card(dag, 'db').locator('.card-mutex-waiting').waitFor();
      await shot('12b-waits-for-the-mutex');
      // Release Mutex… in the palette lists who holds what.
      await palette('Maestro: Release Mutex');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'journey-port' }).filter({ hasText: 'serve of the run' }).first().waitFor();
      await page.keyboard.press('Escape');
      // So does the Runs view, above the workflows; the unlock button of one releases it. This one still looks
      // alive, so it asks first.
      await palette('Focus on Runs View');
      await page.locator('.monaco-list-row', { hasText: 'Held mutexes' }).first().waitFor();
      const held = page.locator('.monaco-list-row', { hasText: 'journey-port' }).filter({ hasText: 'serve of the run 20261205-040000-dead' }).first();
      await held.waitFor();
      await held.hover();
      await shot('12b-held-mutexes-in-the-runs-view');
      const ask = page.locator('.monaco-dialog-box', { hasText: 'Release the mutex journey-port?' });
      // The view redraws its rows as the runs beside it tick: a click on a row's inline button may land as it is
      // redrawn, and is given again.
      for (let attempt = 1; ; attempt++) {
        await held.locator('[aria-label^="Release Mutex"]').click();
        try {
          await ask.waitFor({ timeout: 10_000 });
          break;
        } catch (e) {
          if (attempt === 3) throw e;
        }
      }
      await shot('12b-release-asks-first');
      await ask.getByRole('button', { name: 'Release' }).click();
      await notifications
        .getByText(/Released the mutex journey-port, held by serve of the run 20261205-040000-dead/)
        .first()
        .waitFor();
      await dag.locator('[data-testid="run-header"][data-status="completed"]').waitFor({ timeout: 30_000 });
      if (readFileSync(join(workspace, 'port.txt'), 'utf8') !== 'took the port\n') throw new Error('the node did not run once the mutex was released');
      if (existsSync(join(mutexDir, 'journey-port.lock'))) throw new Error("the run's node did not give the mutex back");
      // The view follows the lock folder: nothing is held now.
      await page.locator('.monaco-list-row', { hasText: 'Held mutexes' }).waitFor({ state: 'detached' });
    } finally {
      stranger.kill();
    }
  });

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
