import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShellProcessRunner } from '../../src/engine/run/io/processRunner';
import { runProcessOf } from '../../src/engine/platform/platform';
import { withoutPowershellLines, withPowershellLines } from '../../src/engine/platform/powershell';
import { posixPlatform, posixShellCommand } from '../../src/engine/platform/posix';
import { gitBashCandidates, NO_POSIX_SHELL, windowsPlatform, windowsShellCommand } from '../../src/engine/platform/windows';

describe('platform: POSIX', () => {
  it('passes a shell its own options, and -e to POSIX shells wherever they are', () => {
    assert.deepEqual(posixShellCommand('bash', { text: 'x' }), { file: 'bash', args: ['-e', '-c', 'x'] });
    assert.deepEqual(posixShellCommand('/bin/sh', { text: 'x' }), { file: '/bin/sh', args: ['-e', '-c', 'x'] });
    assert.deepEqual(posixShellCommand(' bash  -x ', { text: 'x' }), { file: 'bash', args: ['-x', '-e', '-c', 'x'] });
    assert.deepEqual(posixShellCommand('python3 -u', { text: 'x' }), { file: 'python3', args: ['-u', '-c', 'x'] });
    assert.deepEqual(posixShellCommand('bash', { file: '/tmp/script' }), { file: 'bash', args: ['-e', '/tmp/script'] });
  });

  it("gives a script as text after the option that runs it: -e for node, ruby and perl, whose -c only checks it, deno's eval", () => {
    assert.deepEqual(posixShellCommand('node', { text: 'x' }), { file: 'node', args: ['-e', 'x'] });
    assert.deepEqual(posixShellCommand('/usr/bin/ruby -w', { text: 'x' }), { file: '/usr/bin/ruby', args: ['-w', '-e', 'x'] });
    assert.deepEqual(posixShellCommand('perl', { text: 'x' }), { file: 'perl', args: ['-e', 'x'] });
    assert.deepEqual(posixShellCommand('deno', { text: 'x' }), { file: 'deno', args: ['eval', 'x'] });
    assert.deepEqual(posixShellCommand('node', { file: '/tmp/script' }), { file: 'node', args: ['/tmp/script'] });
    assert.deepEqual(windowsShellCommand('C:\\Program Files\\nodejs\\node.exe', { text: 'x' }).args, ['-e', 'x']);
  });

  it('runs a node whose shell is node or python3, and reads the outputs each writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-shells-'));
    try {
      const runner = new ShellProcessRunner(dir);
      const run = (shell: string, script: string) => runner.start({ instanceId: shell, attempt: 1, script, shell, cwd: dir, env: {} }, () => undefined).done;
      const node = await run('node', 'require("fs").appendFileSync(process.env.MAESTRO_OUTPUT, `v=${1 + 1}\\n`);');
      assert.deepEqual([node.exitCode, node.outputs], [0, { v: '2' }]);
      const python = await run('python3 -u', 'import os\nopen(os.environ["MAESTRO_OUTPUT"], "a").write(f"v={1 + 2}\\n")');
      assert.deepEqual([python.exitCode, python.outputs], [0, { v: '3' }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs scripts in bash where it is, else in sh, else says what to do', () => {
    assert.deepEqual(posixPlatform({ exists: (p) => p === '/usr/bin/bash' }).defaultShell(), { shell: 'bash' });
    assert.deepEqual(posixPlatform({ exists: (p) => p === '/bin/sh' }).defaultShell(), { shell: 'sh' });
    const none = posixPlatform({ exists: () => false }).defaultShell();
    assert.ok('error' in none && /name one with 'shell:'/.test(none.error));
  });

  it("never signals pid 0 or a negative pid, which would name the caller's own group", () => {
    const p = posixPlatform();
    assert.equal(p.treeAlive(0), false);
    assert.equal(p.treeAlive(-1), false);
    assert.doesNotThrow(() => p.killTree(0, 'SIGKILL'));
  });
});

