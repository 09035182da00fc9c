// The validator's fixes in the builder's forms, in Chromium, against the stand-in host: each problem lists the fixes
// the editor's light bulb has, and one click applies one.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { shots, useBuilderPanels } from './builderHost';

describe("DAG panel builder in Chromium: the validator's fixes", function () {
  this.timeout(60_000);
  const { panel, textMatches } = useBuilderPanels();

  it("applies a node's fix from its form: the read of a node it does not need, a misspelt node", async () => {
    const text = [
      'version: 1',
      'name: F',
      'nodes:',
      '  build: { run: make }   # kept',
      '  deploy:',
      '    run: ./deploy.sh',
      '    env: { VERSION: "${{ nodes.build.outputs.version }}", BUILT: "${{ nodes.biuld.status }}" }',
      '',
    ].join('\n');
    const { page, host } = await panel({ width: 500, height: 800 }, text);
    // The card says how many problems the node has; its details link to the first, under its field.
    assert.equal(await page.locator('.card[data-node="deploy"] [data-testid="card-problems"]').innerText(), '2');
    assert.match((await page.locator('.card[data-node="deploy"]').getAttribute('aria-label'))!, /, 2 problems: not run/);
    assert.equal(await page.locator('.card[data-node="build"] [data-testid="card-problems"]').count(), 0);
    // F8 from the graph goes to the node with problems, as in the editor, and says where it is.
    await page.getByTestId('canvas').focus();
    await page.keyboard.press('F8');
    await page.waitForSelector('.card.selected[data-node="deploy"]');
    assert.equal(await page.getByTestId('announcer').innerText(), 'deploy: 2 problems, node 1 of 1 with problems');
    await page.getByTestId('details-problems').click();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Add 'build' to the needs of 'deploy'");
    const addNeeds = page.getByRole('button', { name: "Add 'build' to the needs of 'deploy'" });
    await addNeeds.waitFor();
    await page.screenshot({ path: join(shots, 'builder-fixes-500.png') });
    // Each problem in its severity's colour, and named so for a screen reader.
    assert.deepEqual(
      await page
        .locator('.form-problems li')
        .evaluateAll((items: Element[]) => items.map((li): [string, string] => [li.className, (li.textContent ?? '').split(':')[0]])),
      [
        ['problem-error', 'Error'],
        ['problem-error', 'Error'],
      ],
    );
    await addNeeds.click();
    await textMatches(host, / {2}deploy:\n {4}needs: build\n/);
    assert.deepEqual(host.edits.at(-1)!.action, {
      type: 'fix',
      id: 'deploy',
      message: "nodes.build: 'build' is not upstream of 'deploy', so its results would not exist yet: add it to needs",
      title: "Add 'build' to the needs of 'deploy'",
    });
    await addNeeds.waitFor({ state: 'detached' });
    // The focus stays in the form, for the next problem's fix to be a Tab away.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Properties of deploy');
    await page.getByRole('button', { name: "Change to 'build'" }).click();
    await textMatches(host, /nodes\.build\.status/);
    assert.deepEqual(validateWorkflow(host.text()).diagnostics, []);
    assert.ok(host.text().includes('  build: { run: make }   # kept\n'), 'the comment stays');
    await page.locator('.form-problems').waitFor({ state: 'detached' });
  });

  it('shows a warning in the warning colour below its field, named as one for a screen reader', async () => {
    const text = [
      'version: 1',
      'name: W',
      'nodes:',
      '  build: { run: make }',
      '  ship:',
      '    needs: build',
      '    run: echo "${{ nodes.build.outputs.v }}"',
      '',
    ].join('\n');
    const { page } = await panel({ width: 500, height: 800 }, text);
    await page.locator('.card[data-node="ship"]').click();
    const warning = page.locator('.form-problems li.problem-warning');
    await warning.waitFor();
    assert.match((await warning.textContent())!, /^Warning: nodes\.build\.outputs\.v goes into the script as shell code/);
    // Not the error colour: the theme's warning colour, mixed with the foreground to be read as text.
    const colours = await page.evaluate(() => {
      const probe = document.createElement('li');
      document.querySelector('.form-problems')!.append(probe);
      const error = getComputedStyle(probe).color;
      probe.remove();
      return { error, warning: getComputedStyle(document.querySelector('.form-problems li.problem-warning')!).color };
    });
    assert.notEqual(colours.warning, colours.error);
    // Its field is marked as warned, not as holding an invalid value.
    const script = page.locator('[data-field="run"]');
    assert.deepEqual([await script.getAttribute('aria-invalid'), await script.getAttribute('data-warning')], [null, 'true']);
    await warning.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'builder-warning-500.png') });
  });

  it("applies a fix of the workflow's settings from the settings form", async () => {
    const text = ['version: 1', 'name: F', 'inputs: { env: { default: prod } }', 'mutex: deploy-${{ input.env }}', 'nodes:', '  a: { run: x }', ''].join('\n');
    const { page, host } = await panel({ width: 500, height: 800 }, text);
    await page.getByTestId('workflow-settings-button').click();
    await page.getByRole('button', { name: "Change to 'inputs'" }).click();
    await textMatches(host, /mutex: deploy-\$\{\{ inputs\.env \}\}/);
    const asked = host.edits.at(-1)!.action;
    assert.ok(asked.type === 'fix' && asked.id === undefined && asked.title === "Change to 'inputs'", JSON.stringify(asked));
    assert.deepEqual(validateWorkflow(host.text()).diagnostics, []);
  });

  it("lists the file's own problems below the settings, with their fixes: a missing version", async () => {
    const text = ['# Ships it.', 'name: F', 'nodes:', '  a: { run: x }', ''].join('\n');
    const { page, host } = await panel({ width: 500, height: 800 }, text);
    await page.getByTestId('workflow-settings-button').click();
    await page.getByRole('button', { name: "Add 'version: 1'" }).click();
    await textMatches(host, /^# Ships it\.\nversion: 1\nname: F\n/);
    assert.deepEqual(validateWorkflow(host.text()).diagnostics, []);
  });
});
