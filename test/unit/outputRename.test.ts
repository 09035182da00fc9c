import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { main } from '../../src/cli/main';
import type { Output } from '../../src/cli/output';
import { applyEdits, parseEditAction, planEdit } from '../../src/engine/edits/actions';
import { callerOutputEdits, otherOutputWriters } from '../../src/engine/edits/outputRename';
import { outputMentionAt, outputMentionsOf } from '../../src/engine/outputMentions';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { buildIndex } from '../../src/engine/workflowIndex';
import { workflowArb, workflowText } from './workflowGen';
import { refusalOf, edit } from './helpers';

const indexOf = (text: string) => buildIndex(validateWorkflow(text));

const refusal = (text: string, id: string, from: string, to: string): string => refusalOf(text, { type: 'renameOutput', id, from, to });

const WORKFLOW = `version: 1
name: release
nodes:
  build:
    run: |
      echo "version=1.2.3" >> "$MAESTRO_OUTPUT"
      printf '%s\\n' "version_tag=v1.2.3" >> "$MAESTRO_OUTPUT"
      { echo "notes<<EOF"; cat NOTES.md; echo EOF; } >> "$MAESTRO_OUTPUT"
    outputs: [version, version_tag, notes]   # what deploy reads
  list:
    run: ls dist
    stdoutAs: files
  deploy:
    needs: [build, list]
    if: nodes.build.outputs.VERSION != ''
    env:
      VERSION: \${{ nodes.build.outputs.version }}
      TAG: \${{ nodes.build.outputs.version_tag }}
      FILES: \${{ nodes.list.outputs.files }}
    run: ./deploy.sh "$VERSION"
`;

const spans = (text: string, mentions: { role: string; span: { start: number; end: number } }[]) =>
  mentions.map((m) => [m.role, text.slice(m.span.start, m.span.end)]);

