import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/cli/args';
import fc from 'fast-check';
import { readHidden, type RawTerminal } from '../../src/cli/hiddenInput';
import { parseInputFile } from '../../src/cli/inputFile';
import { secretInputValues } from '../../src/cli/secretInputs';
import type { InputSpec } from '../../src/engine/model';
import { yaml } from './helpers';

/** A terminal that types `keys` once it is listening, and records its raw mode. */
class FakeTerminal extends EventEmitter implements RawTerminal {
  raw: boolean[] = [];
  constructor(private readonly keys: string[]) {
    super();
  }
  setRawMode(on: boolean): void {
    this.raw.push(on);
  }
  resume(): void {
    for (const k of this.keys.splice(0)) queueMicrotask(() => this.emit('data', Buffer.from(k)));
  }
  pause(): void {}
}

const hidden = async (...keys: string[]) => {
  const terminal = new FakeTerminal(keys);
  let written = '';
  const answer = await readHidden(terminal, (t) => (written += t), 'token: ');
  return { answer, written, raw: terminal.raw };
};

const spec = (name: string, more: Partial<InputSpec> = {}): InputSpec => ({ name, type: 'string', required: true, secret: true, ...more });

/** A value as an inputs file writes it in double quotes. */
const doubleQuoted = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

describe('CLI: an inputs file', () => {
  it('reads name=value lines: comments, export, quotes; says the file, the line and what is wrong', () => {
    const text = ['# for the release', '', 'export channel=stable', "note = 'as $written'", 'body="two\\nlines \\"quoted\\""', 'url=https://x/?a=b#c '].join(
      '\n',
    );
    assert.deepEqual(parseInputFile(text, 'in.env'), {
      given: { channel: 'stable', note: 'as $written', body: 'two\nlines "quoted"', url: 'https://x/?a=b#c' },
      errors: [],
    });
    assert.deepEqual(parseInputFile('a=1\nno equals here\na=2\nb="open\n3x=1', 'in.env').errors, [
      "in.env:2: expected name=value, where a name is letters, digits, _ and -, not 'no equals here'",
      "in.env:3: 'a' is given on line 1 already",
      'in.env:4: the value opens a double quote that does not close on its line',
      "in.env:5: expected name=value, where a name is letters, digits, _ and -, not '3x=1'",
    ]);
  });

  it('gives back any values written in double quotes', () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,8}$/);
    fc.assert(
      fc.property(fc.dictionary(name, fc.string()), (inputs) => {
        const text = Object.entries(inputs)
          .map(([k, v]) => `${k}=${doubleQuoted(v)}`)
          .join('\r\n');
        assert.deepEqual(parseInputFile(text, 'f'), { given: Object.fromEntries(Object.entries(inputs)), errors: [] });
      }),
    );
  });
});

