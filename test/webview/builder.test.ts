// The builder in Chromium, against a stand-in host that does what the extension does with an edit: the engine
// plans it on the text, the text changes, the panel gets the new graph. Screenshots go to test-results/webview/.
import { strict as assert } from 'node:assert';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { applyEdits, planEdit } from '../../src/engine/edits/actions';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex } from '../../src/engine/workflowIndex';
import type { HostMessage, WebviewMessage } from '../../src/webview/protocol';
import { exampleText, graphOf, root } from './fixtures';
import { launchChromium, openPanel, posted, send, startHarness, type Harness } from './harness';

const shots = join(root, 'test-results', 'webview');
const WORKFLOW = { uri: 'file:///work/sdlc-parallel.workflow.yaml', name: 'SDLC parallel' };

type Edit = Extract<WebviewMessage, { type: 'edit' }> & { requestId: number };
type FilesRequest = Extract<WebviewMessage, { type: 'workflowFiles' }> & { requestId: number };

/** The workflow files the stand-in host offers a sub-workflow node, as the extension writes them. */
const WORKFLOW_FILES = ['./deploy.workflow.yaml', './release/ship.workflow.yaml', '../shared/build.workflow.yaml'];

/** Answers the panel's edit requests as the host does, keeping the workflow's text; `text()` is the text now. */
function fakeHost(page: Page, initial: string) {
  let text = initial;
  let seen = 0;
  let filesSeen = 0;
  let stopped = false;
  const edits: Edit[] = [];
  const loop = async () => {
    while (!stopped) {
      const all: WebviewMessage[] = await posted(page).catch(() => []);
      const requests = all.filter((m): m is Edit => m.type === 'edit');
      for (const r of requests.slice(seen)) {
        edits.push(r);
        const outcome = planEdit(buildIndex(validateWorkflow(text)), r.action);
        if ('error' in outcome) {
          await send(page, { type: 'reply', requestId: r.requestId, ok: false, error: outcome.error });
          continue;
        }
        text = applyEdits(text, outcome.edits);
        await send(page, { type: 'graph', graph: graphOf(text) });
        await send(page, { type: 'reply', requestId: r.requestId, ok: true, result: { applied: true, ...(outcome.select ? { select: outcome.select } : {}) } });
      }
      seen = requests.length;
      const asked = all.filter((m): m is FilesRequest => m.type === 'workflowFiles');
      for (const r of asked.slice(filesSeen)) await send(page, { type: 'reply', requestId: r.requestId, ok: true, result: { files: WORKFLOW_FILES } });
      filesSeen = asked.length;
      await new Promise((r) => setTimeout(r, 30));
    }
  };
  void loop();
  return { text: () => text, edits, stop: () => (stopped = true) };
}

