import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConversionError, exportWorkflow, importWorkflow } from '../../src/engine/formats';
import { parseRetryLoop, withRetryLoop } from '../../src/engine/formats/scriptRetry';
import { codeOption, runsPastFailures, scriptFileExtension, shellSplit, shellText, wordsBeforeScriptFile } from '../../src/engine/platform/shells';
import { posixPlatform, posixShellCommand } from '../../src/engine/platform/posix';
import { windowsPlatform, windowsShellCommand } from '../../src/engine/platform/windows';
import { ShellProcessRunner } from '../../src/engine/run/io/processRunner';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { argoErrors, githubErrors } from './formats/validators';
import { diagnose, yaml } from './helpers';

const specOf = (text: string) => validateWorkflow(text).workflow;
const oneNode = (node: string) => yaml('version: 1', 'name: W', 'nodes:', `  a: ${node}`);

describe('a shell with {0}: a command given the script as a file, as GitHub Actions writes one', () => {
  it('runs as written, the file in place of {0} wherever it stands, with no -e added', () => {
    assert.deepEqual(posixShellCommand('Rscript {0}', { file: '/t/1-a.R' }), { file: 'Rscript', args: ['/t/1-a.R'] });
    assert.deepEqual(posixShellCommand(' bash  --norc {0} ', { file: '/t/s.sh' }), { file: 'bash', args: ['--norc', '/t/s.sh'] });
    assert.deepEqual(posixShellCommand('php -f {0} -- x', { file: '/t/s.php' }), { file: 'php', args: ['-f', '/t/s.php', '--', 'x'] });
    assert.deepEqual(posixShellCommand('tool --script={0}', { file: '/t/s' }), { file: 'tool', args: ['--script=/t/s'] });
    assert.deepEqual(windowsShellCommand('"C:\\Program Files\\R\\bin\\Rscript.exe" {0}', { file: 'C:\\t\\s.R' }), {
      file: 'C:\\Program Files\\R\\bin\\Rscript.exe',
      args: ['C:\\t\\s.R'],
    });
    assert.deepEqual(windowsShellCommand('pwsh -File {0}', { file: 'C:\\t\\s.ps1' }), { file: 'pwsh', args: ['-File', 'C:\\t\\s.ps1'] });
  });

  it('parts its words at spaces, a word in quotes kept whole, on either platform; written back as it reads', () => {
    assert.deepEqual(shellSplit('  bash \t -x '), ['bash', '-x']);
    assert.deepEqual(shellSplit('"/opt/my tools/bash" -x'), ['/opt/my tools/bash', '-x']);
    assert.deepEqual(shellSplit(`pwsh -command ". '{0}'"`), ['pwsh', '-command', ". '{0}'"]);
    assert.deepEqual(shellSplit(`a '' b"c d"e "open`), ['a', '', 'bc de', 'open']);
    assert.deepEqual(shellSplit(''), []);
    assert.deepEqual(posixShellCommand('"/opt/my tools/bash" -x', { text: 'x' }), { file: '/opt/my tools/bash', args: ['-x', '-e', '-c', 'x'] });
    assert.deepEqual(windowsShellCommand(`pwsh -command ". '{0}'"`, { file: 'C:\\t\\s.ps1' }), { file: 'pwsh', args: ['-command', ". 'C:\\t\\s.ps1'"] });
    assert.deepEqual(windowsShellCommand(`C:\\Program Files\\PowerShell\\7\\pwsh.exe -File "{0}"`, { file: 'C:\\t\\s.ps1' }).args, ['-File', 'C:\\t\\s.ps1']);
    // A word cannot hold both quotes (there are no escapes); any other reads back as it was written.
    const word = fc.string({ maxLength: 8 }).filter((w) => !(w.includes('"') && w.includes("'")));
    fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), (words) => assert.deepEqual(shellSplit(shellText(words)), words)));
  });

  it("gives the programs whose -c means something else the option that runs text: -e, php's -r", () => {
    for (const program of ['Rscript', '/usr/bin/julia', 'lua', 'osascript', 'elixir']) assert.equal(codeOption(program), '-e', program);
    assert.equal(codeOption('php'), '-r');
    assert.equal(codeOption('fish'), '-c');
    assert.deepEqual(posixShellCommand('Rscript --vanilla', { text: 'x' }), { file: 'Rscript', args: ['--vanilla', '-e', 'x'] });
  });

  it("names a script's file for its program, which PowerShell and cmd need; the program as each platform reads it", () => {
    const cases: [string, string][] = [
      ['pwsh', '.ps1'],
      ['C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', '.ps1'],
      ['cmd.exe', '.cmd'],
      ['/bin/bash', '.sh'],
      ['python3.12', '.py'],
      ['node', '.js'],
      ['deno', '.ts'],
      ['Rscript', '.R'],
      ['"C:\\Program Files\\Git\\bin\\bash.exe"', '.sh'],
      ['mytool', '.script'],
    ];
    for (const [program, extension] of cases) assert.equal(scriptFileExtension(program), extension, program);
    assert.equal(posixPlatform().shellProgram(' /usr/bin/Rscript  {0}'), '/usr/bin/Rscript');
    const windows = windowsPlatform({ exists: () => false, env: {} });
    assert.equal(windows.shellProgram('"C:\\Program Files\\R\\bin\\Rscript.exe" {0}'), 'C:\\Program Files\\R\\bin\\Rscript.exe');
    assert.equal(windows.shellProgram('C:\\Program Files\\PowerShell\\7\\pwsh.exe -File {0}'), 'C:\\Program Files\\PowerShell\\7\\pwsh.exe');
  });

  it('runs the script from a file named for its program, with no -e, and removes the file when the script ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-file-shells-'));
    try {
      const runner = new ShellProcessRunner(dir);
      const run = (shell: string, script: string) => runner.start({ instanceId: 'a', attempt: 1, script, shell, cwd: dir, env: {} }, () => undefined).done;
      // Without -e the script goes on after `false`, as GitHub's `sh {0}` does.
      const sh = await run('sh {0}', 'false\necho "file=$(basename "$0")" >> "$MAESTRO_OUTPUT"\n');
      assert.equal(sh.exitCode, 0);
      assert.match(sh.outputs.file, /^\d+-a\.sh$/);
      const node = await run('node {0}', 'require("fs").appendFileSync(process.env.MAESTRO_OUTPUT, `ext=${require("path").extname(__filename)}\\n`);');
      assert.deepEqual([node.exitCode, node.outputs], [0, { ext: '.js' }]);
      const quoted = await run(`sh -c '. "$0"' {0}`, 'echo "sourced=yes" >> "$MAESTRO_OUTPUT"\n');
      assert.deepEqual([quoted.exitCode, quoted.outputs], [0, { sourced: 'yes' }]);
      const failing = await run('sh -e {0}', 'false\necho never\n');
      assert.equal(failing.exitCode, 1);
      assert.deepEqual(readdirSync(join(dir, 'outputs')), [], 'no script file is left behind');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('goes on past a failing command in a POSIX shell exactly where runsPastFailures says, as the shell itself does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-file-shells-'));
    try {
      const runner = new ShellProcessRunner(dir);
      const option = fc.constantFrom('-x', '-e', '+e', '-o errexit', '+o errexit', '-xe', '+xe', '-u', '-eu', '-C');
      const shell = fc.tuple(fc.constantFrom('sh', 'bash', '/bin/sh'), fc.array(option, { maxLength: 4 }), fc.boolean());
      let n = 0;
      await fc.assert(
        fc.asyncProperty(shell, async ([program, options, withFile]) => {
          const written = [program, ...options, ...(withFile ? ['{0}'] : [])].join(' ');
          const marker = join(dir, `went-on-${n++}`);
          const request = { instanceId: 'a', attempt: 1, script: `false\ntouch '${marker}'`, shell: written, cwd: dir, env: {} };
          await runner.start(request, () => undefined).done;
          assert.equal(existsSync(marker), runsPastFailures(written), written);
        }),
        {
          numRuns: 60,
          // The last of -e and +e has the say.
          examples: [[['bash', ['-e', '+e'], true]], [['sh', ['+e', '-xe'], true]], [['sh', ['-o errexit', '+o errexit'], true]]],
        },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is an error where it names no program, starts with {0} or leaves a quote open, saying where', () => {
    const errors = (text: string) => diagnose(text).map((d) => `${d.line}: ${d.message}`);
    assert.deepEqual(errors(oneNode('{ run: x, shell: "Rscript {0}" }')), []);
    assert.deepEqual(errors(oneNode('{ run: x, shell: "{0}" }')), [
      "4: the shell of node 'a' starts with '{0}', the script's file: the program that runs it comes first ('Rscript {0}')",
    ]);
    assert.deepEqual(errors(oneNode(`{ run: x, shell: "sh -c '. \\"$0\\" {0}" }`)), [
      "4: the shell of node 'a' has a single quote that is not closed: close it where the word it holds ends",
    ]);
    const blank = errors(yaml('version: 1', 'name: W', 'defaults: { shell: "  " }', 'nodes:', '  a: { run: x }'));
    assert.deepEqual(blank, [
      "3: defaults.shell names no program: write the one that runs the script ('bash', 'python3 -u'), or leave shell out for the default",
    ]);
  });

  it('exports to GitHub Actions as written, its retry loop giving the file where {0} stands, and imports back', async () => {
    const out = exportWorkflow(specOf(oneNode('{ run: "cat(1)", shell: "Rscript --vanilla {0}", retry: 1 }')), 'github-actions');
    assert.deepEqual(await githubErrors(out), []);
    assert.match(out, /if GITHUB_RUN_ATTEMPT=\$attempt Rscript --vanilla "\$RUNNER_TEMP\/maestro-script-\$\$"; then/);
    const back = specOf((await importWorkflow(out, 'w.yml')).text).nodes[0];
    assert.deepEqual([back.shell, back.run, back.retry.max], ['Rscript --vanilla {0}', 'cat(1)', 1]);
    const plain = exportWorkflow(specOf(oneNode('{ run: "cat(1)", shell: "Rscript {0}" }')), 'github-actions');
    assert.match(plain, /shell: Rscript \{0\}\n/);
    const pwsh = exportWorkflow(specOf(oneNode(`{ run: "Write-Output 1", shell: "pwsh -command \\". '{0}'\\"" }`)), 'github-actions');
    assert.match(pwsh, /shell: pwsh -command "\. '\{0\}'"\n/);
    const loop = withRetryLoop('x', { max: 1, backoff: 'fixed', delayMs: 0 }, 'tool --in={0} -q', '/tmp', 'N');
    assert.equal(parseRetryLoop(loop)?.shellWords, 'tool --in={0} -q');
  });

  it("exports PowerShell as GitHub's named pwsh, which stops at the first error as here, and with options between the same lines", async () => {
    const named = exportWorkflow(specOf(oneNode('{ run: "Write-Output 1", shell: pwsh }')), 'github-actions');
    assert.match(named, /\n {8}shell: pwsh\n {8}run: Write-Output 1\n/);
    assert.deepEqual(await githubErrors(named), []);
    assert.equal(specOf((await importWorkflow(named, 'ci.yml')).text).nodes[0].shell, 'pwsh');
    const withOptions = exportWorkflow(specOf(oneNode('{ run: "Write-Output 1", shell: pwsh -NoLogo }')), 'github-actions');
    assert.match(withOptions, /shell: pwsh -NoLogo \{0\}\n/);
    assert.match(withOptions, /\$ErrorActionPreference = 'Stop'\n\s+Write-Output 1\n\s+if \(\(Test-Path -LiteralPath variable:\\LASTEXITCODE\)\)/);
  });

  it("imports a GitHub job's custom command of another language with its {0}, and runs its file; a POSIX shell's without", async () => {
    const job = (shell: string) =>
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: x',
        `    defaults: { run: { shell: "${shell}" } }`,
        '    steps:',
        '      - run: |',
        '          print "$0\\n";',
      );
    const perl = specOf((await importWorkflow(job('perl  -w {0}'), 'ci.yml')).text).nodes[0];
    assert.equal(perl.shell, 'perl -w {0}');
    assert.equal(specOf((await importWorkflow(job('bash -x {0}'), 'ci.yml')).text).nodes[0].shell, 'bash -x');
    const dir = mkdtempSync(join(tmpdir(), 'maestro-file-shells-'));
    try {
      const runner = new ShellProcessRunner(dir);
      const lines: string[] = [];
      const request = { instanceId: 'a', attempt: 1, script: perl.run!, shell: perl.shell, cwd: dir, env: {} };
      const ran = await runner.start(request, (_, line) => lines.push(line)).done;
      // Perl's $0 is the file it runs ("-e" for a script given as text).
      assert.deepEqual([ran.exitCode, lines.length, lines[0]?.endsWith('-a.pl')], [0, 1, true], lines.join('\n'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exports to Argo without a last {0}, which Argo adds; {0} anywhere else is a problem named', () => {
    assert.deepEqual(wordsBeforeScriptFile('Rscript {0}'), ['Rscript']);
    assert.deepEqual(wordsBeforeScriptFile('bash'), ['bash', '-e']);
    assert.equal(wordsBeforeScriptFile('pwsh -File={0}'), undefined);
    const out = exportWorkflow(specOf(oneNode('{ run: "cat(1)", shell: "Rscript {0}", image: "r-base:4" }')), 'argo');
    assert.deepEqual(argoErrors(out), []);
    assert.match(out, /command: \[Rscript\]\n\s+source:/);
    assert.throws(
      () => exportWorkflow(specOf(oneNode('{ run: x, shell: "tool --in={0}" }')), 'argo'),
      (e: unknown) => e instanceof ConversionError && /the shell 'tool --in=\{0\}', with \{0\} elsewhere/.test(e.problems[0].message),
    );
  });
});
