// Drives the real workbench (code-server) as a person would: the palette, files, the status bar, notifications, code
// lenses, the DAG panel's frame; and the journey's steps, each saving a screenshot and failing alone.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { PLANTED_RUN } from './workspace.mjs';

export function workbenchDriver({ page, workspace, shots, log }) {
  const steps = [];
  const shot = (name) => page.screenshot({ path: join(shots, `${name}.png`) });
  const statusBar = page.locator('.part.statusbar');
  const notifications = page.locator('.notifications-toasts');

  // Opens the command palette and runs a command; tries again when focus was elsewhere or the list was late.
  const palette = (command, ...picks) => paletteIn(true, command, picks);
  /** Runs a command from the palette; `focusEditor`: in the first text editor on screen, else where the focus is. */
  const paletteIn = async (focusEditor, command, picks) => {
    const input = page.locator('.quick-input-widget input.input');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: command }).first();
    for (let attempt = 1; ; attempt++) {
      await page.keyboard.press('Escape');
      // Focus an editor, so that the palette runs against it; there may be none on screen (then it does not matter).
      // Its text input is focused, not clicked: a click moves the cursor, and one at a corner of the lines' element,
      // which is above the view in a scrolled editor, had the browser scroll the workbench to bring it into view.
      if (focusEditor)
        await page
          .locator('.editor-group-container .monaco-editor :is(textarea, .native-edit-context)')
          .first()
          .evaluate((input) => input.focus({ preventScroll: true }), undefined, { timeout: 2_000 })
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
    // In the first group, whichever had the focus: a DAG panel's group would take the file beside the panel, and the
    // steps after would find another layout (a card's definition then opens in a third group).
    await palette('View: Focus First Editor Group');
    await paletteIn(false, 'Go to File', []);
    const input = page.locator('.quick-input-widget input.input');
    await input.fill(name);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    await row.waitFor();
    await row.click();
    await page.locator(`.tab.active[aria-label^="${name}"]`).first().waitFor();
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
  /** Brings the first lines of a file's editor into view (its tab clicked, the cursor put at the start). */
  const revealTop = async (file) => {
    await page.locator(`.tab.active[aria-label^="${file}"]`).first().click();
    await page.keyboard.press('Control+Home');
  };
  const lensesSaying = async (file, pattern, count, timeout = 15_000) => {
    const deadline = Date.now() + timeout;
    let revealed = false;
    for (let seen = await lensCount(file, pattern); seen !== count; seen = await lensCount(file, pattern)) {
      if (Date.now() > deadline) throw new Error(`${file}: ${seen} code lenses say ${pattern}, not ${count}`);
      // The editor draws the lenses of the lines in view only: one left scrolled past them shows none.
      if (!revealed && deadline - Date.now() < timeout / 2) {
        revealed = true;
        await revealTop(file);
      }
      await page.waitForTimeout(100);
    }
  };
  /**
   * Right-clicks the line of a file's editor that holds `text`, brought into view first with Go to Line as a user
   * would (an editor left scrolled elsewhere draws none of the lines out of view). The click lands at the line's start:
   * a line's element is as wide as the file's longest line, and a click at its middle scrolls the editor sideways
   * past every line's end.
   */
  const rightClickLine = async (file, text) => {
    const line =
      readFileSync(join(workspace, file), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes(text)) + 1;
    if (line === 0) throw new Error(`${file} has no line with ${text}`);
    // Go to Line is tried again when its box went away under the keystrokes (a dialog or a notification that came
    // and went makes the workbench inert for a moment); what the editor took of them then is taken back.
    const tab = page.locator(`.tab[aria-label^="${file}"]`).first();
    const dirty = () => tab.evaluate((t) => t.classList.contains('dirty'));
    for (let attempt = 1; ; attempt++) {
      try {
        await page.keyboard.press('Escape');
        await tab.click();
        const wasDirty = await dirty();
        await page.keyboard.press('Control+G');
        // Its box, open and holding the keyboard, with the ':' it opens with.
        await page.waitForFunction(
          () => {
            const input = document.querySelector('.quick-input-widget input.input');
            return !!input && input.offsetParent !== null && document.activeElement === input && input.value.startsWith(':');
          },
          undefined,
          { timeout: 5_000 },
        );
        await page.locator('.quick-input-widget input.input').fill(`:${line}`, { timeout: 5_000 });
        await page.keyboard.press('Enter');
        if (!wasDirty && (await dirty())) {
          for (let undo = 0; undo < 5 && (await dirty()); undo++) await page.keyboard.press('Control+Z');
          throw new Error(`the editor took the keystrokes meant for Go to Line ${line}`);
        }
        await page
          .locator('.statusbar-item', { hasText: `Ln ${line},` })
          .first()
          .waitFor({ timeout: 5_000 });
        await page.locator('.editor-group-container .view-line', { hasText: text }).first().waitFor({ timeout: 5_000 });
        break;
      } catch (e) {
        if (attempt === 4) throw e;
      }
    }
    // The line's start may lie out of view (the editor scrolled sideways along a long line, or drawing it anew), where
    // another line takes the click: then the menu is opened from the keyboard, at the cursor Go to Line put there.
    try {
      await page
        .locator('.editor-group-container .view-line', { hasText: text })
        .first()
        .click({ button: 'right', position: { x: 2, y: 2 }, timeout: 5_000 });
    } catch {
      await page.keyboard.press('Shift+F10');
    }
  };
  /**
   * Chooses an item of the open context menu with the mouse. A menu takes an item's click only once it has been open
   * a moment (about 100 ms in VS Code), and Enter reaches the menu only when it holds the keyboard's focus (else the
   * editor takes it as a line break): the item is clicked, and clicked again while the menu stays open.
   */
  const chooseFromMenu = async (label) => {
    const item = page.locator('.monaco-menu .action-label', { hasText: label }).first();
    await item.waitFor({ state: 'visible' });
    for (let attempt = 1; ; attempt++) {
      await page.waitForTimeout(300);
      await item.click({ timeout: 2_000 }).catch(() => undefined);
      try {
        await item.waitFor({ state: 'hidden', timeout: 2_000 });
        return;
      } catch (e) {
        if (attempt === 5) throw new Error(`the menu's '${label}' could not be chosen: ${e.message.split('\n')[0]}`);
      }
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

  return {
    page,
    workspace,
    steps,
    shot,
    statusBar,
    notifications,
    palette,
    acceptInputBox,
    openFile,
    waitForStatus,
    dagFrame,
    card,
    lensCount,
    lensesSaying,
    rightClickLine,
    chooseFromMenu,
    step,
    noPlantedOffer,
  };
}
