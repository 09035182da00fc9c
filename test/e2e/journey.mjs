// The user's journey through the real workbench, driven like a person would: palette, editor, quick fixes,
// notifications, the Runs view and the status bar. Each step saves a screenshot.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export async function journey({ page, workspace, shots, log }) {
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
      await page.locator('.monaco-editor .view-lines').first().click({ position: { x: 5, y: 5 } }).catch(() => undefined);
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
      if (await row.waitFor({ state: 'hidden', timeout: 3_000 }).then(() => true, () => false)) break;
      if (attempt === 4) throw new Error(`the palette did not run '${command}'`);
    }
    // A picker shows only when there is a choice to make: each pick is made when its row appears.
    for (const pick of picks) {
      const choice = page.locator('.quick-input-list .monaco-list-row', { hasText: pick }).first();
      if (await choice.waitFor({ timeout: 4_000 }).then(() => true, () => false)) await choice.click();
    }
  };
  /** Answers an input box that the last command opened. */
  const acceptInputBox = async () => {
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.press('Enter');
  };
  const openFile = async (name) => {
    await page.keyboard.press('Escape');
    await palette('Go to File');
    const input = page.locator('.quick-input-widget input.input');
    await input.fill(name);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    await row.waitFor();
    await row.click();
    await page.locator('.tab.active', { hasText: name }).waitFor();
  };
  const waitForStatus = (text, timeout = 30_000) => statusBar.getByText(text).first().waitFor({ timeout });
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

  await step('02a-restricted-mode-runs-nothing', async () => {
    // The trust prompt comes up a moment after the workbench: wait for it, then choose Restricted Mode.
    const noTrust = page.getByRole('button', { name: /No, I don.t trust the authors/ });
    await noTrust.waitFor({ timeout: 30_000 });
    await noTrust.click();
    await statusBar.getByText('Restricted Mode').first().waitFor();
    await openFile('sdlc-parallel.workflow.yaml');
    await palette('Maestro: Run Workflow');
    await notifications.getByText(/does not run workflows in Restricted Mode/).waitFor();
    if (existsSync(join(workspace, '.maestro', 'runs'))) throw new Error('a run folder appeared in Restricted Mode');
  });

  await step('02b-trusting-the-workspace', async () => {
    await notifications.getByRole('button', { name: 'Manage Workspace Trust' }).first().click();
    await page.getByRole('button', { name: /^Trust$/ }).first().click();
    await page.locator('.tab.active', { hasText: /Trust/ }).waitFor({ state: 'visible' }).catch(() => undefined);
    await page.keyboard.press('Control+W');
  });

  await step('01-typo-in-needs-and-its-quick-fix', async () => {
    await openFile('typo.workflow.yaml');
    const word = page.locator('.view-line span', { hasText: 'biuld' }).first();
    await page.locator('.squiggly-error').first().waitFor();
    await page.keyboard.press('Control+Shift+M');
    await page.locator('.markers-panel').getByText(/did you mean 'build'\?/).first().waitFor();
    await shot('01a-typo-problem');
    await word.click();
    await page.keyboard.press('Control+.');
    await page.getByText("Change to 'build'").first().click();
    await page.locator('.squiggly-error').first().waitFor({ state: 'detached' });
    await page.locator('.markers-panel').getByText(/did you mean 'build'\?/).first().waitFor({ state: 'detached' });
    await page.keyboard.press('Control+S');
  });

  await step('03-run-from-the-palette', async () => {
    await openFile('sdlc-parallel.workflow.yaml');
    await palette('Maestro: Run Workflow');
    await waitForStatus(/SDLC parallel \d\/6/);
    await page.locator('.activitybar [aria-label^="Maestro"]').first().click();
    await page.locator('.pane-body').getByText('requirements').first().waitFor();
    await shot('03a-running');
    await waitForStatus('SDLC parallel completed');
  });

  await step('08-approval-gate', async () => {
    await openFile('gated.workflow.yaml');
    await palette('Maestro: Run Workflow');
    await page.locator('.pane-body').getByText('approve').first().waitFor();
    await palette('Maestro: Approve / Reject Gate…', 'Approve');
    await acceptInputBox();
    await waitForStatus('Gated completed');
  });

  await step('04-pause-and-resume', async () => {
    await openFile('long.workflow.yaml');
    await palette('Maestro: Run Workflow');
    await waitForStatus(/Long \d\/3/);
    await palette('Maestro: Pause Run');
    await page.locator('.pane-body').getByText(/paused/).first().waitFor({ timeout: 15_000 });
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
    writeFileSync(join(workspace, 'fixed.flag'), '');
    await palette('Maestro: Retry Node…', 'Flaky', 'check');
    await waitForStatus('Flaky completed');
  });

  return steps;
}
