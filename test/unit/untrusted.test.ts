// A repository someone else wrote: what it can put into the editor's UI and the terminal, what nodes receive of the
// editor, and what a masked value reaches. Each test is an attack that worked before, and must not now.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { main } from '../../src/cli/main';
import type { Output } from '../../src/cli/output';
import { safeLog, safeText, terminalJson } from '../../src/cli/terminalText';
import type { EngineEvent } from '../../src/engine/protocol';
import { startRun } from '../../src/engine/run/engine';
import { isEditorVariable, nodeBaseEnv, withoutEditorVariables } from '../../src/engine/nodeEnv';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { artifactToOpen } from '../../src/extension/dag/artifacts';
import { hoverAt } from '../../src/extension/language/hover';
import { buildIndex } from '../../src/engine/workflowIndex';
import { markdownCode, markdownText, plainText } from '../../src/extension/ui/untrustedText';
import { yaml } from './helpers';

const LINK = '[Install](command:workbench.extensions.installExtension?%5B%22evil.vsix%22%5D)';

describe("text from files in the editor's UI", () => {
  it('notifications and quick picks get no link, no icon, no control character, one line', () => {
    const shown = plainText(`Deploy ${LINK} $(alert)\u001b]0;title\u0007\u202eevil\nsecond line`);
    assert.doesNotMatch(shown, /\]\(/);
    assert.doesNotMatch(shown, /\$\(/);
    assert.doesNotMatch(shown, /[\u0000-\u001f\u202e]/);
    assert.match(shown, /^Deploy \[Install\]\u200b\(command:.* \$\u200b\(alert\)\]0;titleevil second line$/);
    assert.equal(plainText('x'.repeat(1000), 20).length, 20);
  });

  it('hovers show names and descriptions as the text they are: no link or image renders', () => {
    const text = yaml(
      'version: 1',
      'name: T',
      'nodes:',
      '  a:',
      `    name: "${LINK}"`,
      '    description: "see ![x](https://tracker.example/p.png) or https://evil.example and <img src=x>"',
      '    run: x',
      '  b: { needs: a, run: "echo ${{ nodes.a.outputs.o }}", if: "`` ` ``[x](https://e)" }',
    );
    const index = buildIndex(validateWorkflow(text));
    const hover = hoverAt(index, text.indexOf('nodes.a') + 6);
    assert.ok(hover);
    // Every `[`, `(`, `!`, `:` and `<` a link, an image or an autolink needs is escaped.
    assert.doesNotMatch(hover.markdown.replace(/\\./g, ''), /\[|\]\(|!\[|https:|<img/);
    assert.equal(markdownText('a*b_[c](d)'), 'a\\*b\\_\\[c\\]\\(d\\)');
    assert.equal(markdownCode('a ` b'), '``a ` b``');
    assert.equal(markdownCode('`x'), '`` `x ``');
  });
});

describe('text from files on the terminal', () => {
  async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const io: Output = { out: (t) => (out += t), err: (t) => (err += t), isTTY: false };
    return { code: await main(argv, io), out, err };
  }

  it('prints no escape sequence taken from a workflow or a run record; node output keeps only its colours', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-escapes-'));
    const file = join(dir, 'evil.workflow.yaml');
    writeFileSync(file, yaml('version: 1', 'name: "evil\\e]0;pwned\\a"', 'nodes:', '  a: { run: x, needs: "b\\e[2J" }'));
    const validate = await cli('validate', file);
    assert.doesNotMatch(validate.out, /\u001b/);
    const json = await cli('validate', '--format', 'json', file);
    assert.doesNotMatch(json.out, /[\u001b\u009b]/);
    assert.deepEqual(JSON.parse(terminalJson('{"a":"\u009b2J"}')), { a: '\u009b2J' }, 'the same data');
    const runs = join(dir, 'runs', '20260101-000000-abcd');
    mkdirSync(join(runs, 'logs'), { recursive: true });
    writeFileSync(
      join(runs, 'run.json'),
      JSON.stringify({
        runId: '20260101-000000-abcd',
        workflowPath: file,
        workflowName: 'x\u001b]52;c;ZXZpbA==\u0007',
        workflowHash: 'h',
        inputs: {},
        startedAt: 1,
        endedAt: 2,
        status: 'completed',
        pid: 1,
      }),
    );
    writeFileSync(
      join(runs, 'events.jsonl'),
      JSON.stringify({
        type: 'workflow:started',
        runId: 'r',
        seq: 1,
        ts: 1,
        workflow: { name: 'x', path: file, hash: 'h' },
        inputs: {},
        nodes: [{ id: 'a', nodeId: 'a', name: 'a', kind: 'run', needs: [] }],
        concurrency: 1,
      }) + '\n',
    );
    writeFileSync(join(runs, 'logs', 'a.log'), '\u001b[32mgreen\u001b[0m \u001b]0;title\u0007 \u001b[2J\n');
    const listed = await cli('runs', '--runs-dir', join(dir, 'runs'));
    assert.doesNotMatch(listed.out, /\u001b/);
    const logs = await cli('logs', '20260101-000000-abcd', 'a', '--runs-dir', join(dir, 'runs'));
    assert.equal(logs.out, '\u001b[32mgreen\u001b[0m ]0;title [2J\n');
    const outside = await cli('logs', '../../etc', '--runs-dir', join(dir, 'runs'));
    assert.equal(outside.code, 1);
    assert.match(outside.err, /'\.\.\/\.\.\/etc' is not a run id/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('safeText and safeLog', () => {
    assert.equal(safeText('a\u0007b\u009bc\td\ne'), 'abc\td\ne');
    assert.equal(safeLog('\u001b[1;31mred\u001b[0m\u001b[H'), '\u001b[1;31mred\u001b[0m[H');
  });
});

describe('what nodes receive of the editor', () => {
  it("the editor's variables are not passed on: its IPC handles, its askpass bridge, Electron as Node", () => {
    const env = {
      PATH: '/bin',
      HOME: '/home/ana',
      VSCODE_IPC_HOOK: '/run/user/1000/vscode-ipc.sock',
      VSCODE_GIT_IPC_HANDLE: '/tmp/vscode-git.sock',
      ELECTRON_RUN_AS_NODE: '1',
      GIT_ASKPASS: '/usr/share/code/resources/app/extensions/git/dist/askpass.sh',
      MAESTRO_ENGINE_HOST: 'vscode',
      MY_TOKEN: 'kept',
    };
    assert.deepEqual(nodeBaseEnv(env), { PATH: '/bin', HOME: '/home/ana', MY_TOKEN: 'kept' });
    assert.equal(isEditorVariable('GIT_ASKPASS', '/home/ana/bin/my-askpass'), false, "the user's own askpass stays");
    // From the CLI, the user's shell is the environment, as it is.
    const { MAESTRO_ENGINE_HOST: _, ...fromShell } = env;
    assert.deepEqual(nodeBaseEnv(fromShell), fromShell);
    assert.deepEqual(Object.keys(withoutEditorVariables(fromShell)).sort(), ['HOME', 'MY_TOKEN', 'PATH']);
  });

  it("the editor's engine process runs nodes without them", async function () {
    this.timeout(20_000);
    const dir = mkdtempSync(join(tmpdir(), 'maestro-env-'));
    const file = join(dir, 'env.workflow.yaml');
    writeFileSync(file, yaml('version: 1', 'name: Env', 'nodes:', `  dump: { run: "env > ${dir}/env" }`));
    const engine = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'engine.js')], {
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { ...process.env, VSCODE_IPC_HOOK: '/tmp/ipc.sock', ELECTRON_RUN_AS_NODE: '1', MAESTRO_ENGINE_HOST: 'vscode' },
    });
    const lines = createInterface({ input: engine.stdout });
    const ended = new Promise<void>((resolve) => lines.on('line', (l) => l.includes('"workflow:completed"') && resolve()));
    engine.stdin.write(JSON.stringify({ type: 'start', requestId: 1, workflowPath: file, runsDir: join(dir, 'runs') }) + '\n');
    await ended;
    engine.stdin.end();
    const seen = readFileSync(join(dir, 'env'), 'utf8');
    assert.doesNotMatch(seen, /^(VSCODE_IPC_HOOK|ELECTRON_RUN_AS_NODE|MAESTRO_ENGINE_HOST)=/m);
    assert.match(seen, /^MAESTRO_RUN_ID=/m);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('one masker per run', () => {
  it("a value masked inside a sub-workflow is masked in the parent's events and logs too", async function () {
    this.timeout(20_000);
    const dir = mkdtempSync(join(tmpdir(), 'maestro-mask-'));
    writeFileSync(
      join(dir, 'inner.workflow.yaml'),
      yaml('version: 1', 'name: Inner', 'nodes:', '  make: { run: \'echo "::add-mask s3cr3t"; echo "token=s3cr3t" >> "$MAESTRO_OUTPUT"\', outputs: [token] }'),
    );
    const main = join(dir, 'main.workflow.yaml');
    writeFileSync(
      main,
      yaml(
        'version: 1',
        'name: Main',
        'nodes:',
        '  inner: { workflow: ./inner.workflow.yaml, outputs: [token] }',
        '  use: { needs: inner, run: \'echo "got ${{ nodes.inner.outputs.token }}"\' }',
      ),
    );
    const events: EngineEvent[] = [];
    const run = startRun({ workflowPath: main, runsDir: join(dir, 'runs'), onEvent: (e) => events.push(e) });
    assert.equal(await run.finished(), 'completed');
    run.dispose();
    const text = JSON.stringify(events);
    assert.doesNotMatch(text, /s3cr3t/);
    const done = events.find((e) => e.type === 'node:completed' && e.nodeId === 'inner') as { outputs: Record<string, string> };
    assert.deepEqual(done.outputs, { token: '***' });
    assert.doesNotMatch(readFileSync(join(dir, 'runs', run.runId, 'events.jsonl'), 'utf8'), /s3cr3t/);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('artifacts the DAG panel opens', () => {
  it('only what the run recorded for the node, inside its folder or the workspace, links resolved', () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-artifacts-'));
    const ws = join(dir, 'ws');
    mkdirSync(join(ws, 'out'), { recursive: true });
    writeFileSync(join(ws, 'out', 'report.md'), '#');
    symlinkSync('/etc/passwd', join(ws, 'out', 'passwd'));
    const ask = (requested: string, recorded = [requested]) => artifactToOpen({ recorded, requested, nodeFolder: ws, roots: [ws] });
    assert.deepEqual(ask('out/report.md'), { path: join(ws, 'out', 'report.md') });
    assert.match((ask('out/report.md', []) as { error: string }).error, /is not an artifact of this node/);
    for (const escape of ['/home/user/.ssh/id_rsa', '../../../../etc/passwd', 'out/passwd'])
      assert.match((ask(escape) as { error: string }).error, /outside the workspace/, escape);
    rmSync(dir, { recursive: true, force: true });
  });
});
