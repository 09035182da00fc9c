import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { main } from '../../src/cli/main';
import type { Output } from '../../src/cli/output';
import { applyEdits, parseEditAction, planEdit } from '../../src/engine/edits/actions';
import { callerInputEdits } from '../../src/engine/edits/inputRename';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex, inputMentionAt, inputMentionsOf } from '../../src/engine/workflowIndex';
import { workflowArb, workflowText } from './workflowGen';
import { refusalOf, edit } from './helpers';

const indexOf = (text: string) => buildIndex(validateWorkflow(text));

const refusal = (text: string, from: string, to: string): string => refusalOf(text, { type: 'renameInput', from, to });

const WORKFLOW = `version: 1
name: release
env:
  WHERE: \${{ inputs.target }}
inputs:
  target: { type: string, required: true }   # where to
  target-2: { type: string, default: x }
nodes:
  build:
    run: echo "\${{ inputs.target }} \${{ inputs.target-2 }}"
  deploy:
    needs: build
    if: inputs.TARGET == 'production'
    run: ./deploy.sh
`;

describe('renaming an input', () => {
  it('indexes its key and every expression that reads it, whatever the case, and not an input whose name goes on', () => {
    const index = indexOf(WORKFLOW);
    assert.deepEqual(
      index.inputs.map((i) => [i.name, WORKFLOW.slice(i.keySpan.start, i.keySpan.end)]),
      [
        ['target', 'target'],
        ['target-2', 'target-2'],
      ],
    );
    const mentions = inputMentionsOf(index, 'target');
    assert.deepEqual(
      mentions.map((m) => [m.role, WORKFLOW.slice(m.span.start, m.span.end)]),
      [
        ['expression', 'target'],
        ['definition', 'target'],
        ['expression', 'target'],
        ['expression', 'TARGET'],
      ],
    );
    assert.equal(inputMentionAt(index, WORKFLOW.indexOf('TARGET') + 2)?.input, 'target');
    assert.equal(inputMentionAt(index, WORKFLOW.indexOf('target-2 }}') + 7)?.input, 'target-2');
    assert.equal(inputMentionAt(index, WORKFLOW.indexOf('deploy.sh')), undefined);
  });

  it('renames the key and every read, keeping the comment, and is undone by renaming it back', () => {
    const renamed = edit(WORKFLOW, { type: 'renameInput', from: 'target', to: 'environment' });
    assert.equal(
      renamed,
      WORKFLOW.replace(/inputs\.target(?!-)/g, 'inputs.environment')
        .replace('  target: {', '  environment: {')
        .replace('inputs.TARGET', 'inputs.environment'),
    );
    assert.deepEqual(
      validateWorkflow(renamed).diagnostics.map((d) => d.code),
      validateWorkflow(WORKFLOW).diagnostics.map((d) => d.code),
    );
    assert.equal(
      edit(renamed, { type: 'renameInput', from: 'environment', to: 'TARGET' }),
      WORKFLOW.replace(/inputs\.target(?!-)/g, 'inputs.TARGET').replace('  target: {', '  TARGET: {'),
    );
    assert.equal(edit(WORKFLOW, { type: 'renameInput', from: 'target', to: 'target' }), WORKFLOW);
  });

  it('refuses what it cannot do, saying why', () => {
    assert.equal(refusal(WORKFLOW, 'nope', 'x'), "there is no input 'nope'");
    assert.equal(refusal(WORKFLOW, 'target', '2nd'), "'2nd' cannot name an input: a letter or _, then letters, digits, _ or -");
    assert.equal(refusal(WORKFLOW, 'target', 'Target-2'), "an input 'Target-2' already exists");
    const readsGone = WORKFLOW.replace('./deploy.sh', './deploy.sh ${{ inputs.region }}');
    assert.match(refusal(readsGone, 'target', 'region'), /^inputs\.region is still read in the file/);
    const indexed = WORKFLOW.replace("inputs.TARGET == 'production'", "inputs['target'] == 'production'");
    assert.match(refusal(indexed, 'target', 'where'), /^'target' is written with quotes or escapes at offset \d+: rename it there by hand$/);
    assert.ok('error' in parseEditAction({ type: 'renameInput', from: 'a' }));
  });

  it('keeps the with: of a workflow that runs this one giving it, and refuses a with: that gives both names', () => {
    const caller = `version: 1
name: caller
nodes:
  ship:
    workflow: ./sub/release.workflow.yaml
    with:
      target: production   # the one
      target-2: y
  other:
    workflow: ./other.workflow.yaml
    with: { target: staging }
  flow: { workflow: sub/release.workflow.yaml, with: { "target": qa } }
`;
    const r = callerInputEdits(indexOf(caller), '/w/caller.workflow.yaml', '/w/sub/release.workflow.yaml', 'target', 'environment');
    assert.ok(!('error' in r));
    assert.equal(
      applyEdits(caller, r.edits),
      caller.replace('      target: production', '      environment: production').replace('{ "target": qa }', '{ environment: qa }'),
    );
    const both = caller.replace('target-2: y', 'environment: y');
    assert.deepEqual(callerInputEdits(indexOf(both), '/w/caller.workflow.yaml', '/w/sub/release.workflow.yaml', 'target', 'environment'), {
      error: "node 'ship' of /w/caller.workflow.yaml gives both 'target' and 'environment' in its with:",
    });
    assert.deepEqual(callerInputEdits(indexOf(caller), '/elsewhere/caller.workflow.yaml', '/w/sub/release.workflow.yaml', 'target', 'x'), { edits: [] });
  });

  it('says, on removing an input, how many expressions still read it (in any case, and not another input)', () => {
    const outcome = planEdit(indexOf(WORKFLOW), { type: 'setInput', name: 'target' });
    assert.ok(!('error' in outcome));
    assert.equal(outcome.note, '3 expressions still read inputs.target: they show as problems');
    const other = planEdit(indexOf(WORKFLOW), { type: 'setInput', name: 'target-2' });
    assert.equal(!('error' in other) && other.note, '1 expression still read inputs.target-2: they show as problems');
  });

  it('follows every read, and leaves the problems as they were, for any workflow and readers (property)', () => {
    const NAMES = ['target', 'count', 'token', 'Target'];
    const arb = fc.record({
      workflow: workflowArb,
      declared: fc.subarray(['target', 'count', 'token'], { minLength: 1 }),
      readers: fc.array(fc.record({ node: fc.nat(), name: fc.constantFrom(...NAMES), inCondition: fc.boolean() }), { maxLength: 5 }),
      from: fc.nat(),
      to: fc.constantFrom('environment', 'count', 'Token', 'renamed_1', 'bad name'),
    });
    fc.assert(
      fc.property(arb, ({ workflow, declared, readers, from, to }) => {
        let text = workflowText(workflow);
        for (const name of declared) text = edit(text, { type: 'setInput', name, value: { type: 'string' } });
        const ids = validateWorkflow(text).workflow.nodes.map((n) => n.id);
        for (const [i, r] of readers.entries()) {
          const id = ids[r.node % ids.length];
          const value = r.inCondition ? `inputs.${r.name} != 'x'` : `\${{ inputs.${r.name} }}`;
          text = edit(text, { type: 'set', id, key: r.inCondition ? 'if' : 'env', value: r.inCondition ? value : { [`READ_${i}`]: value } });
        }
        const name = declared[from % declared.length];
        const before = indexOf(text);
        const outcome = planEdit(before, { type: 'renameInput', from: name, to });
        if ('error' in outcome) {
          const taken = declared.some((d) => d !== name && d.toLowerCase() === to.toLowerCase());
          const stillRead = before.inputReferences.some((ref) => ref.input.toLowerCase() === to.toLowerCase() && to.toLowerCase() !== name.toLowerCase());
          assert.ok(taken || stillRead || to === 'bad name', `${outcome.error}\n${text}`);
          return;
        }
        const after = applyEdits(text, outcome.edits);
        const index = indexOf(after);
        const reads = (i: typeof before, n: string) => i.inputReferences.filter((ref) => ref.input.toLowerCase() === n.toLowerCase()).length;
        assert.equal(reads(index, to), reads(before, name), after);
        if (to.toLowerCase() !== name.toLowerCase()) assert.equal(reads(index, name), 0, after);
        const messages = (t: string, renamed: (m: string) => string) =>
          validateWorkflow(t)
            .diagnostics.map((d) => renamed(d.message).replace(/ — did you mean '[^']*'\?$/, ''))
            .sort();
        const word = (n: string) => new RegExp(`(?<![\\w-])${n}(?![\\w-])`, 'gi');
        assert.deepEqual(
          messages(after, (m) => m),
          messages(text, (m) => m.replace(word(name), to)),
          after,
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('cli: edit rename-input', () => {
  it('renames an input in the file, and refuses an unknown one with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-rename-input-'));
    try {
      const file = join(dir, 'w.workflow.yaml');
      writeFileSync(file, WORKFLOW);
      let err = '';
      const io: Output = { out: () => undefined, err: (t) => (err += t), isTTY: false };
      assert.equal(await main(['edit', file, 'rename-input', 'target', 'where', '--write'], io), 0);
      assert.match(readFileSync(file, 'utf8'), /^ {2}where: \{ type: string, required: true \} {3}# where to$/m);
      assert.doesNotMatch(readFileSync(file, 'utf8'), /inputs\.target(?!-)/i);
      assert.equal(await main(['edit', file, 'rename-input', 'target', 'x'], io), 2);
      assert.equal(err, "maestro-dag: there is no input 'target'\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
