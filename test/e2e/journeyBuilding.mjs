// The journey's building steps: a diamond built with the mouse in the DAG panel, a workflow from a template exported
// to Argo Workflows, one imported from GitHub Actions and run, and the Insights panel finding a flaky node over five
// runs.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The secret typed for the imported workflow's `secrets.STAMP_KEY`. */
const STAMP_KEY = 'correct-horse-battery-staple';
/** The token typed for its `secrets.GITHUB_TOKEN`. */
const GITHUB_TOKEN = 'ghp_typed-in-token';

export async function buildingSteps(d) {
  const { page, workspace, shot, palette, openFile, dagFrame, card, step, notifications, rightClickLine, chooseFromMenu } = d;
  await step('10-build-a-diamond-with-the-mouse', async () => {
    // New Workflow… on a folder, from the explorer's context menu: a file there, its panel beside it.
    await page.keyboard.press('Escape');
    await palette('View: Show Explorer');
    await page.locator('.explorer-folders-view .monaco-list-row[aria-label="pipelines"]').click({ button: 'right' });
    await chooseFromMenu('New Workflow…');
    await page.locator('.quick-input-widget', { hasText: 'File name' }).waitFor({ state: 'visible' });
    await page.locator('.quick-input-widget input.input').fill('diamond');
    await page.locator('.quick-input-widget input.input').press('Enter');
    await page.locator('.tab[aria-label^="diamond.workflow.yaml"]').waitFor();
    const dag = await dagFrame('diamond');
    await card(dag, 'start').waitFor();
    // Room for the graph: the workbench's bottom panel (Problems, from earlier steps) and the DAG's timeline close.
    if (await page.locator('.part.panel.bottom').isVisible()) await palette('View: Toggle Panel Visibility');
    // (A panel that opened short has it folded already.)
    if (await dag.locator('.analysis:not(.closed)').count()) await dag.locator('[data-testid="toggle-bottom"]').click();
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
    // A script that reads an output as shell code: the card counts the warning, the form offers the editor's fix.
    await card(dag, 'step-3').click();
    await script.fill('echo "closed at ${{ nodes.step.outputs.version }}"');
    await script.press('Control+Enter');
    await card(dag, 'step-3').locator('[data-testid="card-problems"]').waitFor();
    const fix = dag.getByRole('button', { name: 'Pass nodes.step.outputs.version to the script in $VERSION' });
    await fix.waitFor();
    await fix.scrollIntoViewIfNeeded();
    // The editor shows the changed script from its line's start: its keys are not scrolled out at the left.
    const scrolledLeft = await page
      .locator('.editor-group-container .monaco-editor .lines-content')
      .first()
      .evaluate((e) => -parseFloat(e.style.left || '0'));
    if (scrolledLeft > 0) throw new Error(`the editor scrolled ${scrolledLeft}px sideways to show the change`);
    await shot('10b-panel-offers-a-fix');
    await fix.click();
    await dag.waitForFunction(() => document.querySelector('[data-field="run"]')?.value === 'echo "closed at ${VERSION}"');
    await card(dag, 'step-3').locator('[data-testid="card-problems"]').waitFor({ state: 'detached' });
    // The editor draws spaces as no-break spaces.
    await editor.getByText(/VERSION:\s"?\$\{\{\snodes\.step\.outputs\.version\s\}\}/).waitFor();
    await editor.click();
    await page.keyboard.press('Control+S');
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

  await step('11c-import-from-github-actions-and-run-it', async () => {
    // Import Workflow…: VS Code's open dialog starts in .github/workflows, the save dialog offers stamp.workflow.yaml.
    await palette('Maestro: Import Workflow');
    const dialog = page.locator('.quick-input-widget input.input');
    await dialog.waitFor({ state: 'visible' });
    await page.waitForFunction(() => /\.github\/workflows\/?$/.test(document.querySelector('.quick-input-widget input.input')?.value ?? ''), null, {
      timeout: 10_000,
    });
    await dialog.fill(join(workspace, '.github', 'workflows', 'stamp.yml'));
    await dialog.press('Enter');
    await page.waitForFunction(() => /stamp\.workflow\.yaml$/.test(document.querySelector('.quick-input-widget input.input')?.value ?? ''), null, {
      timeout: 10_000,
    });
    await dialog.press('Enter');
    await page.locator('.tab[aria-label^="stamp.workflow.yaml"]').waitFor();
    const made = readFileSync(join(workspace, 'stamp.workflow.yaml'), 'utf8');
    if (!made.includes('${{ inputs.github_sha }}') || !/github_sha:\n\s+type: string\n\s+required: true/.test(made))
      throw new Error(`github.sha was not made an input:\n${made}`);
    // Run from Here with no run yet runs it all: it asks for the input first, and Escape starts nothing.
    // From the editor's menu on the node's script (the palette's own click would move the cursor).
    await rightClickLine('stamp.workflow.yaml', 'stamped.txt');
    await chooseFromMenu('Run from Here');
    await page.locator('.quick-input-widget', { hasText: 'which GitHub gives a run' }).waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    // Run Workflow asks for the input a run cannot start without, described as the import wrote it, and filled in
    // with the commit the workspace's checkout is at: accepted as it is. When no prompt comes (seen once in CI, after
    // a menu's Enter the editor took as a line break too), the command is given again.
    const asks = page.locator('.quick-input-widget', {
      hasText: "which GitHub gives a run: give its value when you run this one (filled in: this checkout's)",
    });
    for (let attempt = 1; ; attempt++) {
      await page.locator('.tab[aria-label^="stamp.workflow.yaml"]').click();
      await palette('Maestro: Run Workflow');
      if (
        await asks.waitFor({ state: 'visible', timeout: 15_000 }).then(
          () => true,
          () => false,
        )
      )
        break;
      if (attempt === 2) throw new Error('Run Workflow did not ask for github_sha');
    }
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: workspace, encoding: 'utf8' }).trim();
    await page.waitForFunction((sha) => document.querySelector('.quick-input-widget input.input')?.value === sha, head, { timeout: 10_000 });
    await shot('11c-run-asks-for-github-sha');
    await dialog.press('Enter');
    // The repository's secret is a secret input: asked for in a password box, nothing filled in.
    await page.locator('.quick-input-widget', { hasText: 'secret: masked in logs, not kept with the run' }).waitFor({ state: 'visible' });
    if ((await dialog.getAttribute('type')) !== 'password') throw new Error('the secret input is asked for in plain sight');
    if ((await dialog.inputValue()) !== '') throw new Error('the secret input came filled in');
    await dialog.fill(STAMP_KEY);
    await shot('11c-run-asks-for-the-secret');
    await dialog.press('Enter');
    // GitHub's token: a password box whose GitHub button asks VS Code for the signed-in account's token. Its
    // consent dialog, declined here, leaves the box open saying so, and a token typed in is taken.
    await page.locator('.quick-input-widget', { hasText: 'The GitHub button: the token of the account VS Code is signed in to' }).waitFor({ state: 'visible' });
    if ((await dialog.getAttribute('type')) !== 'password') throw new Error('the GitHub token is asked for in plain sight');
    await page.locator('.quick-input-widget .action-label[aria-label="Use the GitHub account VS Code is signed in to"]').click();
    const consent = page.locator('.monaco-dialog-box', { hasText: 'GitHub' });
    await consent.waitFor({ state: 'visible' });
    await shot('11c-github-sign-in-asks-consent');
    await consent.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('.quick-input-widget', { hasText: 'No token from the GitHub sign-in' }).waitFor({ state: 'visible' });
    await dialog.fill(GITHUB_TOKEN);
    await dialog.press('Enter');
    const dag = await dagFrame('Stamp');
    await dag.locator('[data-testid="run-header"][data-status="completed"]').waitFor({ timeout: 60_000 });
    const prepared = readFileSync(join(workspace, 'prepared.txt'), 'utf8');
    if (prepared !== 'prepared for stamp\n') throw new Error(`the repository's composite action ran as '${prepared}'`);
    const stamped = readFileSync(join(workspace, 'stamped.txt'), 'utf8').trim();
    if (stamped !== head) throw new Error(`the run was given '${stamped}', not the checkout's ${head}`);
    const keyLength = readFileSync(join(workspace, 'keylength.txt'), 'utf8').trim();
    if (keyLength !== String(STAMP_KEY.length)) throw new Error(`the node was given a key of ${keyLength} characters, not the ${STAMP_KEY.length} typed`);
    const tokenLength = readFileSync(join(workspace, 'tokenlength.txt'), 'utf8').trim();
    if (tokenLength !== String(GITHUB_TOKEN.length))
      throw new Error(`the node was given a token of ${tokenLength} characters, not the ${GITHUB_TOKEN.length} typed`);
    const runsDir = join(workspace, '.maestro', 'runs');
    const stampRuns = readdirSync(runsDir).filter(
      (id) => existsSync(join(runsDir, id, 'run.json')) && readFileSync(join(runsDir, id, 'run.json'), 'utf8').includes('stamp.workflow.yaml'),
    );
    if (stampRuns.length !== 1) throw new Error(`${stampRuns.length} runs of stamp.workflow.yaml: Run from Here, given up, started one`);
    // Its files hold it masked, never as typed (the node's log is written a moment after the run's end is shown).
    const log = join(runsDir, stampRuns[0], 'logs', 'stamp.log');
    for (let i = 0; i < 100 && !(existsSync(log) && readFileSync(log, 'utf8').includes('signed with ***')); i++) await page.waitForTimeout(100);
    if (!readFileSync(log, 'utf8').includes('signed with ***'))
      throw new Error(`the node's log does not show the secret masked:\n${readFileSync(log, 'utf8')}`);
    const files = readdirSync(join(runsDir, stampRuns[0]), { recursive: true }).map((f) => join(runsDir, stampRuns[0], String(f)));
    if (files.some((f) => statSync(f).isFile() && readFileSync(f, 'utf8').includes(STAMP_KEY))) throw new Error("the secret was written to the run's files");
    // Run from Here continues that run from its log, which does not have the secret: the secret alone is asked again,
    // filled in with the value given last (kept in VS Code's secret storage), here replaced by another.
    await rightClickLine('stamp.workflow.yaml', 'stamped.txt');
    await chooseFromMenu('Run from Here');
    await page.locator('.quick-input-widget', { hasText: "the value given last time, from VS Code's secret storage" }).waitFor({ state: 'visible' });
    if ((await dialog.getAttribute('type')) !== 'password') throw new Error('the secret input is asked for again in plain sight');
    if ((await dialog.inputValue()) !== STAMP_KEY) throw new Error('the secret input was not filled in with the value given last');
    const otherKey = 'another-key';
    await dialog.fill(otherKey);
    await dialog.press('Enter');
    // The token typed is remembered too (one from the sign-in would be VS Code's to keep).
    await page.locator('.quick-input-widget', { hasText: 'The GitHub button' }).waitFor({ state: 'visible' });
    await page.waitForFunction((token) => document.querySelector('.quick-input-widget input.input')?.value === token, GITHUB_TOKEN, { timeout: 10_000 });
    await dialog.press('Enter');
    const keyFile = join(workspace, 'keylength.txt');
    for (let i = 0; i < 600 && readFileSync(keyFile, 'utf8').trim() !== String(otherKey.length); i++) await page.waitForTimeout(100);
    if (readFileSync(keyFile, 'utf8').trim() !== String(otherKey.length)) throw new Error('Run from Here did not run the node with the key given again');
    await palette('Maestro: Forget Remembered Secret Inputs');
    await notifications.getByText(/^Forgot 2 secret input values/).waitFor();
  });

  await step('11d-import-a-workflow-and-the-one-it-calls', async () => {
    await palette('Maestro: Import Workflow');
    const dialog = page.locator('.quick-input-widget input.input');
    await dialog.waitFor({ state: 'visible' });
    // The dialog writes its starting folder in once it has read it: a path typed before that is overwritten.
    await page.waitForFunction(() => /\.github\/workflows\/?$/.test(document.querySelector('.quick-input-widget input.input')?.value ?? ''), null, {
      timeout: 10_000,
    });
    await dialog.fill(join(workspace, '.github', 'workflows', 'hello.yml'));
    await dialog.press('Enter');
    await page.waitForFunction(() => /hello\.workflow\.yaml$/.test(document.querySelector('.quick-input-widget input.input')?.value ?? ''), null, {
      timeout: 30_000,
    });
    await dialog.press('Enter');
    await page.locator('.tab[aria-label^="hello.workflow.yaml"]').waitFor();
    // The workflow it calls is offered, and imported beside it as the node expects it.
    await notifications.getByText('hello.yml calls greet.yml: import it too, as greet.workflow.yaml?').waitFor();
    await shot('11d-offers-the-called-workflow');
    await notifications.getByRole('button', { name: 'Import' }).first().click();
    await notifications.getByText('Imported greet.workflow.yaml beside hello.workflow.yaml.').waitFor();
    if (!existsSync(join(workspace, 'greet.workflow.yaml'))) throw new Error('greet.workflow.yaml was not written');
    await page.locator('.tab[aria-label^="hello.workflow.yaml"]').click();
    await palette('Maestro: Run Workflow');
    const dag = await dagFrame('Hello');
    await dag.locator('[data-testid="run-header"][data-status="completed"]').waitFor({ timeout: 60_000 });
    const greeted = readFileSync(join(workspace, 'greeted.txt'), 'utf8');
    if (greeted !== 'hello team\n') throw new Error(`the called workflow was given '${greeted}', not what the call passes`);
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
}
