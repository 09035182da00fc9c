// The journey's first steps: Restricted Mode and trusting the workspace, a typo fixed, runs from the palette with an
// approval gate, a pause, a cancel and a retry, a cached node reused, and the DAG panel and the editor following each
// other; and the journey's last step, the team's kept results forgotten.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLANTED_RUN } from './workspace.mjs';

export async function runningSteps(d) {
  const { page, workspace, shot, statusBar, notifications, palette, acceptInputBox, openFile, waitForStatus, dagFrame, card, step, noPlantedOffer, team } = d;
  await step('02a-restricted-mode-runs-nothing', async () => {
    // The trust prompt comes up a moment after the workbench: wait for it, then choose Restricted Mode.
    const noTrust = page.getByRole('button', { name: /No, I don.t trust the authors/ });
    await noTrust.waitFor({ timeout: 30_000 });
    await noTrust.click();
    await statusBar.getByText('Restricted Mode').first().waitFor();
    await openFile('sdlc-parallel.workflow.yaml');
    // The DAG shows, with its run controls off and saying why.
    await palette('Maestro: Show DAG');
    const dag = await dagFrame('SDLC parallel');
    await card(dag, 'requirements').waitFor();
    if ((await dag.locator('[data-testid="run"]').getAttribute('disabled')) === null) throw new Error('Run is enabled in Restricted Mode');
    await palette('Maestro: Run Workflow');
    await notifications.getByText(/does not run workflows in Restricted Mode/).waitFor();
    // Nor does it attach to a served engine: no token leaves an untrusted workspace.
    await palette('Maestro: Connect to Engine');
    await notifications.getByText(/sends no token from a workspace in Restricted Mode/).waitFor();
    await waitForStatus('local');
    if (readdirSync(join(workspace, '.maestro', 'runs')).join() !== PLANTED_RUN.runId) throw new Error('a run folder appeared in Restricted Mode');
    await noPlantedOffer();
  });

  await step('02b-trusting-the-workspace', async () => {
    await notifications.getByRole('button', { name: 'Manage Workspace Trust' }).first().click();
    await page
      .getByRole('button', { name: /^Trust$/ })
      .first()
      .click();
    await statusBar.getByText('Restricted Mode').first().waitFor({ state: 'hidden' });
    // The trust editor opens (as a tab, or over the editors in newer versions): it is closed once it shows.
    const trusted = page.getByText('You trust this folder').first();
    await trusted.waitFor({ state: 'visible' });
    await trusted.click();
    await page.keyboard.press('Control+W');
    await trusted.waitFor({ state: 'detached' });
  });

  await step('01-typo-in-needs-and-its-quick-fix', async () => {
    await openFile('typo.workflow.yaml');
    // The word's own token (the line's span around it has its centre elsewhere).
    const word = page.locator('.view-line span span', { hasText: 'biuld' }).first();
    await page.locator('.squiggly-error').first().waitFor();
    await page.keyboard.press('Control+Shift+M');
    await page
      .locator('.markers-panel')
      .getByText(/did you mean 'build'\?/)
      .first()
      .waitFor();
    await shot('01a-typo-problem');
    // A lens appearing above `nodes:` can move the word as it is clicked: the cursor must end up in it (Col 13–19).
    for (let attempt = 1; ; attempt++) {
      await word.click({ force: attempt > 1 });
      const inWord = statusBar.getByText(/^Ln 7, Col 1[3-9]$/).first();
      if (
        await inWord.waitFor({ timeout: 2_000 }).then(
          () => true,
          () => false,
        )
      )
        break;
      if (attempt === 3)
        throw new Error(
          `clicking 'biuld' put the cursor elsewhere: ${await statusBar
            .getByText(/^Ln \d+, Col \d+/)
            .first()
            .innerText()}`,
        );
    }
    // The quick-fix menu; asked again if it closed before it showed (once in a few runs it does, cause not found).
    const fix = page.getByText("Change to 'build'").first();
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('Control+.');
      if (
        await fix.waitFor({ timeout: 5_000 }).then(
          () => true,
          () => false,
        )
      )
        break;
      if (attempt === 3) throw new Error("Ctrl+. in 'biuld' showed no 'Change to 'build''");
      await page.keyboard.press('Escape');
    }
    await fix.click();
    await page.locator('.squiggly-error').first().waitFor({ state: 'detached' });
    await page
      .locator('.markers-panel')
      .getByText(/did you mean 'build'\?/)
      .first()
      .waitFor({ state: 'detached' });
    await page.keyboard.press('Control+S');
    // Trusted by now: the planted run record is still not offered.
    await noPlantedOffer();
  });

  await step('03-run-from-the-palette', async () => {
    await openFile('sdlc-parallel.workflow.yaml');
    await palette('Maestro: Run Workflow');
    await waitForStatus(/SDLC parallel \d\/6/);
    // The DAG panel opens beside the editor and follows the run.
    const dag = await dagFrame('SDLC parallel');
    if ((await page.locator('.editor-group-container').count()) < 2) throw new Error('the DAG panel did not open beside the editor');
    const bar = dag.locator('.card [role="progressbar"]').first();
    await bar.waitFor({ timeout: 15_000 });
    // The panel follows: from a moment when a node is still pending, a bar moves on or (on a loaded machine, where the
    // run can outpace the page) more cards end.
    const snapshot = await dag.waitForFunction(
      () =>
        document.querySelector('.card[data-status="pending"]') && {
          progress: Number(document.querySelector('.card [role="progressbar"]')?.getAttribute('aria-valuenow') ?? 0),
          completed: document.querySelectorAll('.card[data-status="completed"]').length,
        },
      undefined,
      { timeout: 5_000 },
    );
    const before = await snapshot.jsonValue();
    await dag.waitForFunction(
      (b) =>
        [...document.querySelectorAll('.card [role="progressbar"]')].some((bar) => Number(bar.getAttribute('aria-valuenow')) > b.progress) ||
        document.querySelectorAll('.card[data-status="completed"]').length > b.completed,
      before,
      { timeout: 15_000 },
    );
    await shot('03a-running');
    await page.locator('.activitybar [aria-label^="Maestro"]').first().click();
    await page.locator('.pane-body').getByText('requirements').first().waitFor();
    await waitForStatus('SDLC parallel completed');
    await dag.locator('[data-testid="run-header"][data-status="completed"]', { hasText: '6/6 nodes' }).waitFor();
  });

  await step('08-approval-gate', async () => {
    await openFile('gated.workflow.yaml');
    await palette('Maestro: Run Workflow');
    await page.locator('.pane-body').getByText('approve').first().waitFor();
    // The panel offers Approve on the waiting gate; the palette command does the same from the keyboard.
    const dag = await dagFrame('Gated');
    await card(dag, 'approve', 'waiting').click();
    await dag.locator('[data-testid="approve"]').click();
    await waitForStatus('Gated completed');
    await dag.locator('[data-testid="run-header"][data-status="completed"]', { hasText: '3/3 nodes' }).waitFor();
    await openFile('gated.workflow.yaml');
    await palette('Maestro: Run Workflow');
    await card(await dagFrame('Gated'), 'approve', 'waiting').waitFor();
    await palette('Maestro: Approve / Reject Gate…', 'Approve');
    await acceptInputBox(/A comment for the run log/);
    await waitForStatus('Gated completed');
  });

  await step('04-pause-and-resume', async () => {
    await openFile('long.workflow.yaml');
    await palette('Maestro: Run Workflow');
    await waitForStatus(/Long \d\/3/);
    await palette('Maestro: Pause Run');
    // The engine has the pause (the status bar says it is pausing) before `first`, still running, is let go. On a
    // loaded machine the palette once lost the command itself: asked again, as a person would.
    const pausing = /Long \d\/3 pausing/;
    if (
      !(await waitForStatus(pausing, 10_000).then(
        () => true,
        () => false,
      ))
    ) {
      await palette('Maestro: Pause Run');
      await waitForStatus(pausing);
    }
    await shot('04a-pausing');
    writeFileSync(join(workspace, 'first.go'), '');
    await page
      .locator('.pane-body')
      .getByText(/paused/)
      .first()
      .waitFor({ timeout: 15_000 });
    const dag = await dagFrame('Long');
    await dag.locator('[data-testid="run-header"][data-status="paused"]').waitFor({ timeout: 15_000 });
    if ((await card(dag, 'third').getAttribute('data-status')) !== 'pending') throw new Error('a node started while the run was paused');
    await shot('04b-paused');
    await palette('Maestro: Resume Run', 'Long');
    await waitForStatus('Long completed');
  });

  await step('05-cancel-leaves-no-process', async () => {
    const pids = join(workspace, 'hang.pids');
    await openFile('hang.workflow.yaml');
    await palette('Maestro: Run Workflow');
    for (let i = 0; i < 200 && !(existsSync(pids) && readFileSync(pids, 'utf8').trim()); i++) await page.waitForTimeout(100);
    const pid = Number(readFileSync(pids, 'utf8').trim());
    await palette('Maestro: Cancel Run');
    await waitForStatus('Hang cancelled');
    for (let i = 0; ; i++) {
      try {
        process.kill(pid, 0);
      } catch {
        break;
      }
      if (i > 100) throw new Error(`process ${pid} of the cancelled run is still alive`);
      await page.waitForTimeout(100);
    }
  });

  await step('06-retry-a-failed-node', async () => {
    await openFile('flaky.workflow.yaml');
    await palette('Maestro: Run Workflow');
    await waitForStatus('Flaky failed');
    // The panel shows the error in the node's details, and retries it from there once the cause is fixed.
    const dag = await dagFrame('Flaky');
    await card(dag, 'check', 'failed').click();
    await dag
      .locator('[data-testid="details-error"]')
      .getByText(/exited with code 1/)
      .waitFor();
    await shot('06a-failed-details');
    writeFileSync(join(workspace, 'fixed.flag'), '');
    await dag.locator('[data-testid="retry-node"]').click();
    await waitForStatus('Flaky completed');
    await dag.locator('[data-testid="run-header"][data-status="completed"]', { hasText: '2/2 nodes' }).waitFor();
  });

  await step('06b-a-cached-node-is-reused', async () => {
    const built = () => (existsSync(join(workspace, 'built.txt')) ? readFileSync(join(workspace, 'built.txt'), 'utf8').split('\n').filter(Boolean).length : 0);
    const runsDir = join(workspace, '.maestro', 'runs');
    const runIds = () => readdirSync(runsDir).filter((n) => /^\d{8}-\d{6}-[0-9a-f]{4}$/.test(n));
    await openFile('cached.workflow.yaml');
    await palette('Maestro: Run Workflow');
    await waitForStatus('Cached completed');
    const dag = await dagFrame('Cached');
    await card(dag, 'use', 'completed').waitFor();
    await palette('Maestro: Run Workflow');
    await card(dag, 'build', 'completed').locator('.card-reused').waitFor();
    await card(dag, 'use', 'completed').waitFor();
    if (built() !== 1) throw new Error(`the cached node ran ${built()} times in two runs`);
    // The lenses are drawn only for the lines in view: the file's first lines, in its own editor (the first group may
    // hold another workflow's, which the runs below would then run).
    await page.locator('.tab[aria-label^="cached.workflow.yaml"]').first().click();
    await page.locator('.tab.active[aria-label^="cached.workflow.yaml"]').first().waitFor();
    await page.keyboard.press('Control+Home');
    await page.locator('.codelens-decoration', { hasText: 'completed (reused)' }).first().waitFor();
    await shot('06b-reused');
    /** Runs a command that starts a run of the workflow, and waits for that new run to complete. */
    const runToEnd = async (command) => {
      const before = new Set(runIds());
      await palette(command);
      for (let i = 0; !runIds().some((id) => !before.has(id) && /"status": ?"completed"/.test(runRecord(runsDir, id))); i++) {
        if (i > 300) throw new Error(`the run ${command} started did not complete`);
        await page.waitForTimeout(100);
      }
    };
    // Its artifact gone since: put back from the copy kept with the result, and the node is still not run.
    rmSync(join(workspace, 'out', 'app.txt'));
    await runToEnd('Maestro: Run Workflow');
    if (built() !== 1 || readFileSync(join(workspace, 'out', 'app.txt'), 'utf8') !== 'v7\n') throw new Error('the artifact was not put back');
    await card(dag, 'build', 'completed').click();
    const putBack = dag.locator('[data-testid="details-reused"]', { hasText: /reused, out put back$/ });
    await putBack.waitFor();
    await putBack.scrollIntoViewIfNeeded();
    await shot('06b-reused-artifact-put-back');
    // With maestro.reuseCachedResults off, it runs (once the window has read the setting).
    const settings = join(workspace, '.vscode', 'settings.json');
    writeFileSync(settings, JSON.stringify({ 'maestro.reuseCachedResults': false }));
    try {
      for (let tries = 0; built() < 2; tries++) {
        if (tries === 5) throw new Error('maestro.reuseCachedResults off did not run the cached node');
        await runToEnd('Maestro: Run Workflow');
      }
    } finally {
      writeFileSync(settings, '{}');
    }
    // Run Workflow Without Cache runs it, whatever the setting.
    await runToEnd('Maestro: Run Workflow Without Cache');
    if (built() !== 3) throw new Error('Run Workflow Without Cache reused the kept result');
    // The user settings name a team's shared cache: the result is kept there too (step 14 forgets it).
    if (keptIn(team.folder) !== 1) throw new Error(`the team's shared folder keeps ${keptIn(team.folder)} results, not 1`);
    // Forget Kept Results… forgets this workflow's: the cache folder is empty after.
    await palette('Maestro: Forget Kept Results');
    const pick = page.locator('.quick-input-widget');
    await pick.locator('.quick-input-list .monaco-list-row', { hasText: 'Kept results of cached.workflow.yaml' }).first().click();
    await notifications.getByText(/Forgot 1 kept result of cached\.workflow\.yaml/).waitFor();
    if (keptIn(join(runsDir, '.cache'))) throw new Error('a kept result is left');
  });

  await step('07-panel-and-editor-follow-each-other', async () => {
    try {
      await editAndFollow();
    } finally {
      // The edit is never kept, so that the steps after this one find the file as it was.
      await openFile('editing.workflow.yaml').catch(() => undefined);
      await palette('File: Revert File').catch(() => undefined);
    }
  });

  async function editAndFollow() {
    await openFile('editing.workflow.yaml');
    await palette('Maestro: Show DAG');
    const dag = await dagFrame('Editing');
    // A click on a card shows its definition in the editor, its id selected (the panel keeps the focus).
    await card(dag, 'deploy').click();
    await page.locator('.breadcrumbs-control').getByText('deploy', { exact: true }).waitFor();
    await page.locator('.monaco-editor .selected-text').first().waitFor();
    // An edit (unsaved) redraws the graph: notify now needs lint instead of deploy.
    await page.locator('.editor-group-container .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input.input').fill(':13');
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Control+Shift+ArrowLeft');
    await page.keyboard.type('lint');
    await dag.locator('[data-testid="details"]', { hasText: 'notify' }).getByText('lint', { exact: true }).waitFor();
    await dag.locator('[data-testid="fit"]').click();
    await dag.locator('[data-edge="lint->notify"]').waitFor({ state: 'attached' });
    if (await dag.locator('[data-edge="deploy->notify"]').count()) throw new Error('the old edge is still drawn');
    if (!readFileSync(join(workspace, 'editing.workflow.yaml'), 'utf8').includes('needs: [deploy]'))
      throw new Error('the file was saved: the graph must follow the unsaved text');
    await shot('07a-edited-unsaved');
    // The cursor in the editor selects the node under it in the panel.
    await page.locator('.editor-group-container .monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input.input').fill(':5');
    await page.keyboard.press('Enter');
    await dag.locator('.card.selected[data-node="build"]').waitFor();
  }
}

