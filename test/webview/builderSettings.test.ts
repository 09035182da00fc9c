// The workflow's own settings and inputs in the builder's settings form, in Chromium, against the stand-in host.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { shots, useBuilderPanels } from './builderHost';

describe("DAG panel builder in Chromium: the workflow's settings", function () {
  this.timeout(60_000);
  const { panel, textMatches } = useBuilderPanels();

  it("edits the workflow's own settings from the toolbar, above nodes:, comments kept; refuses or shows what is wrong", async () => {
    const text = ['# Ships the app.', 'version: 1', 'name: Ship   # in the Runs view', '', '# The steps:', 'nodes:', '  build: { run: make }', ''].join('\n');
    const { page, host } = await panel({ width: 500, height: 800 }, text);
    const button = page.getByTestId('workflow-settings-button');
    await button.click();
    await page.getByTestId('workflow-settings').waitFor();
    assert.equal(await button.getAttribute('aria-pressed'), 'true');
    assert.equal(await page.locator('[data-field="name"]').inputValue(), 'Ship');
    const timeout = page.locator('[data-field="timeout"]');
    await timeout.fill('30m');
    await timeout.press('Enter');
    await textMatches(host, /\n\ntimeout: 30m\n# The steps:\nnodes:/);
    assert.deepEqual(host.edits.at(-1)!.action, { type: 'setWorkflow', key: 'timeout', value: '30m' });
    const mutex = page.locator('[data-field="mutex"]');
    await mutex.fill('deploy-prod');
    await mutex.press('Enter');
    await textMatches(host, /\ntimeout: 30m\nmutex: deploy-prod\n# The steps:/);
    assert.ok(host.text().startsWith('# Ships the app.\nversion: 1\nname: Ship   # in the Runs view\n'), 'the comments stay');
    assert.deepEqual(validateWorkflow(host.text()).diagnostics, []);
    // Refused in the form, nothing asked of the host: a concurrency of 0, a workflow without a name.
    const edits = host.edits.length;
    const concurrency = page.locator('[data-field="concurrency"]');
    await concurrency.fill('0');
    await concurrency.press('Enter');
    await page.getByText('a whole number, 1 or more').waitFor();
    const name = page.locator('[data-field="name"]');
    await name.fill(' ');
    await name.press('Enter');
    await page.getByText('a workflow needs its name').waitFor();
    assert.equal(host.edits.length, edits);
    await name.press('Escape');
    await concurrency.press('Escape');
    // What the validator finds wrong shows at its field.
    await timeout.fill('soon');
    await timeout.press('Enter');
    await textMatches(host, /\ntimeout: soon\n/);
    await page.waitForFunction(() => document.querySelector('[data-field="timeout"]')?.getAttribute('aria-invalid') === 'true');
    await page.screenshot({ path: join(shots, 'workflow-settings-500.png') });
    // A node's details take the place of the settings; the toolbar's button brings them back.
    await page.click('.card[data-node="build"]');
    await page.locator('[data-testid="details"]').waitFor();
    assert.equal(await page.getByTestId('workflow-settings').count(), 0);
    assert.equal(await button.getAttribute('aria-pressed'), 'false');
    await button.click();
    await page.getByTestId('workflow-settings').waitFor();
    // Escape in a field with nothing typed closes them, as a node's details.
    await name.focus();
    await page.keyboard.press('Escape');
    await page.getByTestId('workflow-settings').waitFor({ state: 'detached' });
  });

  it("adds the workflow's inputs in its settings, sets each one's type, required, default and description, renames and removes them", async () => {
    const text = ['version: 1', 'name: Ship', 'nodes:', '  build:', '    run: make', "    env: { TARGET: '${{ inputs.target }}' }", ''].join('\n');
    const { page, host } = await panel({ width: 500, height: 900 }, text);
    await page.getByTestId('workflow-settings-button').click();
    const add = page.locator('[data-field="new-input"]');
    await add.fill('1st');
    await add.press('Enter');
    await page.getByText('a letter or _, then letters, digits, _ or -').waitFor();
    await add.fill('target');
    await add.press('Enter');
    await textMatches(host, /\nname: Ship\ninputs:\n {2}target:\n {4}type: string\nnodes:/);
    const target = page.locator('fieldset[data-input="target"]');
    await target.waitFor();
    assert.equal(await page.locator('[data-field="new-input"]').inputValue(), '', 'the field is empty for the next one');
    await target.getByLabel('Required').click();
    await textMatches(host, /\n {2}target:\n {4}type: string\n {4}required: true\n/);
    await target.getByTestId('input-type-target').selectOption('number');
    await textMatches(host, /\n {4}type: number\n {4}required: true\n/);
    const fallback = page.locator('[data-field="default-target"]');
    await fallback.fill('many');
    await fallback.press('Enter');
    await page.getByText('a number', { exact: true }).waitFor();
    await fallback.fill('3');
    await fallback.press('Enter');
    await textMatches(host, /\n {4}default: 3\n/);
    const description = page.locator('[data-field="description-target"]');
    await description.fill('How many to deploy');
    await description.press('Control+Enter');
    await textMatches(host, /\n {4}description: How many to deploy\n/);
    assert.deepEqual(validateWorkflow(host.text()).workflow.inputs.target, {
      name: 'target',
      type: 'number',
      required: true,
      default: 3,
      description: 'How many to deploy',
    });
    assert.deepEqual(validateWorkflow(host.text()).diagnostics, []);
    // Only text is secret, and a secret has no default (the file would hold its value).
    assert.equal(await target.getByLabel(/^Secret/).count(), 0, 'a number is not secret');
    await target.getByTestId('input-type-target').selectOption('string');
    await textMatches(host, /\n {4}type: string\n {4}required: true\n {4}description: How many to deploy\n/);
    await target.getByLabel(/^Secret/).click();
    await textMatches(host, /\n {4}required: true\n {4}secret: true\n/);
    await page.locator('[data-field="default-target"]').waitFor({ state: 'detached' });
    assert.deepEqual(validateWorkflow(host.text()).diagnostics, []);
    // A new name: what reads the input follows.
    const name = page.locator('[data-field="name-target"]');
    await name.fill('where to');
    await name.press('Enter');
    await page.getByText('a letter or _, then letters, digits, _ or -').waitFor();
    await name.fill('where');
    await name.press('Enter');
    await textMatches(host, /\n {2}where:\n {4}type: string\n[^]*TARGET: '\$\{\{ inputs\.where \}\}'/);
    const where = page.locator('fieldset[data-input="where"]');
    await where.waitFor();
    assert.deepEqual(validateWorkflow(host.text()).diagnostics, []);
    await page.screenshot({ path: join(shots, 'workflow-inputs-500.png') });
    await where.getByTitle('Remove the input where').click();
    await textMatches(host, /^version: 1\nname: Ship\nnodes:\n/);
    assert.equal(host.text(), text.replace('inputs.target', 'inputs.where'));
  });

  it("sets the environment and the defaults of every node in the settings, defaults: away with the last, and shows a default's problem at its field", async () => {
    const text = ['version: 1', 'name: Ship', 'nodes:', '  build:', '    run: make', ''].join('\n');
    const { page, host } = await panel({ width: 500, height: 900 }, text);
    await page.getByTestId('workflow-settings-button').click();
    const env = page.locator('[data-field="env"]');
    await env.fill('REGION=eu-west-1\nnot a pair');
    await env.press('Control+Enter');
    await page.getByText("'not a pair' is not NAME=value").waitFor();
    await env.fill('REGION=eu-west-1\nLEVEL=debug: all');
    await env.press('Control+Enter');
    await textMatches(host, /\nname: Ship\nenv:\n {2}REGION: eu-west-1\n {2}LEVEL: "debug: all"\nnodes:/);
    const timeout = page.locator('[data-field="defaults.timeout"]');
    await timeout.fill('soon');
    await timeout.press('Enter');
    await textMatches(host, /\ndefaults:\n {2}timeout: soon\nnodes:/);
    await page.waitForFunction(() => document.querySelector('[data-field="defaults.timeout"]')?.getAttribute('aria-invalid') === 'true');
    await timeout.fill('10m');
    await timeout.press('Enter');
    const retry = page.locator('[data-field="defaults.retry"]');
    await retry.fill('2');
    await retry.press('Enter');
    await textMatches(host, /\ndefaults:\n {2}timeout: 10m\n {2}retry: 2\nnodes:/);
    await page.locator('[data-field="defaults.shell"]').fill('bash -x');
    await page.locator('[data-field="defaults.shell"]').press('Enter');
    await textMatches(host, /\n {2}shell: bash -x\nnodes:/);
    assert.deepEqual(validateWorkflow(host.text()).diagnostics, []);
    assert.deepEqual(host.edits.at(-1)!.action, { type: 'setWorkflow', key: 'defaults.shell', value: 'bash -x' });
    await page.getByRole('region', { name: 'Defaults of every node' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'workflow-defaults-500.png') });
    for (const key of ['env', 'defaults.timeout', 'defaults.retry', 'defaults.shell']) {
      const field = page.locator(`[data-field="${key}"]`);
      await field.fill('');
      await field.press(key === 'env' ? 'Control+Enter' : 'Enter');
      await textMatches(host, new RegExp(`^(?![^]*\\n {0,2}${key.replace('defaults.', '')}:)`));
    }
    assert.equal(host.text(), text, 'defaults: goes with its last entry');
  });
});