/** Waits until a node's card is wholly inside the graph's part of the panel (the view may still be moving to it). */
async function assertInGraph(page: Page, id: string): Promise<void> {
  const inside = () =>
    page.evaluate((node) => {
      const graph = document.querySelector('.graph')!.getBoundingClientRect();
      const card = document.querySelector(`.card[data-node="${node}"]`)?.getBoundingClientRect();
      return !!card && card.left >= graph.left && card.top >= graph.top && card.right <= graph.right && card.bottom <= graph.bottom;
    }, id);
  for (let i = 0; i < 100 && !(await inside()); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(await inside(), `${id}'s card is not wholly in the graph's part of the panel`);
}

/** The centre of an element's box. */
async function centre(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const box = (await page.locator(selector).boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

describe('DAG panel builder in Chromium', function () {
  this.timeout(60_000);
  let harness: Harness;
  let browser: Browser;
  const sdlc = exampleText('sdlc-parallel.workflow.yaml');
  const init = (text: string): HostMessage => ({ type: 'init', workflow: WORKFLOW, graph: graphOf(text), runs: [], trusted: true });

  before(async () => {
    mkdirSync(shots, { recursive: true });
    harness = await startHarness(root);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  const open: { page: Page; host: ReturnType<typeof fakeHost> }[] = [];
  afterEach(async () => {
    for (const { page, host } of open.splice(0)) {
      host.stop();
      await page.close();
    }
  });

  async function panel(size?: { width: number; height: number }, text = sdlc) {
    const page = await openPanel(browser, harness, 'light', size);
    await send(page, init(text));
    await page.waitForSelector('.card');
    const opened = { page, host: fakeHost(page, text) };
    open.push(opened);
    return opened;
  }

  /** Waits until the stand-in host's text matches. */
  async function textMatches(host: ReturnType<typeof fakeHost>, pattern: RegExp): Promise<void> {
    for (let i = 0; i < 200 && !pattern.test(host.text()); i++) await new Promise((r) => setTimeout(r, 25));
    assert.match(host.text(), pattern);
  }

  it('connects by dragging from a card to another; the new edge is drawn', async () => {
    const { page, host } = await panel();
    await page.hover('.card[data-node="requirements"]');
    const from = await centre(page, '.card[data-node="requirements"] .react-flow__handle-bottom');
    const to = await centre(page, '.card[data-node="testing"]');
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 5 });
    await page.mouse.move(to.x, to.y, { steps: 5 });
    await page.locator('[data-testid="connection-line"]', { hasText: 'testing will need requirements' }).waitFor();
    await page.mouse.up();
    await page.waitForSelector('[data-edge="requirements->testing"]');
    assert.deepEqual(host.edits.at(-1)!.action, { type: 'connect', from: 'requirements', to: 'testing' });
    assert.match(host.text(), /needs: \[backend, frontend, requirements\]/);
    await page.screenshot({ path: join(shots, 'builder-connected.png') });
  });

  it('refuses at the pointer a connection that would close a cycle, and asks nothing of the host', async () => {
    const { page, host } = await panel();
    await page.hover('.card[data-node="deployment"]');
    const from = await centre(page, '.card[data-node="deployment"] .react-flow__handle-bottom');
    const to = await centre(page, '.card[data-node="design"]');
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(to.x, to.y, { steps: 8 });
    const line = page.locator('[data-testid="connection-line"].refused');
    await line.waitFor();
    assert.match((await line.getAttribute('data-problem'))!, /deployment needs design already: this would make a cycle/);
    await page.screenshot({ path: join(shots, 'builder-refused.png') });
    await page.mouse.up();
    await page
      .getByText(/Not connected: deployment needs design already/)
      .first()
      .waitFor();
    assert.equal(host.edits.length, 0);
  });

  it('adds a node after the selected one from the toolbar, and deletes one from its menu', async () => {
    const { page, host } = await panel();
    await page.click('.card[data-node="design"]');
    await page.click('[data-testid="add-node"]');
    await page.getByRole('menuitem', { name: 'Add approval gate' }).click();
    await page.waitForSelector('.card[data-node="approve"]');
    assert.deepEqual(host.edits.at(-1)!.action, { type: 'addNode', kind: 'approval', after: 'design', needs: ['design'] });
    await page.waitForSelector('.card.selected[data-node="approve"]');
    await page.click('.card[data-node="frontend"]', { button: 'right' });
    await page.getByRole('menuitem', { name: 'Delete…' }).click();
    await page.waitForSelector('.card[data-node="frontend"]', { state: 'detached' });
    assert.doesNotMatch(host.text(), /frontend:/);
    assert.match(host.text(), /needs: \[backend\]/, "testing's needs lose frontend");
  });

  it("adds a sub-workflow node whose form offers the workspace's workflow files", async () => {
    const { page, host } = await panel({ width: 500, height: 800 });
    await page.click('.card[data-node="deployment"]');
    await page.click('[data-testid="add-node"]');
    await page.getByRole('menuitem', { name: 'Add sub-workflow' }).click();
    // At 500 px the details take half the panel: the new card is brought into the part left to the graph.
    await page.waitForSelector('.card.selected[data-node="subflow"]');
    await assertInGraph(page, 'subflow');
    const field = page.locator('[data-field="workflow"]');
    const listId = await field.getAttribute('list');
    assert.ok(listId, 'the field has a list of choices');
    await page.waitForFunction((id) => document.getElementById(id)?.querySelectorAll('option').length === 3, listId);
    const offered = await page.evaluate((id) => [...document.getElementById(id)!.querySelectorAll('option')].map((o) => o.value), listId);
    assert.deepEqual(offered, WORKFLOW_FILES);
    await field.fill(WORKFLOW_FILES[1]);
    await field.press('Enter');
    await textMatches(host, / {2}subflow:\n {4}needs: deployment\n {4}workflow: \.\/release\/ship\.workflow\.yaml\n/);
    assert.deepEqual(host.edits.at(-1)!.action, { type: 'set', id: 'subflow', key: 'workflow', value: './release/ship.workflow.yaml' });
    await page.screenshot({ path: join(shots, 'builder-subworkflow-500.png') });
  });

  it('selects an edge with a click and deletes it with the Delete key', async () => {
    const { page, host } = await panel();
    await page.locator('[data-edge="design->frontend"] .edge-hit').click({ force: true });
    await page.waitForSelector('[data-edge="design->frontend"].selected');
    await page.keyboard.press('Delete');
    await page.waitForSelector('[data-edge="design->frontend"]', { state: 'detached' });
    assert.deepEqual(host.edits.at(-1)!.action, { type: 'disconnect', from: 'design', to: 'frontend' });
  });

  for (const [name, size] of [
    ['beside the editor', { width: 500, height: 800 }],
    ['at full width', { width: 1280, height: 800 }],
  ] as const) {
    it(`edits properties in the details form ${name}, each change one edit, problems shown in place`, async () => {
      const { page, host } = await panel(size);
      await page.click('.card[data-node="backend"]');
      const timeout = page.locator('[data-field="timeout"]');
      await timeout.fill('soon');
      await timeout.press('Enter');
      await page
        .locator('.details')
        .getByText(/invalid-duration|does not parse|not a duration|duration/i)
        .first()
        .waitFor();
      assert.deepEqual(host.edits.at(-1)!.action, { type: 'set', id: 'backend', key: 'timeout', value: 'soon' });
      await timeout.fill('5m');
      await timeout.press('Enter');
      await page.waitForFunction(() => !document.querySelector('[data-field="timeout"]')?.getAttribute('aria-invalid'));
      const script = page.locator('[data-field="run"]');
      await script.fill('echo one\necho two');
      await script.press('Control+Enter');
      await textMatches(host, / {4}timeout: 5m\n/);
      await textMatches(host, / {4}run: \|-\n {6}echo one\n {6}echo two\n/);
      await page.locator('[data-field="cache"]').click();
      await textMatches(host, / {4}cache: true\n/);
      assert.deepEqual(host.edits.at(-1)!.action, { type: 'set', id: 'backend', key: 'cache', value: true });
      await page.locator('[data-field="cache"]:checked').waitFor();
      // The graph stays in view: the details do not cover it.
      const graph = (await page.locator('.graph').boundingBox())!;
      assert.ok(graph.width > 200 && graph.height > 150, `the graph keeps ${graph.width}×${graph.height}px`);
      await page.screenshot({ path: join(shots, `builder-form-${size.width}.png`) });
    });
  }

  it("edits a matrix node's instances at once and fail fast in its form; other nodes have no such fields", async () => {
    const matrix = [
      'version: 1',
      'name: M',
      'nodes:',
      '  build: { run: make }',
      '  test:',
      '    needs: build',
      '    matrix: { n: [1, 2, 3] }',
      '    run: test',
      '',
    ].join('\n');
    const { page, host } = await panel({ width: 500, height: 800 }, matrix);
    await page.click('.card[data-node="build"]');
    await page.locator('[data-field="timeout"]').waitFor();
    assert.equal(await page.locator('[data-field="maxParallel"], [data-field="failFast"]').count(), 0);
    await page.click('.card[data-node="test"]');
    const atOnce = page.locator('[data-field="maxParallel"]');
    await atOnce.fill('0');
    await atOnce.press('Enter');
    await page.locator('.details').getByText('a whole number, 1 or more').waitFor();
    await atOnce.fill('2');
    await atOnce.press('Enter');
    await textMatches(host, / {4}maxParallel: 2\n/);
    assert.deepEqual(host.edits.at(-1)!.action, { type: 'set', id: 'test', key: 'maxParallel', value: 2 });
    await page.locator('[data-field="failFast"]').click();
    await textMatches(host, / {4}failFast: true\n/);
    assert.deepEqual(host.edits.at(-1)!.action, { type: 'set', id: 'test', key: 'failFast', value: true });
    assert.deepEqual(validateWorkflow(host.text()).diagnostics, []);
    await page.locator('[data-field="failFast"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'builder-matrix-form-500.png') });
  });

  it("edits a step's mutexes in its form, one as a name and more as a list; a gate has no such field", async () => {
    const text = ['version: 1', 'name: M', 'nodes:', '  build: { run: make }', '  gate: { needs: build, approval: {} }', ''].join('\n');
    const { page, host } = await panel({ width: 500, height: 800 }, text);
    await page.click('.card[data-node="gate"]');
    await page.locator('[data-field="prompt"]').waitFor();
    assert.equal(await page.locator('[data-field="mutex"]').count(), 0);
    await page.click('.card[data-node="build"]');
    const mutex = page.locator('[data-field="mutex"]');
    await mutex.fill('port-5432');
    await mutex.press('Enter');
    // What was typed stays while the file's new value is on its way: the field does not show the old one meanwhile.
    assert.equal(await mutex.inputValue(), 'port-5432');
    await textMatches(host, /mutex: port-5432/);
    assert.deepEqual(host.edits.at(-1)!.action, { type: 'set', id: 'build', key: 'mutex', value: 'port-5432' });
    await mutex.fill('port-5432, db');
    await mutex.press('Enter');
    await textMatches(host, /mutex: \[ ?port-5432, db ?\]/);
    assert.deepEqual(validateWorkflow(host.text()).workflow.nodes[0].mutex, ['port-5432', 'db']);
    assert.deepEqual(validateWorkflow(host.text()).diagnostics, []);
  });

  it("lists below the form a problem of a property the node's form has no field for (a gate's mutex)", async () => {
    const text = ['version: 1', 'name: M', 'nodes:', '  gate: { approval: {}, mutex: db }', ''].join('\n');
    const { page } = await panel({ width: 500, height: 800 }, text);
    await page.click('.card[data-node="gate"]');
    const other = page.getByLabel('Other problems');
    await other.waitFor();
    assert.match(await other.innerText(), /'gate' is an approval gate: only an attempt of a script holds a mutex — remove mutex/);
  });

  it('shows a continueOnError given by an expression as its text, and edits it as text', async () => {
    const text = [
      'version: 1',
      'name: M',
      'nodes:',
      '  test:',
      '    matrix: { n: [1, 2], experimental: [false] }',
      '    continueOnError: ${{ matrix.experimental }}',
      '    run: test',
      '',
    ].join('\n');
    const { page, host } = await panel({ width: 500, height: 800 }, text);
    await page.click('.card[data-node="test"]');
    const when = page.locator('input[data-field="continueOnError"], textarea[data-field="continueOnError"]');
    assert.equal(await when.inputValue(), '${{ matrix.experimental }}');
    await when.fill('${{ matrix.n == 2 }}');
    await when.press('Enter');
    await textMatches(host, / {4}continueOnError: \$\{\{ matrix\.n == 2 \}\}\n/);
    assert.deepEqual(host.edits.at(-1)!.action, { type: 'set', id: 'test', key: 'continueOnError', value: '${{ matrix.n == 2 }}' });
    assert.deepEqual(validateWorkflow(host.text()).diagnostics, []);
    await when.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'builder-continue-on-error-500.png') });
  });

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
});
