// Driving code-server's workbench for the editor bench: the palette, files, menus, the cursor, the DAG panel's frame
// and its marks. What is timed is taken at the step that counts (a menu item clicked again: the click that closed it).

/** Milliseconds from a key pressed in the editor until the status bar's Problems item counts `errors` errors. */
export async function keystrokeToProblems(page, key, errors) {
  const t0 = Date.now();
  await page.keyboard.press(key);
  await page.waitForFunction((n) => Number(/\d+/.exec(document.getElementById('status.problems')?.textContent ?? '')?.[0]) === n, errors, { timeout: 30_000 });
  return Date.now() - t0;
}

/** The DAG panel's webview frame, once it shows cards. */
export const panelWithCards = (page, timeout = 60_000) => frameWith(page, '.card', timeout);

/** Chooses a command in the palette; returns when it was chosen (Enter pressed). */
export async function palette(page, command) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${command}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: command }).first().waitFor();
  const chosen = Date.now();
  await input.press('Enter');
  return chosen;
}

export async function openFile(page, name, language = 'Maestro Workflow') {
  await palette(page, 'Go to File');
  await page.locator('.quick-input-widget input.input').fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().click();
  await page.locator(`.tab.active[aria-label^="${name}"]`).waitFor();
  // Its commands are offered once the workbench knows the file's language.
  await page.waitForFunction((language) => (document.getElementById('status.editor.mode')?.textContent ?? '').includes(language), language, {
    timeout: 60_000,
  });
}

/** The first frame that has an element `selector` matches. */
export async function frameWith(page, selector, timeout = 60_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const frame of page.frames())
      if (
        (await frame
          .locator(selector)
          .count()
          .catch(() => 0)) > 0
      )
        return frame;
    if (Date.now() > deadline) throw new Error(`no frame on screen with ${selector}`);
    await page.waitForTimeout(20);
  }
}

/**
 * Clicks an item of the context menu that is open; returns when the click that closed the menu was made. The
 * workbench can let a click on a menu just opened go (the menu stays open, its item highlighted): it is clicked again.
 */
export async function chooseMenuItem(page, name) {
  const item = page.getByRole('menuitem', { name });
  await item.waitFor();
  for (let attempt = 1; ; attempt++) {
    const chosen = Date.now();
    await item.click();
    const closed = await item.waitFor({ state: 'detached', timeout: 2_000 }).then(
      () => true,
      () => false,
    );
    if (closed) return chosen;
    if (attempt === 3) throw new Error(`the context menu stayed open after ${attempt} clicks on ${name}`);
  }
}

export async function closeAll(page) {
  await palette(page, 'View: Close All Editor Groups');
  await page.waitForFunction(() => document.querySelectorAll('.tab').length === 0, undefined, { timeout: 30_000 });
}
/** Puts the cursor at a line and column of the active editor, and waits until the status bar says it is there. */
export async function goTo(page, line, column) {
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Escape');
    await palette(page, 'View: Focus First Editor Group');
    await palette(page, 'Go to Line/Column');
    await page.keyboard.type(`${line}:${column}`);
    await page.keyboard.press('Enter');
    const there = await page
      .waitForFunction((at) => (document.getElementById('status.editor.selection')?.textContent ?? '').includes(at), `Ln ${line}, Col ${column}`, {
        timeout: 5_000,
      })
      .then(
        () => true,
        () => false,
      );
    if (there) return;
    if (attempt === 3) throw new Error(`could not put the cursor at ${line}:${column}`);
  }
}

/**
 * Until the panel has drawn `updates` more changes of its edges than it had drawn (`since`), and no layout is waited
 * for or being made: what an edit set going in the panel is over.
 */
export async function panelSettled(panel, since = 0, updates = 0) {
  await panel.waitForFunction(
    ({ since, updates }) => {
      const marks = performance.getEntriesByType('mark').map((m) => m.name);
      const updated = marks.filter((n) => n === 'maestro:graph-updated').length;
      const last = marks.filter((n) => n === 'maestro:layout-busy' || n === 'maestro:layout-idle').at(-1);
      return updated >= since + updates && last !== 'maestro:layout-busy';
    },
    { since, updates },
    { timeout: 60_000 },
  );
}

export const updatesDrawn = (panel) => panel.evaluate(() => performance.getEntriesByName('maestro:graph-updated').length);

export async function closePanel(page) {
  const tab = page.locator('.tab', { hasText: 'DAG ·' });
  // A middle click closes a tab, as in the desktop's.
  await tab.click({ button: 'middle' });
  await tab.waitFor({ state: 'detached' });
}
