// The builder in Chromium, against a stand-in host that does what the extension does with an edit: the engine
// plans it on the text, the text changes, the panel gets the new graph. Screenshots go to test-results/webview/.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { shots, useBuilderPanels, WORKFLOW_FILES } from './builderHost';

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
  const { panel, textMatches } = useBuilderPanels();

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

  it("sets where a script runs: its shell, working folder and image, the workflow's defaults as placeholders; its artifacts and description", async () => {
    const text = ['version: 1', 'name: P', 'defaults: { shell: bash -x }', 'nodes:', '  build: { run: make }', '  gate: { approval: {} }', ''].join('\n');
    const { page, host } = await panel({ width: 500, height: 800 }, text);
    await page.click('.card[data-node="gate"]');
    await page.locator('[data-field="prompt"]').waitFor();
    assert.equal(await page.locator('[data-field="shell"], [data-field="cwd"], [data-field="image"]').count(), 0, 'a gate runs no script');
    await page.click('.card[data-node="build"]');
    const shell = page.locator('[data-field="shell"]');
    assert.equal(await shell.getAttribute('placeholder'), "bash -x (the workflow's default)");
    assert.equal(await page.locator('[data-field="cwd"]').getAttribute('placeholder'), "the workflow file's folder");
    assert.equal(await page.locator('[data-field="image"]').getAttribute('placeholder'), 'bash:5');
    await shell.fill('Rscript {0}');
    await shell.press('Enter');
    await textMatches(host, / {2}build: \{ run: make, shell: "Rscript \{0\}" \}\n/);
    assert.deepEqual(host.edits.at(-1)!.action, { type: 'set', id: 'build', key: 'shell', value: 'Rscript {0}' });
    // The image an export would take is one that has the shell's program.
    await page.waitForFunction(() => document.querySelector('[data-field="image"]')?.getAttribute('placeholder') === 'r-base');
    const cwd = page.locator('[data-field="cwd"]');
    await cwd.fill('tools');
    await cwd.press('Enter');
    await textMatches(host, /shell: "Rscript \{0\}", cwd: tools \}\n/);
    await shell.fill('{0}');
    await shell.press('Enter');
    await page.locator('.details').getByText("the shell of node 'build' starts with '{0}'").waitFor();
    await shell.fill('');
    await shell.press('Enter');
    await textMatches(host, / {2}build: \{ run: make, cwd: tools \}\n/);
    await page.waitForFunction(() => document.querySelector('[data-field="image"]')?.getAttribute('placeholder') === 'bash:5');
    const artifacts = page.locator('[data-field="artifacts"]');
    await artifacts.fill('**/*.log\n  reports/my report.html  \n');
    await artifacts.press('Control+Enter');
    await textMatches(host, /cwd: tools, artifacts: \["\*\*\/\*\.log", reports\/my report\.html\] \}\n/);
    assert.deepEqual(host.edits.at(-1)!.action, { type: 'set', id: 'build', key: 'artifacts', value: ['**/*.log', 'reports/my report.html'] });
    const description = page.locator('[data-field="description"]');
    await description.fill('Builds it.');
    await description.press('Control+Enter');
    await textMatches(host, /build: \{ run: make, cwd: tools, artifacts: \[.*\], description: Builds it\. \}\n/);
    await page.locator('[data-field="image"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'builder-place-500.png') });
  });

  it("edits a matrix node's axes, instances at once and fail fast in its form; other nodes have no such fields", async () => {
    const matrix = [
      'version: 1',
      'name: M',
      'nodes:',
      '  build: { run: make }',
      '  test:',
      '    needs: build',
      '    matrix: { n: [1, 2, 3] }   # the shards',
      '    run: test ${{ matrix.n }}',
      '',
    ].join('\n');
    const { page, host } = await panel({ width: 500, height: 800 }, matrix);
    await page.click('.card[data-node="build"]');
    await page.locator('[data-field="timeout"]').waitFor();
    assert.equal(await page.locator('[data-field="maxParallel"], [data-field="failFast"], [data-field="matrix"]').count(), 0);
    await page.click('.card[data-node="test"]');
    // A key changed in place is renamed where the node reads it; other changes set the axes, the comment kept.
    const axes = page.locator('[data-field="matrix"]');
    assert.equal(await axes.inputValue(), 'n: 1, 2, 3');
    await axes.fill('shard: 1, 2, 3');
    await axes.press('Control+Enter');
    await textMatches(host, / {4}matrix: \{ shard: \[1, 2, 3\] \} {3}# the shards\n {4}run: test \$\{\{ matrix\.shard \}\}/);
    assert.deepEqual(host.edits.at(-1)!.action, { type: 'renameMatrixKey', id: 'test', from: 'n', to: 'shard' });
    await axes.fill('shard: 1, 2\nos: linux, "mac os"');
    await axes.press('Control+Enter');
    await textMatches(host, / {4}matrix: \{ shard: \[1, 2\], os: \[linux, mac os\] \} {3}# the shards\n/);
    assert.deepEqual(host.edits.at(-1)!.action, { type: 'setMatrixAxes', id: 'test', axes: { shard: [1, 2], os: ['linux', 'mac os'] } });
    await axes.fill('shard 1');
    await axes.press('Control+Enter');
    await page.locator('.details').getByText('line 1: write a key').waitFor();
    await axes.fill('shard: 1, 2\nos: linux, "mac os"');
    await axes.press('Control+Enter');
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
    const text = [
      'version: 1',
      'name: M',
      'inputs: { environment: { type: string, default: staging } }',
      'nodes:',
      '  build: { run: make }',
      '  gate: { needs: build, approval: {} }',
      '',
    ].join('\n');
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
    // An expression's spaces and commas are part of its name.
    const perTarget = "deploy-${{ format('{0}, {1}', inputs.environment, 'eu') }}";
    await mutex.fill(`db ${perTarget}`);
    await mutex.press('Enter');
    await textMatches(host, /mutex: \[ ?db, /);
    assert.deepEqual(validateWorkflow(host.text()).workflow.nodes[0].mutex, ['db', perTarget]);
    assert.deepEqual(validateWorkflow(host.text()).diagnostics, []);
    await page.click('.card[data-node="gate"]');
    await page.click('.card[data-node="build"]');
    assert.equal(await page.locator('[data-field="mutex"]').inputValue(), `db, ${perTarget}`);
  });

  it("renames an output when one name of a step's outputs changes in its form, its script's write and reads following", async () => {
    const text = [
      'version: 1',
      'name: O',
      'nodes:',
      '  build:',
      '    run: echo "version=1.2" >> "$MAESTRO_OUTPUT"',
      '    outputs: [version, notes]   # read by ship',
      '  ship: { needs: build, run: ./ship.sh, env: { V: "${{ nodes.build.outputs.version }}" } }',
      '',
    ].join('\n');
    const { page, host } = await panel({ width: 500, height: 800 }, text);
    await page.click('.card[data-node="build"]');
    const outputs = page.locator('[data-field="outputs"]');
    assert.equal(await outputs.inputValue(), 'version, notes');
    await outputs.fill('release, notes');
    await outputs.press('Enter');
    await textMatches(host, /echo "release=1\.2"[^]*outputs: \[release, notes\] {3}# read by ship\n[^]*nodes\.build\.outputs\.release/);
    assert.deepEqual(host.edits.at(-1)!.action, { type: 'renameOutput', id: 'build', from: 'version', to: 'release' });
    // More than one name changed, or one added: the list as written.
    await outputs.fill('release, notes, url');
    await outputs.press('Enter');
    await textMatches(host, /outputs: \[ ?release, notes, url ?\]/);
    assert.deepEqual(host.edits.at(-1)!.action, { type: 'set', id: 'build', key: 'outputs', value: ['release', 'notes', 'url'] });
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
});
