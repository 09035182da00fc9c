// The builder's cost on the 1,000-node file: from a connection dropped in the panel to the panel redrawn with the
// new edge, against the same change typed in the editor. Both go through what the extension does with a changed
// document — validation, the panel's graph, the message, the layout and the redraw — in the real panel in
// Chromium; the builder adds the planning of its edits (the engine's planEdit) and nothing else.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { applyEdits, planEdit } from '../../../src/engine/edits/actions';
import type { TextEdit } from '../../../src/engine/diagnostics';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import { buildIndex, type WorkflowIndex } from '../../../src/engine/workflowIndex';
import { dagGraphOf } from '../../../src/engine/dagGraph';
import type { HostMessage } from '../../../src/webview/protocol';
import { launchChromium, openPanel, send, startHarness } from '../../../test/webview/harness';
import { validationWorkflow } from '../generate';
import { median, ms, ratio } from '../stats';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const root = join(__dirname, '..');

/** Posts a graph and waits for the panel's first frame with the change on screen. */
async function redraw(page: Page, message: HostMessage): Promise<void> {
  await page.evaluate(async (m) => {
    performance.clearMarks('maestro:graph-updated');
    window.postMessage(m, '*');
    while (!performance.getEntriesByName('maestro:graph-updated').length) await new Promise((r) => setTimeout(r, 2));
  }, message);
}

/** What the host does with a changed document: validate it, index it, and send the panel its graph. */
async function hostRound(page: Page, text: string): Promise<void> {
  const index = buildIndex(validateWorkflow(text));
  await redraw(page, { type: 'graph', graph: dagGraphOf(index).graph });
}

async function main(): Promise<void> {
  const base = validationWorkflow();
  const index: WorkflowIndex = buildIndex(validateWorkflow(base));
  const ids = index.nodes.map((n) => n.id);
  const harness = await startHarness(root);
  const browser = await launchChromium();
  const page = await openPanel(browser, harness, 'dark', { width: 1280, height: 900 });
  await send(page, { type: 'init', workflow: { uri: 'file:///bench.workflow.yaml', name: 'Bench' }, graph: dagGraphOf(index).graph, runs: [], trusted: true });
  await page.waitForFunction(() => performance.getEntriesByName('maestro:graph-painted').length > 0, undefined, { timeout: 60_000 });
  const times = { builder: [] as number[], typed: [] as number[], plan: [] as number[] };
  for (let round = 0; round < ROUNDS + 2; round++) {
    // A node of the first layer connected to one far below it: never a cycle, never an edge already there.
    const action = { type: 'connect' as const, from: ids[round % 20], to: ids[ids.length - 1 - ((round * 7) % 20)] };
    let t = performance.now();
    const outcome = planEdit(index, action);
    const plan = performance.now() - t;
    if ('error' in outcome) throw new Error(outcome.error);
    const edits: TextEdit[] = outcome.edits;
    await hostRound(page, applyEdits(base, edits));
    const builder = performance.now() - t;
    await hostRound(page, base);
    // The same change as if typed: the document already holds it, nothing plans it.
    t = performance.now();
    await hostRound(page, applyEdits(base, edits));
    const typed = performance.now() - t;
    await hostRound(page, base);
    if (round >= 2) {
      times.builder.push(builder);
      times.typed.push(typed);
      times.plan.push(plan);
    }
  }
  await browser.close();
  await harness.close();
  const result = { builder: median(times.builder), typed: median(times.typed), plan: median(times.plan) };
  console.log(`\nBuilder: connect two nodes of the 1,000-node file, drop to redraw, median of ${ROUNDS} rounds`);
  console.log(`  connect in the panel (plan the edit, validate, graph, layout, redraw)  ${ms(result.builder)}`);
  console.log(`  the same change typed in the editor (validate, graph, layout, redraw) ${ms(result.typed)}`);
  console.log(`  of which planning the edit                                            ${ms(result.plan)}`);
  console.log(`  builder ÷ typed = ${ratio(result.builder, result.typed)} (target close to 1)`);
  process.send?.({ section: 'builder', ...result });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
