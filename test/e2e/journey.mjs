// The user's journey through the real workbench, driven like a person would: palette, editor, quick fixes,
// notifications, the Runs view and the status bar. Each step saves a screenshot.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLANTED_RUN } from './workspace.mjs';

export async function journey({ page, workspace, shots, log, served }) {
  const steps = [];
  const shot = (name) => page.screenshot({ path: join(shots, `${name}.png`) });
  const statusBar = page.locator('.part.statusbar');
  const notifications = page.locator('.notifications-toasts');

  // Opens the command palette and runs a command; tries again when focus was elsewhere or the list was late.
  const palette = async (command, ...picks) => {
    const input = page.locator('.quick-input-widget input.input');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: command }).first();
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('Escape');
      // Focus an editor, so that the palette runs against it; there may be none on screen (then it does not matter).
      await page
        .locator('.editor-group-container .monaco-editor .view-lines')
        .first()
        .click({ position: { x: 5, y: 5 }, timeout: 2_000 })
        .catch(() => undefined);
      await page.keyboard.press('F1');
      try {
        await input.waitFor({ state: 'visible', timeout: 5_000 });
        await input.fill(`>${command}`);
        await row.waitFor({ timeout: 5_000 });
        break;
      } catch (e) {
        if (attempt === 4) throw e;
      }
    }
    // Enter runs the focused command; once in a while the keystroke is lost while the list settles, so the
    // command's row must be hidden or gone (which also keeps a stale row from being picked below) before going on.
    for (let attempt = 1; ; attempt++) {
      await input.press('Enter');
      if (
        await row.waitFor({ state: 'hidden', timeout: 3_000 }).then(
          () => true,
          () => false,
        )
      )
        break;
      if (attempt === 4) throw new Error(`the palette did not run '${command}'`);
    }
    // Each pick names a row the command's picker must show; one that never comes fails the step.
    for (const pick of picks) {
      const choice = page.locator('.quick-input-list .monaco-list-row', { hasText: pick }).first();
      await choice.waitFor({ timeout: 10_000 }).catch(() => {
        throw new Error(`'${command}' showed no '${pick}' to pick`);
      });
      await choice.click();
    }
  };
  /**
   * Accepts the input box that the last command opened, once it shows its prompt: a pick that leads to an input box
   * closes the widget for a moment first, and an Enter pressed then would go to the editor.
   */
  const acceptInputBox = async (prompt) => {
    await page.locator('.quick-input-widget', { hasText: prompt }).waitFor({ state: 'visible' });
    await page.locator('.quick-input-widget input.input').press('Enter');
  };
  const openFile = async (name) => {
    await page.keyboard.press('Escape');
    await palette('Go to File');
    const input = page.locator('.quick-input-widget input.input');
    await input.fill(name);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    await row.waitFor();
    await row.click();
    await page.locator(`.tab.active[aria-label^="${name}"]`).waitFor();
  };
  const waitForStatus = (text, timeout = 30_000) => statusBar.getByText(text).first().waitFor({ timeout });
  /** The DAG panel of a workflow: webviews are nested iframes, found by their content. */
  const dagFrame = async (name, timeout = 30_000) => {
    const deadline = Date.now() + timeout;
    for (;;) {
      for (const frame of page.frames()) {
        const found = await frame
          .locator(`.canvas[aria-label="DAG of ${name}"]`)
          .count()
          .catch(() => 0);
        if (found) return frame;
      }
      if (Date.now() > deadline) throw new Error(`no DAG panel of ${name} on screen`);
      await page.waitForTimeout(200);
    }
  };
  const card = (frame, node, status) => frame.locator(`.card[data-node="${node}"]${status ? `[data-status="${status}"]` : ''}`);
  /** In the page: how many code lenses of a file's editor say `source` (other groups show other files' lenses). */
  const countLenses = ([name, source]) => {
    const group = [...document.querySelectorAll('.editor-group-container')].find((g) => g.querySelector(`.tab.active[aria-label^="${name}"]`));
    return group ? [...group.querySelectorAll('.codelens-decoration')].filter((e) => new RegExp(source).test(e.textContent ?? '')).length : -1;
  };
  const lensCount = (file, pattern) => page.evaluate(countLenses, [file, pattern.source]);
  const lensesSaying = async (file, pattern, count, timeout = 15_000) => {
    const deadline = Date.now() + timeout;
    for (let seen = await lensCount(file, pattern); seen !== count; seen = await lensCount(file, pattern)) {
      if (Date.now() > deadline) throw new Error(`${file}: ${seen} code lenses say ${pattern}, not ${count}`);
      await page.waitForTimeout(100);
    }
  };
  const step = async (name, f) => {
    const t0 = Date.now();
    try {
      await f();
      steps.push({ name, ok: true, ms: Date.now() - t0 });
    } catch (e) {
      steps.push({ name, ok: false, error: e.message.split('\n')[0] });
      log(`journey step '${name}' failed: ${e.stack}`);
      await page.keyboard.press('Escape').catch(() => undefined);
    }
    await shot(name).catch(() => undefined);
  };

  /**
   * The planted run record (marked running, a command link in its name, its workflow outside the workspace) gets no
   * notification: it was not started here. No link to a command shows in any notification, and nothing of it ran.
   */
  const noPlantedOffer = async () => {
    if (await notifications.getByText(/Nightly/).count()) throw new Error('the planted run record was offered for resume');
    if (await notifications.locator('a[href^="command:"], a[data-href^="command:"]').count()) throw new Error('a notification shows a command link');
    const events = readFileSync(join(workspace, '.maestro', 'runs', PLANTED_RUN.runId, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n');
    if (events.length !== 1) throw new Error('the planted run was resumed');
    if (await page.locator('.terminal-wrapper, .integrated-terminal').count()) throw new Error("the planted link's command ran (a terminal opened)");
  };

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
    const word = page.locator('.view-line span', { hasText: 'biuld' }).first();
    await page.locator('.squiggly-error').first().waitFor();
    await page.keyboard.press('Control+Shift+M');
    await page
      .locator('.markers-panel')
      .getByText(/did you mean 'build'\?/)
      .first()
      .waitFor();
    await shot('01a-typo-problem');
    await word.click();
    await page.keyboard.press('Control+.');
    await page.getByText("Change to 'build'").first().click();
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
    await dag.locator('.card[data-status="pending"]').first().waitFor({ timeout: 5_000 });
    const first = Number(await bar.getAttribute('aria-valuenow'));
    await dag.waitForFunction(
      (before) => [...document.querySelectorAll('.card [role="progressbar"]')].some((b) => Number(b.getAttribute('aria-valuenow')) > before),
      first,
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
    // A pause lets running nodes finish: `first` finishes once it is let go.
    writeFileSync(join(workspace, 'first.go'), '');
    await page
      .locator('.pane-body')
      .getByText(/paused/)
      .first()
      .waitFor({ timeout: 15_000 });
    const dag = await dagFrame('Long');
    await dag.locator('[data-testid="run-header"][data-status="paused"]').waitFor({ timeout: 15_000 });
    if ((await card(dag, 'third').getAttribute('data-status')) !== 'pending') throw new Error('a node started while the run was paused');
    await shot('04a-paused');
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

  await step('10-build-a-diamond-with-the-mouse', async () => {
    // New Workflow… on a folder, from the explorer's context menu: a file there, its panel beside it.
    await page.keyboard.press('Escape');
    await palette('View: Show Explorer');
    await page.locator('.explorer-folders-view .monaco-list-row[aria-label="pipelines"]').click({ button: 'right' });
    const item = page.locator('.monaco-menu .action-label', { hasText: 'New Workflow…' }).first();
    // A context menu ignores a click that comes right after it opens: the item is chosen with the keyboard.
    await item.hover();
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'File name' }).waitFor({ state: 'visible' });
    await page.locator('.quick-input-widget input.input').fill('diamond');
    await page.locator('.quick-input-widget input.input').press('Enter');
    await page.locator('.tab[aria-label^="diamond.workflow.yaml"]').waitFor();
    const dag = await dagFrame('diamond');
    await card(dag, 'start').waitFor();
    // Room for the graph: the workbench's bottom panel (Problems, from earlier steps) and the DAG's timeline close.
    if (await page.locator('.part.panel.bottom').isVisible()) await palette('View: Toggle Panel Visibility');
    await dag.locator('[data-testid="toggle-bottom"]').click();
    // Three nodes from the toolbar's Add node: each goes after the selected node, needing it.
    const add = async (after) => {
      await card(dag, after).click();
      await dag.locator('[data-testid="add-node"]').click();
      await dag.getByRole('menuitem', { name: 'Add shell step' }).click();
    };
    await add('start');
    await card(dag, 'step').waitFor();
    await add('start');
    await card(dag, 'step-2').waitFor();
    await add('step');
    await card(dag, 'step-3').waitFor();
    // The fourth edge by dragging from step-2's handle onto step-3: a diamond.
    await dag.locator('[data-testid="fit"]').click();
    await card(dag, 'step-2').hover();
    const handle = await card(dag, 'step-2').locator('.react-flow__handle-bottom').boundingBox();
    const target = await card(dag, 'step-3').boundingBox();
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 10 });
    await page.mouse.up();
    await dag.locator('[data-edge="step-2->step-3"]').waitFor({ state: 'attached' });
    // The last node's script, from the details' form.
    await card(dag, 'step-3').click();
    const script = dag.locator('[data-field="run"]');
    await script.fill('echo "the diamond is closed"');
    await script.press('Control+Enter');
    const editor = page.locator('.editor-group-container .monaco-editor .view-lines').first();
    await editor.getByText('the diamond is closed').waitFor();
    // Ctrl+Z in the editor undoes the last action, and the panel follows; Ctrl+Y redoes it.
    await editor.click();
    await page.keyboard.press('Control+Z');
    await editor.getByText('the diamond is closed').waitFor({ state: 'detached' });
    await dag.waitForFunction(() => document.querySelector('[data-field="run"]')?.value === 'echo "step-3"');
    await page.keyboard.press('Control+Y');
    await editor.getByText('the diamond is closed').waitFor();
    await dag.waitForFunction(() => document.querySelector('[data-field="run"]')?.value === 'echo "the diamond is closed"');
    await shot('10a-diamond-built');
    // Saved and run from the panel: it completes there.
    await page.keyboard.press('Control+S');
    await dag.locator('[data-testid="run"]').click();
    await dag.locator('[data-testid="run-header"][data-status="completed"]', { hasText: '4/4 nodes' }).waitFor({ timeout: 60_000 });
    const text = readFileSync(join(workspace, 'pipelines', 'diamond.workflow.yaml'), 'utf8');
    if (!/step-3:\n {4}needs: \[step, step-2\]\n {4}run: echo "the diamond is closed"/.test(text))
      throw new Error(`the file is not the diamond built:\n${text}`);
  });

  await step('11-new-workflow-from-a-template-then-export-to-argo', async () => {
    await page.keyboard.press('Escape');
    await palette('Maestro: New Workflow from Template');
    // The pick describes each template; the data pipeline asks its one input, then the file's name.
    const pick = page.locator('.quick-input-widget');
    await pick.locator('.quick-input-list .monaco-list-row', { hasText: 'Extract, three transforms in parallel' }).waitFor();
    await pick.locator('input.input').fill('Data pipeline');
    await pick.locator('.quick-input-list .monaco-list-row', { hasText: 'Data pipeline' }).first().click();
    await page.locator('.quick-input-widget', { hasText: 'Where the raw data is read from' }).waitFor({ state: 'visible' });
    await page.locator('.quick-input-widget input.input').fill('./raw');
    await page.locator('.quick-input-widget input.input').press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'File name' }).waitFor({ state: 'visible' });
    await page.locator('.quick-input-widget input.input').fill('etl');
    await page.locator('.quick-input-widget input.input').press('Enter');
    await page.locator('.tab[aria-label^="etl.workflow.yaml"]').waitFor();
    const dag = await dagFrame('etl');
    await card(dag, 'load').waitFor();
    const made = readFileSync(join(workspace, 'etl.workflow.yaml'), 'utf8');
    if (!/default: \.\/raw/.test(made) || !made.includes('# Extract once, transform in parallel')) throw new Error(`the template was not filled in:\n${made}`);
    await dag.locator('[data-testid="run"]').click();
    await dag.locator('[data-testid="run-header"][data-status="completed"]', { hasText: '5/5 nodes' }).waitFor({ timeout: 60_000 });
    await shot('11a-template-run');
    // Exported to Argo Workflows: the file is written beside it and opens.
    await page.locator('.tab[aria-label^="etl.workflow.yaml"]').click();
    await palette('Maestro: Export Workflow');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Argo Workflows: Workflow' }).first().click();
    // The save dialog (VS Code's own, in code-server) offers etl.argo.yaml beside the workflow.
    const save = page.locator('.quick-input-widget input.input');
    await save.waitFor({ state: 'visible' });
    await page.waitForFunction(() => /etl\.argo\.yaml$/.test(document.querySelector('.quick-input-widget input.input')?.value ?? ''), null, {
      timeout: 10_000,
    });
    await save.press('Enter');
    await page.locator('.tab[aria-label^="etl.argo.yaml"]').waitFor();
    const argo = readFileSync(join(workspace, 'etl.argo.yaml'), 'utf8');
    for (const expected of ['kind: Workflow', '- name: load', 'dependencies: [clean, enrich, aggregate]', 'retryStrategy:', 'value: ./raw']) {
      if (!argo.includes(expected)) throw new Error(`the export lacks '${expected}':\n${argo}`);
    }
    await shot('11b-exported-to-argo');
  });

  await step('12-insights-find-the-flaky-node', async () => {
    await openFile('sometimes.workflow.yaml');
    // Five runs, one after the other: each has ended (its record says so) before the next starts.
    const ended = () => {
      const folder = join(workspace, '.maestro', 'runs');
      return readdirSync(folder)
        .filter((id) => existsSync(join(folder, id, 'run.json')))
        .map((id) => JSON.parse(readFileSync(join(folder, id, 'run.json'), 'utf8')))
        .filter((r) => r.workflowName === 'Sometimes' && r.status === 'completed').length;
    };
    for (let i = 1; i <= 5; i++) {
      await palette('Maestro: Run Workflow');
      for (const deadline = Date.now() + 30_000; ended() < i; await page.waitForTimeout(100))
        if (Date.now() > deadline) throw new Error(`run ${i} did not end`);
    }
    await openFile('sometimes.workflow.yaml');
    await palette('Maestro: Show Insights');
    let insights;
    for (const deadline = Date.now() + 30_000; !insights;) {
      for (const frame of page.frames())
        if (
          await frame
            .locator('main.insights')
            .count()
            .catch(() => 0)
        )
          insights = frame;
      if (!insights && Date.now() > deadline) throw new Error('no Insights panel on screen');
      if (!insights) await page.waitForTimeout(200);
    }
    await insights.locator('[data-testid="flaky"] li[data-node="upload"]').waitFor();
    const flaky = await insights.locator('[data-testid="flaky"] li[data-node="upload"]').innerText();
    if (!/passed on a retry in [5-9] runs/.test(flaky)) throw new Error(`the flaky node is not shown as such: ${flaky}`);
    const basedOn = await insights.locator('[data-testid="based-on"]').innerText();
    if (!/Based on [5-9] of [5-9] runs/.test(basedOn)) throw new Error(`unexpected: ${basedOn}`);
    await shot('12a-insights');
    // One click on a run where it happened opens that run in the DAG panel.
    await insights.locator('[data-testid="flaky"] li[data-node="upload"] .run-link').first().click();
    const dag = await dagFrame('Sometimes');
    await card(dag, 'upload', 'completed').waitFor();
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
    // The lenses above the nodes follow the resumed run to its end, as the panel does.
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

  return steps;
}
