import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import type { Output } from '../../src/cli/output';
import { applyEdits, planEdit } from '../../src/engine/edits/actions';
import { instantiate, templateInfo, templateNodes } from '../../src/engine/templates';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex } from '../../src/engine/workflowIndex';

const folder = join(__dirname, '..', '..', 'templates');
const bundled = readdirSync(folder)
  .filter((f) => f.endsWith('.workflow.yaml'))
  .map((f) => ({ file: f, text: readFileSync(join(folder, f), 'utf8') }));

describe('templates', () => {
  it('bundles the six the plan names, each valid, without warnings, and described', () => {
    assert.deepEqual(bundled.map((b) => templateInfo(b.text)?.name).sort(), [
      'Data pipeline',
      'Monorepo build',
      'Nightly job',
      'Release with approval',
      'SDLC pipeline',
      'Test matrix',
    ]);
    for (const { file, text } of bundled) {
      assert.deepEqual(validateWorkflow(text).diagnostics, [], file);
      assert.ok(templateInfo(text)?.description, `${file} has a description`);
    }
  });

  it('runs each bundled template to completion from the CLI (gates approved)', async function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'maestro-templates-'));
    try {
      for (const { file, text } of bundled) {
        const path = join(dir, file);
        writeFileSync(path, text);
        let err = '';
        const io: Output = { out: () => undefined, err: (t) => (err += t), isTTY: false };
        const code = await main(['run', path, '--approve', '--runs-dir', join(dir, 'runs')], io);
        assert.equal(code, 0, `${file}: ${err}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fills a template: the answers become defaults, the name is set, comments and layout stay', () => {
    const text = bundled.find((b) => b.file === 'data-pipeline.workflow.yaml')!.text;
    const out = instantiate(text, { name: 'etl', answers: { source: './raw' } });
    assert.match(out, /^# Extract once, transform in parallel/);
    assert.match(out, /\nname: etl\n/);
    assert.match(out, /source:\n {4}type: string\n {4}default: \.\/raw\n/);
    assert.match(out, /retry: \{ max: 2, backoff: exponential, delay: 5s \}/);
    assert.match(out, /needs: \[clean, enrich, aggregate\]/);
    assert.deepEqual(validateWorkflow(out).diagnostics, []);
    assert.equal(validateWorkflow(out).workflow.inputs.source.default, './raw');
  });

  it("inserts a template's nodes into a workflow, renaming ids it has and keeping their needs", () => {
    const nightly = bundled.find((b) => b.file === 'nightly-with-notification.workflow.yaml')!.text;
    const target = 'version: 1\nname: T\nnodes:\n  backup:\n    run: echo mine\n';
    const nodes = templateNodes(nightly);
    assert.ok('text' in nodes);
    const plan = planEdit(buildIndex(validateWorkflow(target)), { type: 'paste', text: nodes.text, after: 'backup' });
    assert.ok('edits' in plan);
    const out = applyEdits(target, plan.edits);
    const spec = validateWorkflow(out).workflow;
    assert.deepEqual(
      spec.nodes.map((n) => [n.id, n.needs]),
      [
        ['backup', []],
        ['backup-2', []],
        ['integrity', ['backup-2']],
        ['report', ['integrity']],
        ['notify-failure', ['backup-2', 'integrity', 'report']],
      ],
    );
    assert.match(out, /# Post to your chat or paging tool here\./);
  });

  it('says nothing of a file that is not a workflow', () => {
    assert.equal(templateInfo('::: not yaml'), undefined);
    assert.equal(templateInfo('version: 1\nname: Empty\n'), undefined);
  });
});