describe('CLI: secret inputs', () => {
  it('reads a hidden answer: nothing of it echoed, backspace erases, Enter ends, Ctrl-C gives up', async () => {
    const typed = await hidden('hun', 'x\u007f', 'ter2\r');
    assert.equal(typed.answer, 'hunter2');
    assert.equal(typed.written, 'token: \n');
    assert.deepEqual(typed.raw, [true, false], 'raw mode on while asking, off after');
    assert.equal((await hidden('ab\u0003')).answer, undefined);
    assert.equal((await hidden('\u0004')).answer, undefined, 'Ctrl-D on an empty line gives up');
    assert.equal((await hidden('ab\u0004')).answer, 'ab');
    assert.equal((await hidden('a\tb\u001b\n')).answer, 'ab', 'control characters are not taken');
  });

  it('takes a secret from MAESTRO_SECRET_<NAME> first, else asks; a required one from neither is a usage error saying where', async () => {
    const asked: string[] = [];
    const ask = async (prompt: string) => (asked.push(prompt), 'typed');
    const values = await secretInputValues([spec('api-token'), spec('other', { description: 'The other one' })], {
      env: { MAESTRO_SECRET_API_TOKEN: 'from-env' },
      ask,
    });
    assert.deepEqual(values, { 'api-token': 'from-env', other: 'typed' });
    assert.deepEqual(asked, ['other (The other one), secret, not shown: ']);
    await assert.rejects(
      secretInputValues([spec('token')], { env: {}, inputFlag: true }),
      (e: unknown) =>
        e instanceof UsageError &&
        e.message ===
          "input 'token' is secret and required: set MAESTRO_SECRET_TOKEN, or run on a terminal to be asked for it (--input token=… works too, but the process list shows it)",
    );
    await assert.rejects(secretInputValues([spec('token')], { env: {} }), (e: unknown) => e instanceof UsageError && !e.message.includes('--input'));
    assert.deepEqual(await secretInputValues([spec('token', { required: false })], { env: {} }), {}, 'an optional one is left empty');
    await assert.rejects(secretInputValues([spec('token')], { env: {}, ask: async () => undefined }), /no value was given for the secret input 'token'/);
    await assert.rejects(secretInputValues([spec('token')], { env: {}, ask: async () => '' }), /input 'token' is required: the answer was empty/);
  });

  it("takes a GitHub token input from GH_TOKEN or GITHUB_TOKEN, as GitHub's CLI does, and says so; its own variable first", async () => {
    const taken: string[] = [];
    const onTaken = (input: string, variable: string) => taken.push(`${input} ${variable}`);
    const inputs = [spec('secrets_GITHUB_TOKEN'), spec('github_token'), spec('secrets_NPM_TOKEN', { required: false })];
    const env = { GH_TOKEN: 'gho_gh', GITHUB_TOKEN: 'ghp_github', MAESTRO_SECRET_GITHUB_TOKEN: 'own' };
    assert.deepEqual(await secretInputValues(inputs, { env, onTaken }), { secrets_GITHUB_TOKEN: 'gho_gh', github_token: 'own' });
    assert.deepEqual(taken, ['secrets_GITHUB_TOKEN GH_TOKEN']);
    assert.deepEqual(
      await secretInputValues([spec('GH_TOKEN')], { env: { GH_TOKEN: '', GITHUB_TOKEN: 'ghp_github' } }),
      { GH_TOKEN: 'ghp_github' },
      'an empty one is none',
    );
  });

  describe('maestro-dag run and resume, as built', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'maestro-cli-secret-'));
      writeFileSync(
        join(dir, 'deploy.workflow.yaml'),
        yaml(
          'version: 1',
          'name: Deploy',
          'inputs:',
          '  token: { secret: true, required: true }',
          'nodes:',
          '  use:',
          '    env: { TOKEN: "${{ inputs.token }}" }',
          '    run: |',
          '      echo "token $TOKEN, $(env | grep -c MAESTRO_SECRET) secret variables"',
          '      test -f ok',
        ),
      );
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const cli = (env: Record<string, string>, ...args: string[]) =>
      spawnSync(process.execPath, [join(__dirname, '..', '..', 'dist', 'cli.js'), ...args, '--runs-dir', join(dir, 'runs')], {
        cwd: dir,
        env: { ...process.env, NO_COLOR: '1', ...env },
        input: '',
        encoding: 'utf8',
      });

    it('says where a secret comes from when there is no terminal, and takes it from the environment, masked', () => {
      const none = cli({}, 'run', 'deploy.workflow.yaml');
      assert.equal(none.status, 2, none.stderr);
      assert.match(none.stderr, /input 'token' is secret and required: set MAESTRO_SECRET_TOKEN/);
      const failed = cli({ MAESTRO_SECRET_TOKEN: 'hunter2' }, 'run', 'deploy.workflow.yaml');
      assert.equal(failed.status, 1, failed.stderr);
      assert.match(failed.stdout, /token \*\*\*, 0 secret variables/, "the node's last lines, masked; the variable is not the node's");
      assert.ok(!`${failed.stdout}${failed.stderr}`.includes('hunter2'));
      const runId = readdirSync(join(dir, 'runs')).find((f) => /^\d{8}-/.test(f))!;
      assert.ok(!readFileSync(join(dir, 'runs', runId, 'run.json'), 'utf8').includes('hunter2'));

      writeFileSync(join(dir, 'ok'), '');
      const refused = cli({}, 'resume', runId);
      assert.equal(refused.status, 2);
      assert.match(refused.stderr, /input 'token' is secret and required: set MAESTRO_SECRET_TOKEN, or run on a terminal to be asked for it\n/);
      // An inputs file gives the secret before the environment does, and its other inputs are left out.
      writeFileSync(join(dir, 'secrets.env'), 'token=from-file\nother=ignored\n');
      const resumed = cli({ MAESTRO_SECRET_TOKEN: 'hunter2' }, 'resume', runId, '--input-file', 'secrets.env');
      assert.equal(resumed.status, 0, resumed.stderr);
      assert.match(readFileSync(join(dir, 'runs', runId, 'logs', 'use.log'), 'utf8'), /token \*\*\*, 0 secret variables/);
    });

    it("runs an imported workflow with GitHub's token from GH_TOKEN, saying so", () => {
      const text = readFileSync(join(dir, 'deploy.workflow.yaml'), 'utf8').replace(/\btoken\b/g, 'secrets_GITHUB_TOKEN');
      writeFileSync(join(dir, 'gh.workflow.yaml'), text);
      writeFileSync(join(dir, 'ok'), '');
      const run = cli({ GH_TOKEN: 'gho_signed-in' }, 'run', 'gh.workflow.yaml');
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^secrets_GITHUB_TOKEN: \$GH_TOKEN's \(MAESTRO_SECRET_SECRETS_GITHUB_TOKEN gives another\)$/m);
      const runId = /run (\d{8}-\S+),/.exec(run.stdout)![1];
      assert.match(readFileSync(join(dir, 'runs', runId, 'logs', 'use.log'), 'utf8'), /secrets_GITHUB_TOKEN \*\*\*, 0 secret variables/);
      assert.ok(!`${run.stdout}${run.stderr}`.includes('gho_signed-in'), 'masked');
    });
  });
});