describe('renaming an output', () => {
  it("finds its declaration, its script's writes and every read, whatever the case, and not an output whose name goes on", () => {
    const index = indexOf(WORKFLOW);
    assert.deepEqual(spans(WORKFLOW, outputMentionsOf(index, 'build', 'version')), [
      ['write', 'version'],
      ['definition', 'version'],
      ['expression', 'VERSION'],
      ['expression', 'version'],
    ]);
    assert.deepEqual(spans(WORKFLOW, outputMentionsOf(index, 'build', 'notes')), [
      ['write', 'notes'],
      ['definition', 'notes'],
    ]);
    assert.deepEqual(spans(WORKFLOW, outputMentionsOf(index, 'list', 'files')), [
      ['stdoutAs', 'files'],
      ['expression', 'files'],
    ]);
    const at = (needle: string, shift = 1) => outputMentionAt(index, WORKFLOW.indexOf(needle) + shift);
    assert.deepEqual([at('VERSION !=')?.nodeId, at('VERSION !=')?.output], ['build', 'version']);
    assert.equal(at('version_tag=v')?.output, 'version_tag');
    assert.equal(at('notes]')?.role, 'definition');
    assert.equal(at('files\n  deploy')?.role, 'stdoutAs');
    assert.equal(at('./deploy.sh'), undefined);
    assert.equal(at('NOTES.md'), undefined);
  });

  it('renames the declaration, the writes and the reads, keeping the comment, and is undone by renaming it back', () => {
    const renamed = edit(WORKFLOW, { type: 'renameOutput', id: 'build', from: 'version', to: 'release' });
    assert.equal(
      renamed,
      WORKFLOW.replace('"version=', '"release=')
        .replace('[version,', '[release,')
        .replace('outputs.VERSION', 'outputs.release')
        .replace('outputs.version }}', 'outputs.release }}'),
    );
    assert.equal(edit(renamed, { type: 'renameOutput', id: 'build', from: 'release', to: 'version' }), WORKFLOW.replace('outputs.VERSION', 'outputs.version'));
    const files = edit(WORKFLOW, { type: 'renameOutput', id: 'list', from: 'files', to: 'listing' });
    assert.equal(files, WORKFLOW.replace('stdoutAs: files', 'stdoutAs: listing').replace('outputs.files', 'outputs.listing'));
    assert.equal(edit(WORKFLOW, { type: 'renameOutput', id: 'build', from: 'notes', to: 'notes' }), WORKFLOW);
    const codes = (t: string) => validateWorkflow(t).diagnostics.map((d) => d.code);
    for (const t of [renamed, files]) assert.deepEqual(codes(t), codes(WORKFLOW));
  });

  it('finds the writes of a script written as a quoted YAML value', () => {
    const quoted = `version: 1
name: quoted
nodes:
  a: { run: "echo \\"v=1\\" >> \\"$MAESTRO_OUTPUT\\"\\necho -n \\"w<<EOF\\" >> \\"$MAESTRO_OUTPUT\\"", outputs: [v, w] }
  b:
    run: 'printf ''%s\\n'' ''v=2'' >> "$MAESTRO_OUTPUT"; echo v=3 >> $MAESTRO_OUTPUT; echo "printed v=4"'
    outputs: [v]
`;
    const index = indexOf(quoted);
    assert.deepEqual(spans(quoted, outputMentionsOf(index, 'a', 'v')), [
      ['write', 'v'],
      ['definition', 'v'],
    ]);
    assert.deepEqual(
      spans(quoted, outputMentionsOf(index, 'a', 'w')).map(([role]) => role),
      ['write', 'definition'],
    );
    assert.deepEqual(
      outputMentionsOf(index, 'b', 'v').map((m) => [m.role, quoted.slice(m.span.start - 3, m.span.end + 1)]),
      [
        ['write', " ''v="],
        ['write', 'ho v='],
        ['definition', ': [v]'],
      ],
    );
    assert.equal(
      validateWorkflow(edit(quoted, { type: 'renameOutput', id: 'a', from: 'w', to: 'x' })).workflow.nodes[0].run,
      'echo "v=1" >> "$MAESTRO_OUTPUT"\necho -n "x<<EOF" >> "$MAESTRO_OUTPUT"',
    );
  });

  it('finds the writes of a here-document appended to $MAESTRO_OUTPUT, and not those of another file', () => {
    const heredoc = `version: 1
name: heredoc
nodes:
  a:
    run: |
      cat > notes.txt <<EOF
      v=not an output
      EOF
      cat >> "$MAESTRO_OUTPUT" <<-'EOF'
      v=1
      notes<<END
      v=inside a value
      END
      w=2
      EOF
      echo "v=3" >> "$MAESTRO_OUTPUT"
    outputs: [v, w, notes]
`;
    const index = indexOf(heredoc);
    const lines = (id: string, name: string) =>
      outputMentionsOf(index, id, name).map((m) => [m.role, heredoc.slice(m.span.start, heredoc.indexOf('\n', m.span.start))]);
    assert.deepEqual(lines('a', 'v'), [
      ['write', 'v=1'],
      ['write', 'v=3" >> "$MAESTRO_OUTPUT"'],
      ['definition', 'v, w, notes]'],
    ]);
    assert.deepEqual(
      lines('a', 'notes').map(([role, line]) => [role, line.slice(0, 10)]),
      [
        ['write', 'notes<<END'],
        ['definition', 'notes]'],
      ],
    );
    assert.equal(outputMentionsOf(index, 'a', 'w')[0].role, 'write');
  });

  it('says when the script does not write it where the rename can see it', () => {
    const elsewhere = WORKFLOW.replace('echo "version=1.2.3" >> "$MAESTRO_OUTPUT"', './write-version.sh');
    const outcome = planEdit(indexOf(elsewhere), { type: 'renameOutput', id: 'build', from: 'version', to: 'release' });
    assert.ok(!('error' in outcome));
    assert.equal(
      outcome.note,
      `the script of 'build' does not write 'version' where the rename can see it (echo "version=…" >> "$MAESTRO_OUTPUT"): write it as 'release' there`,
    );
    assert.equal(outcome.edits.length, 3);
  });

  it('refuses what it cannot do, saying why', () => {
    assert.equal(refusal(WORKFLOW, 'nope', 'version', 'x'), "there is no node 'nope'");
    assert.equal(refusal(WORKFLOW, 'build', 'nope', 'x'), "node 'build' has no output 'nope'");
    assert.equal(refusal(WORKFLOW, 'build', 'version', '2nd'), "'2nd' cannot name an output: a letter or _, then letters, digits, _ or -");
    assert.equal(refusal(WORKFLOW, 'build', 'version', 'Notes'), "node 'build' already has an output 'Notes'");
    const readsGone = WORKFLOW.replace('./deploy.sh "$VERSION"', './deploy.sh ${{ nodes.build.outputs.sha }}');
    assert.match(refusal(readsGone, 'build', 'version', 'sha'), /^nodes\.build\.outputs\.sha is still read in the file/);
    const writesMore = WORKFLOW.replace('ls dist', 'echo "count=3" >> "$MAESTRO_OUTPUT"');
    assert.equal(refusal(writesMore, 'list', 'files', 'count'), "node 'list' already has an output 'count'");
    const indexed = WORKFLOW.replace('nodes.build.outputs.VERSION', "nodes.build.outputs['version']");
    assert.match(refusal(indexed, 'build', 'version', 'release'), /^'version' is written with quotes or escapes at offset \d+: rename it there by hand$/);
    const gate = `version: 1\nnodes:\n  ok: { approval: { prompt: Go? } }\n  after: { needs: ok, run: echo \${{ nodes.ok.outputs.comment }} }\n`;
    assert.match(refusal(gate, 'ok', 'comment', 'note'), /^'ok' is an approval gate/);
    const sub = `version: 1\nnodes:\n  s: { workflow: ./sub.workflow.yaml, outputs: [v] }\n`;
    assert.match(refusal(sub, 's', 'v', 'w'), /^'s' runs a sub-workflow: its outputs are named by that file's nodes/);
    assert.ok('error' in parseEditAction({ type: 'renameOutput', from: 'a', to: 'b' }));
  });

  it('renames what a workflow that runs this one declares and reads of the sub-workflow node, and refuses a name taken there', () => {
    const caller = `version: 1
nodes:
  ship:
    workflow: ./sub/release.workflow.yaml
    outputs: [version]   # the one
  other: { workflow: ./other.workflow.yaml, outputs: [version] }
  after:
    needs: [ship, other]
    run: echo \${{ nodes.ship.outputs.Version }} \${{ nodes.other.outputs.version }}
`;
    const r = callerOutputEdits(indexOf(caller), '/w/caller.workflow.yaml', '/w/sub/release.workflow.yaml', 'version', 'release');
    assert.ok(!('error' in r));
    assert.equal(applyEdits(caller, r.edits), caller.replace('[version]   #', '[release]   #').replace('ship.outputs.Version', 'ship.outputs.release'));
    const both = caller.replace('[version]   #', '[version, release]   #');
    assert.deepEqual(callerOutputEdits(indexOf(both), '/w/caller.workflow.yaml', '/w/sub/release.workflow.yaml', 'version', 'release'), {
      error: "/w/caller.workflow.yaml: node 'ship' already has an output 'release'",
    });
    assert.deepEqual(callerOutputEdits(indexOf(caller), '/elsewhere/caller.workflow.yaml', '/w/sub/release.workflow.yaml', 'version', 'x'), { edits: [] });
  });

  it('names the other nodes of the file that give the same output (a sub-run gives all its nodes outputs)', () => {
    const twice = WORKFLOW.replace('ls dist', 'echo "version=2" >> "$MAESTRO_OUTPUT"');
    assert.deepEqual(otherOutputWriters(indexOf(twice), 'build', 'version'), ['list']);
    assert.deepEqual(otherOutputWriters(indexOf(WORKFLOW), 'build', 'version'), []);
  });

  it('runs as before: the renamed output is written and read under its new name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-rename-output-'));
    try {
      const text = `version: 1
name: renamed output
nodes:
  make:
    run: |
      echo "version=1.2.3" >> "$MAESTRO_OUTPUT"
      echo version >> /dev/null
      cat >> "$MAESTRO_OUTPUT" <<EOF
      sha=abc123
      EOF
    outputs: [version, sha]
  show:
    needs: make
    run: echo "shipping \${{ nodes.make.outputs.version }} at \${{ nodes.make.outputs.sha }}" > shipped.txt
`;
      const file = join(dir, 'w.workflow.yaml');
      const renamed = edit(text, { type: 'renameOutput', id: 'make', from: 'version', to: 'release' });
      writeFileSync(file, edit(renamed, { type: 'renameOutput', id: 'make', from: 'sha', to: 'commit' }));
      assert.match(readFileSync(file, 'utf8'), /echo "release=1\.2\.3"[^\n]*\n {6}echo version >> \/dev\/null/);
      let out = '';
      const io: Output = { out: (t) => (out += t), err: (t) => (out += t), isTTY: false };
      assert.equal(await main(['run', file, '--runs-dir', join(dir, 'runs')], io), 0, out);
      assert.equal(readFileSync(join(dir, 'shipped.txt'), 'utf8'), 'shipping 1.2.3 at abc123\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('follows every read and write, and leaves the problems as they were, for any workflow and readers (property)', () => {
    const arb = fc.record({
      workflow: workflowArb,
      writer: fc.nat(),
      readers: fc.array(fc.record({ node: fc.nat(), name: fc.constantFrom('version', 'Version', 'notes', 'sha'), inCondition: fc.boolean() }), {
        maxLength: 5,
      }),
      from: fc.constantFrom('version', 'notes'),
      to: fc.constantFrom('release', 'Notes', 'sha', 'renamed_1', 'bad name'),
    });
    fc.assert(
      fc.property(arb, ({ workflow, writer, readers, from, to }) => {
        let text = workflowText(workflow);
        const nodes = validateWorkflow(text).workflow.nodes;
        const steps = nodes.filter((n) => n.kind === 'run');
        if (!steps.length) return;
        const id = steps[writer % steps.length].id;
        text = edit(text, { type: 'set', id, key: 'run', value: 'echo "version=1" >> "$MAESTRO_OUTPUT"\necho "notes<<EOF" >> "$MAESTRO_OUTPUT"\n' });
        text = edit(text, { type: 'set', id, key: 'outputs', value: ['version', 'notes'] });
        for (const [i, r] of readers.entries()) {
          const reader = nodes[r.node % nodes.length].id;
          const value = r.inCondition ? `nodes.${id}.outputs.${r.name} != 'x'` : `\${{ nodes.${id}.outputs.${r.name} }}`;
          text = edit(text, { type: 'set', id: reader, key: r.inCondition ? 'if' : 'env', value: r.inCondition ? value : { [`READ_${i}`]: value } });
        }
        const before = indexOf(text);
        const outcome = planEdit(before, { type: 'renameOutput', id, from, to });
        const lower = to.toLowerCase();
        if ('error' in outcome) {
          const taken = ['version', 'notes'].some((d) => d !== from && d === lower);
          const stillRead = before.references.some((r) => r.nodeId === id && r.output?.name.toLowerCase() === lower && lower !== from);
          assert.ok(taken || stillRead || to === 'bad name', `${outcome.error}\n${text}`);
          return;
        }
        assert.equal(outcome.note, undefined);
        const after = applyEdits(text, outcome.edits);
        const count = (t: string, n: string) => outputMentionsOf(indexOf(t), id, n).length;
        assert.equal(count(after, to), count(text, from), after);
        if (lower !== from) assert.equal(count(after, from), 0, after);
        const word = (n: string) => new RegExp(`(?<![\\w-])${n}(?![\\w-])`, 'gi');
        const messages = (t: string, renamed: (m: string) => string) =>
          validateWorkflow(t)
            .diagnostics.map((d) => renamed(d.message).replace(/ — did you mean '[^']*'\?$/, ''))
            .sort();
        assert.deepEqual(
          messages(after, (m) => m),
          messages(text, (m) => m.replace(word(from), to)),
          after,
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('cli: edit rename-output', () => {
  it('renames an output in the file, and refuses an unknown one with the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-rename-output-'));
    try {
      const file = join(dir, 'w.workflow.yaml');
      writeFileSync(file, WORKFLOW);
      let err = '';
      const io: Output = { out: () => undefined, err: (t) => (err += t), isTTY: false };
      assert.equal(await main(['edit', file, 'rename-output', 'build', 'version', 'release', '--write'], io), 0);
      assert.match(readFileSync(file, 'utf8'), /^ {4}outputs: \[release, version_tag, notes\] {3}# what deploy reads$/m);
      assert.doesNotMatch(readFileSync(file, 'utf8'), /outputs\.version\b(?!_)|"version=/i);
      assert.equal(await main(['edit', file, 'rename-output', 'build', 'version', 'x'], io), 2);
      assert.equal(err, "maestro-dag: node 'build' has no output 'version'\n");
      assert.equal(await main(['edit', file, 'rename-output', 'build', 'release'], io), 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
