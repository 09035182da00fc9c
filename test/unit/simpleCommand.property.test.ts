import { strict as assert } from 'node:assert';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { directCommand, simpleCommandWords, type FileProbe } from '../../src/engine/run/core/simpleCommand';
import { ShellProcessRunner } from '../../src/engine/run/io/processRunner';

const hasBash = existsSync('/bin/bash');

describe('simple commands: executed without a shell where nothing a script can see changes', function () {
  this.timeout(120_000);

  it('takes one plain command and leaves anything with shell syntax, builtins and assignments to the shell', () => {
    assert.deepEqual(simpleCommandWords('  make -C build all\n'), ['make', '-C', 'build', 'all']);
    assert.deepEqual(simpleCommandWords('true'), ['true']);
    assert.deepEqual(simpleCommandWords('env FOO=bar printenv FOO'), ['env', 'FOO=bar', 'printenv', 'FOO']);
    for (const script of [
      'echo "hi"',
      "echo 'hi'",
      'echo $HOME',
      'ls *.txt',
      'a && b',
      'a | b',
      'a; b',
      'a > out',
      'cat < in',
      'cmd &',
      'a\nb',
      'FOO=1 cmd',
      'cd build',
      'export A=1',
      'true --help',
      'echo hi',
      'ls ~',
      'run # note',
      'echo \\n',
      'echo {a,b}',
      'if',
      '(a)',
      'x=`a`',
      '',
      '   ',
    ])
      assert.equal(simpleCommandWords(script), undefined, script);
  });

  it('sets what bash sets, and leaves to bash what it would do otherwise', () => {
    const probe: FileProbe = {
      isExecutable: (p) => p === '/usr/bin/tool' || p === '/work/bin/local',
      directory: (p) => (p === '/work' || p === '/work/link' ? { dev: 1, ino: 7 } : p === '/tmp' ? { dev: 1, ino: 9 } : undefined),
      realPath: () => '/work',
    };
    const env = { PATH: '/usr/local/bin:/usr/bin', HOME: '/h', OLDPWD: '/gone', PWD: '/work/link' };
    assert.deepEqual(directCommand(['tool', 'a'], env, '/work', probe), {
      file: '/usr/bin/tool',
      args: ['a'],
      env: { PATH: '/usr/local/bin:/usr/bin', HOME: '/h', PWD: '/work/link', SHLVL: '0', _: '/usr/bin/tool' },
    });
    assert.equal(directCommand(['bin/local'], { PATH: '/x', OLDPWD: '/tmp', SHLVL: '3' }, '/work', probe)?.env._, 'bin/local');
    assert.equal(directCommand(['bin/local'], { PATH: '/x', OLDPWD: '/tmp', SHLVL: '3' }, '/work', probe)?.env.OLDPWD, '/tmp');
    assert.equal(directCommand(['bin/local'], { PATH: '/x', PWD: '/elsewhere' }, '/work', probe)?.env.PWD, '/work');
    for (const [words, e] of [
      [['missing'], env],
      [['tool'], { HOME: '/h' }],
      [['tool'], { ...env, BASH_ENV: '/x' }],
      [['tool'], { ...env, 'BASH_FUNC_tool%%': '() { :; }' }],
      [['tool'], { ...env, SHLVL: '999' }],
      [['tool'], { ...env, SHLVL: 'x' }],
    ] as const)
      assert.equal(directCommand(words, e, '/work', probe), undefined, JSON.stringify([words, e]));
  });

  (hasBash ? it : it.skip)('gives the exit code, output and outputs the shell gives, for generated commands', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-simple-'));
    const work = join(dir, 'work');
    mkdirSync(work);
    writeFileSync(join(work, 'data.txt'), 'one\ntwo\n');
    writeFileSync(join(work, 'noshebang.sh'), 'echo from bash ${BASH_VERSION:+yes}\n');
    chmodSync(join(work, 'noshebang.sh'), 0o755);
    writeFileSync(join(work, 'script.sh'), '#!/bin/sh\necho "args: $*"\nexit 3\n');
    chmodSync(join(work, 'script.sh'), 0o755);
    writeFileSync(join(work, 'outputs.js'), "require('fs').appendFileSync(process.env.MAESTRO_OUTPUT, 'argv=' + process.argv.slice(2).join(',') + '\\n');\n");
    // One scratch folder: the two runners name their attempts' outputs files alike, as they take turns.
    const direct = new ShellProcessRunner(join(dir, 'scratch'), { directExec: true });
    const shell = new ShellProcessRunner(join(dir, 'scratch'), { directExec: false });
    const env: Record<string, string> = { ...(process.env as Record<string, string>), OLDPWD: work, PWD: work };
    delete env.BASH_ENV;
    const run = async (runner: ShellProcessRunner, script: string) => {
      const lines: string[] = [];
      const attempt = runner.start({ instanceId: 'n', attempt: 1, script, cwd: work, env }, (stream, text) => lines.push(`${stream}: ${text}`));
      const result = await attempt.done;
      // The environment's order is bash's own (a hash table's); its content is compared.
      return { exitCode: result.exitCode, signal: result.signal, outputs: result.outputs, spawnError: result.spawnError, lines: lines.sort() };
    };
    const word = fc.stringMatching(/^[A-Za-z0-9_.:=@%+,-]{1,8}$/);
    const command = fc.oneof(
      fc.constantFrom('true', 'false', 'env', '/bin/pwd', 'printenv PWD', 'printenv SHLVL', 'printenv _', 'nosuchprogram', './data.txt', './noshebang.sh'),
      fc.array(word, { maxLength: 4 }).map((w) => ['/bin/echo', ...w].join(' ')),
      fc.array(word, { maxLength: 3 }).map((w) => ['ls', ...w, 'data.txt'].join(' ')),
      fc.array(word, { maxLength: 3 }).map((w) => ['./script.sh', ...w].join(' ')),
      fc.array(word, { maxLength: 3 }).map((w) => ['node', 'outputs.js', ...w].join(' ')),
      fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })).map(([a, b]) => `expr ${a} - ${b}`),
      word.map((w) => `cat ${w}`),
    );
    try {
      await fc.assert(
        fc.asyncProperty(command, async (script) => {
          assert.deepEqual(await run(direct, script), await run(shell, script), script);
        }),
        { numRuns: 120 },
      );
      assert.ok(direct.launchedDirectly > 40, `${direct.launchedDirectly} of 120 were executed without a shell`);
      assert.equal(shell.launchedDirectly, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
