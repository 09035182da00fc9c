import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { main } from '../../src/cli/main';
import type { Output } from '../../src/cli/output';
import { checkoutValue, originUrl, readCheckout, repositoryOfUrl } from '../../src/engine/gitCheckout';
import { runnerInputs } from '../../src/engine/localRunValues';

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();

describe("a Git checkout's own values, read from its files", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'maestro-git-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A repository with one commit on `feature/x`, origin on GitHub, and a sub-folder. */
  function repository(): { root: string; sub: string; sha: string } {
    const root = join(dir, 'repo');
    const sub = join(root, 'pipelines', 'nightly');
    mkdirSync(sub, { recursive: true });
    git(root, 'init', '-q');
    writeFileSync(join(sub, 'a.workflow.yaml'), 'version: 1\n');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'one');
    git(root, 'checkout', '-qb', 'feature/x');
    git(root, 'remote', 'add', 'origin', 'git@github.com:acme/widgets.git');
    return { root, sub, sha: git(root, 'rev-parse', 'HEAD') };
  }

  it("gives what git says: the commit, the branch, the origin's repository, from a folder inside", async () => {
    const { root, sub, sha } = repository();
    const checkout = await readCheckout(sub);
    assert.deepEqual(checkout, { root, sha, ref: 'refs/heads/feature/x', refName: 'feature/x', repository: 'acme/widgets' });
    assert.deepEqual(
      ['github_sha', 'github_ref', 'github_ref_name', 'github_repository', 'github_repository_owner', 'github_workspace', 'github_actor', 'sha'].map((n) =>
        checkoutValue(checkout, n),
      ),
      [sha, 'refs/heads/feature/x', 'feature/x', 'acme/widgets', 'acme', root, undefined, undefined],
    );
  });

  it('finds a packed ref, a detached HEAD, and a worktree’s own branch with its repository’s origin', async () => {
    const { root, sha } = repository();
    git(root, 'pack-refs', '--all');
    assert.equal((await readCheckout(root))?.sha, sha);
    const tree = join(dir, 'tree');
    git(root, 'worktree', 'add', '-q', '-b', 'other', tree);
    writeFileSync(join(tree, 'b.txt'), 'b');
    git(tree, 'add', '.');
    git(tree, 'commit', '-qm', 'two');
    assert.deepEqual(await readCheckout(tree), {
      root: tree,
      sha: git(tree, 'rev-parse', 'HEAD'),
      ref: 'refs/heads/other',
      refName: 'other',
      repository: 'acme/widgets',
    });
    git(root, 'checkout', '-q', '--detach');
    assert.deepEqual(await readCheckout(root), { root, sha, repository: 'acme/widgets' });
  });

  it('leaves out what is not of its shape, and is undefined outside a checkout', async () => {
    assert.equal(await readCheckout(dir), undefined);
    const root = join(dir, 'hostile');
    mkdirSync(join(root, '.git'), { recursive: true });
    writeFileSync(join(root, '.git', 'HEAD'), 'ref: refs/../../../etc/passwd\n');
    writeFileSync(join(root, '.git', 'config'), '[remote "origin"]\n\turl = $(touch pwned)\n');
    assert.deepEqual(await readCheckout(root), { root });
    writeFileSync(join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    mkdirSync(join(root, '.git', 'refs', 'heads'), { recursive: true });
    writeFileSync(join(root, '.git', 'refs', 'heads', 'main'), '$(touch pwned)\n');
    assert.deepEqual(await readCheckout(root), { root, ref: 'refs/heads/main', refName: 'main' });
    rmSync(join(root, '.git'), { recursive: true });
    writeFileSync(join(root, '.git'), 'not a pointer');
    assert.equal(await readCheckout(root), undefined);
    unlinkSync(join(root, '.git'));
  });

  it('runs a workflow with what GitHub gives a run, from the CLI, with the checkout’s values it says it took, as act does', async () => {
    const { sub, sha } = repository();
    const file = join(sub, 'stamp.workflow.yaml');
    const text = [
      'version: 1',
      'name: Stamp',
      'inputs:',
      '  github_sha: { type: string, required: true }',
      '  github_ref_name: { type: string, required: true }',
      '  runner_os: { type: string, required: true }',
      'nodes:',
      '  stamp:',
      '    env: { SHA: "${{ inputs.github_sha }}", REF: "${{ inputs.github_ref_name }}" }',
      '    run: echo "$SHA $REF" > stamped.txt',
    ];
    const os = runnerInputs().runner_os;
    writeFileSync(file, text.join('\n') + '\n');
    let out = '';
    const io: Output = { out: (t) => (out += t), err: (t) => (out += t), isTTY: false };
    const runsDir = join(dir, 'runs');
    assert.equal(await main(['run', file, '--runs-dir', runsDir], io), 0, out);
    assert.equal(readFileSync(join(sub, 'stamped.txt'), 'utf8'), `${sha} feature/x\n`);
    assert.match(out, new RegExp(`github_sha: this checkout's, ${sha} \\(--input github_sha=… gives another\\)`));
    assert.match(out, new RegExp(`runner_os: this machine's, ${os} \\(`));
    // What is given is taken instead, and said nothing of.
    out = '';
    assert.equal(await main(['run', file, '--runs-dir', runsDir, '--input', 'github_sha=abc'], io), 0, out);
    assert.equal(readFileSync(join(sub, 'stamped.txt'), 'utf8'), 'abc feature/x\n');
    assert.doesNotMatch(out, /github_sha: this checkout's/);
  });

  it("gives runner.os and runner.arch in GitHub's words, and nothing for a machine GitHub has no runner for", () => {
    assert.deepEqual(runnerInputs('linux', 'x64'), { runner_os: 'Linux', runner_arch: 'X64' });
    assert.deepEqual(runnerInputs('darwin', 'arm64'), { runner_os: 'macOS', runner_arch: 'ARM64' });
    assert.deepEqual(runnerInputs('win32', 'ia32'), { runner_os: 'Windows', runner_arch: 'X86' });
    assert.deepEqual(runnerInputs('freebsd', 'ppc64'), {});
    assert.deepEqual(runnerInputs('constructor', 'toString'), {});
  });

  it("reads a repository's owner and name from the URL forms remotes are written in", () => {
    const cases: [string, string | undefined][] = [
      ['git@github.com:acme/widgets.git', 'acme/widgets'],
      ['https://github.com/acme/widgets', 'acme/widgets'],
      ['https://github.com/acme/widgets.git/', 'acme/widgets'],
      ['ssh://git@github.example.com/acme/wid.gets.git', 'acme/wid.gets'],
      ['https://token@github.com/acme/widgets.git', 'acme/widgets'],
      ['https://gitlab.com/group/sub/project.git', undefined],
      ['/srv/git/widgets.git', undefined],
      ['', undefined],
    ];
    for (const [url, expected] of cases) assert.equal(repositoryOfUrl(url), expected, url);
    assert.equal(originUrl('[core]\n\tbare = false\n[remote "upstream"]\n\turl = a:b/c\n[remote "origin"]\n\turl = git@h:o/r.git\n'), 'git@h:o/r.git');
  });

  it('gives, for any URL, no repository or one that is just an owner and a name', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.webUrl(),
          fc.string().map((s) => `git@host:${s}`),
        ),
        (url) => {
          const repository = repositoryOfUrl(url);
          assert.ok(repository === undefined || /^[\w.-]+\/[\w.-]+$/.test(repository), repository);
        },
      ),
    );
  });
});
