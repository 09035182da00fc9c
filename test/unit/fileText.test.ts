// Workflow files that are not UTF-8: the first byte that is not is an error where it is, in validation, a run, an
// edit and an import; a file that is never changes.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { main } from '../../src/cli/main';
import type { Output } from '../../src/cli/output';
import { decodeFileText, notUtf8Line } from '../../src/engine/fileText';
import { RunSetupError, startRun } from '../../src/engine/run/engine';
import { validateFile } from '../../src/engine/validateFile';
import { toLineDiagnostics } from '../../src/engine/validation/validate';
import { yaml } from './helpers';

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Output = { out: (t) => (out += t), err: (t) => (err += t), isTTY: false };
  return { code: await main(argv, io), out, err };
}

describe('file text', () => {
  it('reads UTF-8 as it is, a byte-order mark and a U+FFFD written as such included', () => {
    for (const s of ['', 'a: 1\n', '\ufeffa: 1\n', 'a: "caf\u00e9 \ufffd \u{1f680}"\n']) assert.deepEqual(decodeFileText(utf8(s)), { text: s });
  });

  it('finds the first byte that is not UTF-8, past a U+FFFD the file holds', () => {
    const bytes = Buffer.concat([utf8('a: \ufffd\u{1f680}\nb: caf'), Buffer.from([0xe9]), utf8('\n')]);
    const read = decodeFileText(bytes);
    assert.equal(read.notUtf8?.offset, 'a: \ufffd\u{1f680}\nb: caf'.length);
    assert.match(read.notUtf8?.message ?? '', /^byte 0xE9 is not UTF-8 \(the file may be Latin-1 or Windows-1252\)/);
    assert.match(notUtf8Line(read) ?? '', /^2:7: byte 0xE9 /);
  });

  it('reads UTF-16 by its byte-order mark, and says it is not UTF-8', () => {
    const text = 'version: 1\nname: caf\u00e9\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le.subarray(2)).swap16();
    for (const [bytes, name] of [
      [le, 'UTF-16LE'],
      [Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 'UTF-16BE'],
    ] as const) {
      const read = decodeFileText(bytes);
      assert.equal(read.text, text);
      assert.deepEqual(read.notUtf8, { offset: 0, message: `the file is ${name} (it starts with that encoding's byte-order mark): save the file as UTF-8` });
    }
  });

  it('puts the error at the first invalid byte, for any text around it (property)', () => {
    const invalid = fc.constantFrom(0x80, 0xbf, 0xc0, 0xc1, 0xe9, 0xf5, 0xff);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), invalid, fc.string({ unit: 'grapheme' }), (before, byte, after) => {
        assert.deepEqual(decodeFileText(utf8(before + after)), { text: before + after });
        const read = decodeFileText(Buffer.concat([utf8(before), Buffer.from([byte]), utf8(after)]));
        assert.equal(read.notUtf8?.offset, before.length);
        assert.equal(read.text.charAt(before.length), '\ufffd');
      }),
      { numRuns: 300 },
    );
  });
});

describe('a workflow file that is not UTF-8', () => {
  let dir: string;
  const file = (name: string, bytes: Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const workflow = yaml('version: 1', 'name: Latin', 'nodes:', '  greet:', '    run: echo caf\u00e9 # \u00e9t\u00e9');

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'maestro-encoding-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is an error at its first such byte when validated from disk; given as text, it is not looked at', () => {
    const path = file('latin.workflow.yaml', latin1(workflow));
    const result = validateFile(path);
    const lines = toLineDiagnostics(result.parsed.lines, result.diagnostics);
    assert.deepEqual(
      lines.map((d) => [d.line, d.column, d.severity, d.code]),
      [[5, 18, 'error', 'encoding']],
    );
    assert.deepEqual(validateFile(path, workflow).diagnostics, []);
    assert.deepEqual(validateFile(file('utf8.workflow.yaml', utf8(workflow))).diagnostics, []);
  });

  it('does not run: the reason says where', () => {
    const path = file('latin.workflow.yaml', latin1(workflow));
    assert.throws(
      () => startRun({ workflowPath: path, runsDir: join(dir, 'runs') }),
      (e: unknown) => e instanceof RunSetupError && /has 1 error: line 5, column 18: byte 0xE9 is not UTF-8/.test(e.withFirstProblem()),
    );
  });

  it('is neither edited nor imported nor exported by the CLI, and is left as it was', async () => {
    const path = file('latin.workflow.yaml', latin1(workflow));
    const edit = await cli('edit', path, 'add-node', 'next', '--write');
    assert.equal(edit.code, 1);
    assert.match(edit.err, /cannot edit .*latin\.workflow\.yaml:5:18: byte 0xE9 is not UTF-8/);
    assert.deepEqual(readFileSync(path), latin1(workflow));
    for (const argv of [
      ['import', path],
      ['export', path, '--to', 'argo'],
    ]) {
      const r = await cli(...argv);
      assert.equal(r.code, 1, argv.join(' '));
      assert.match(r.err, /latin\.workflow\.yaml:5:18: byte 0xE9 is not UTF-8/);
      assert.equal(r.out, '');
    }
    const validate = await cli('validate', path);
    assert.equal(validate.code, 1);
    assert.match(validate.out, /latin\.workflow\.yaml:5:18: error encoding: byte 0xE9/);
  });
});