/** A run's run.json as text ('' while it has none). */
function runRecord(runsDir, runId) {
  try {
    return readFileSync(join(runsDir, runId, 'run.json'), 'utf8');
  } catch {
    return '';
  }
}

/** The results a folder of kept results holds. */
const keptIn = (folder) => (existsSync(folder) ? readdirSync(folder).filter((n) => /^[0-9a-f]{64}\.json$/.test(n)).length : 0);

/**
 * The team's shared cache, forgotten from the editor: last in the journey, since its modal dialog leaves the focus
 * where VS Code finds fit, and the steps after it would have to find their editors again.
 */
export async function teamCacheStep(d) {
  const { page, shot, notifications, palette, openFile, step, team } = d;
  await step('14-forget-the-team-results', async () => {
    if (keptIn(team.folder) !== 1) throw new Error(`the team's shared folder keeps ${keptIn(team.folder)} results, not 1`);
    await openFile('cached.workflow.yaml');
    // Forget Kept Results… offers the team's results of this workflow too, and asks before forgetting them.
    await palette('Maestro: Forget Kept Results');
    const teamRow = page.locator('.quick-input-list .monaco-list-row', { hasText: "in the team's shared cache too" });
    await teamRow.waitFor();
    // The quick pick fades in: the screenshot waits for it to be drawn whole.
    await page.waitForTimeout(300);
    await shot('14-forget-offers-the-team-cache');
    await teamRow.click();
    const confirm = page.locator('.monaco-dialog-box', { hasText: "Forget the team's kept results of cached.workflow.yaml?" });
    await confirm.waitFor({ state: 'visible' });
    await shot('14-forget-the-team-results-asks-first');
    await confirm.getByRole('button', { name: 'Forget' }).click();
    await notifications.getByText(/Forgot \d+ kept results? of cached\.workflow\.yaml, yours and the team's/).waitFor();
    if (keptIn(team.folder)) throw new Error("a result is left in the team's shared folder");
  });
}