describe('platform: Windows, with the machine injected', () => {
  const env = { ProgramFiles: 'C:\\Program Files', LOCALAPPDATA: 'C:\\Users\\ana\\AppData\\Local' };

  it("finds Git for Windows' bash where it installs, quoted for a path with spaces", () => {
    assert.ok(gitBashCandidates(env).includes('C:\\Program Files\\Git\\bin\\bash.exe'));
    assert.ok(gitBashCandidates(env).includes('C:\\Users\\ana\\AppData\\Local\\Programs\\Git\\bin\\bash.exe'));
    const found = windowsPlatform({ env, exists: (p) => p.endsWith('bash.exe') && p.startsWith('C:\\Program Files') }).defaultShell();
    assert.ok('shell' in found && found.shell.startsWith('"C:\\Program Files') && found.shell.endsWith('bash.exe"'));
  });

  it('without a POSIX shell, says what to install or name instead of failing to spawn', () => {
    const none = windowsPlatform({ env, exists: () => false }).defaultShell();
    assert.deepEqual(none, { error: NO_POSIX_SHELL });
    assert.match(NO_POSIX_SHELL, /Git for Windows/);
    assert.match(NO_POSIX_SHELL, /shell: wsl bash/);
  });

  it('runs PowerShell as GitHub Actions does, the same on every platform: stopping at the first error, exiting with the last code', () => {
    const around = (body: string) => `$ErrorActionPreference = 'Stop'\n${body}\nif ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }`;
    const text = { file: 'pwsh', args: ['-NoProfile', '-NonInteractive', '-Command', around('echo hi')] };
    assert.deepEqual(windowsShellCommand('pwsh', { text: 'echo hi' }), text);
    assert.deepEqual(posixShellCommand('pwsh', { text: 'echo hi' }), text);
    // A script too long for an argument is dot-sourced from its file, so that the same lines hold.
    assert.deepEqual(windowsShellCommand('powershell.exe -NoLogo', { file: "C:\\t\\it's.ps1" }), {
      file: 'powershell.exe',
      args: ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', around(". 'C:\\t\\it''s.ps1'")],
    });
    assert.deepEqual(posixShellCommand('/opt/microsoft/powershell/7/pwsh', { file: '/t/s.ps1' }).args, [
      '-NoProfile',
      '-NonInteractive',
      '-Command',
      around(". '/t/s.ps1'"),
    ]);
    // What is put between the lines is taken back from between them, whatever it is.
    fc.assert(fc.property(fc.string(), (script) => assert.equal(withoutPowershellLines(withPowershellLines(script)), script)));
    assert.equal(withoutPowershellLines('Write-Output 1'), 'Write-Output 1');
    // Written with {0}, it runs as written.
    assert.deepEqual(posixShellCommand('pwsh -File {0}', { file: '/t/s.ps1' }).args, ['-File', '/t/s.ps1']);
  });

  it("builds each shell's command as GitHub Actions does on Windows", () => {
    assert.deepEqual(windowsShellCommand('cmd', { text: 'echo hi' }), { file: 'cmd', args: ['/D', '/S', '/C', 'echo hi'] });
    assert.deepEqual(windowsShellCommand('"C:\\Program Files\\Git\\bin\\bash.exe" -x', { text: 'x' }), {
      file: 'C:\\Program Files\\Git\\bin\\bash.exe',
      args: ['-x', '-e', '-c', 'x'],
    });
    assert.deepEqual(windowsShellCommand('C:\\Program Files\\Git\\bin\\bash.exe', { file: 'C:\\t\\s.sh' }), {
      file: 'C:\\Program Files\\Git\\bin\\bash.exe',
      args: ['-e', 'C:\\t\\s.sh'],
    });
    assert.deepEqual(windowsShellCommand('wsl bash', { text: 'x' }), { file: 'wsl', args: ['bash', '-e', '-c', 'x'] });
  });

  it('keeps nodes attached (a detached process opens a console window) and has no watchdog', () => {
    const p = windowsPlatform({ env, exists: () => false });
    assert.equal(p.detached, false);
    assert.equal(p.startGuard(), undefined);
    assert.deepEqual(p.findRunProcesses('r'), []);
  });
});

describe('processes of a run', () => {
  it('are recognised by the run id in their environment, with their node and attempt', () => {
    const env = ['PATH=/bin', 'MAESTRO_RUN_ID=20260101-000000-abcd', 'MAESTRO_NODE_ID=test[os=linux]', 'MAESTRO_ATTEMPT=2', 'X=a=b'];
    assert.deepEqual(runProcessOf(7, 5, env, '20260101-000000-abcd'), { pid: 7, tree: 5, nodeId: 'test[os=linux]', attempt: 2 });
    assert.equal(runProcessOf(7, 5, env, '20260101-000000-abce'), undefined);
    assert.equal(runProcessOf(7, 5, ['MAESTRO_RUN_ID_X=20260101-000000-abcd'], '20260101-000000-abcd'), undefined);
  });
});
