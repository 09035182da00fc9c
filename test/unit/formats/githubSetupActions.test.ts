import { strict as assert } from 'node:assert';
import { parse } from 'yaml';
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { importWorkflow } from '../../../src/engine/formats';
import { setupStep } from '../../../src/engine/formats/githubActions/setupActions';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import { yaml } from '../helpers';
import { inFolder, loggedLines, runWorkflowText } from './importedRuns';

/** What a setup step's commands do in `sh -e`, with `PATH` as given. */
function runBody(step: Record<string, unknown>, path: string) {
  const body = setupStep(step, true)?.body;
  assert.ok(body, JSON.stringify(step));
  const out = spawnSync('/bin/sh', ['-e', '-c', body], { env: { PATH: path, HOME: '/tmp' }, encoding: 'utf8' });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

const NODE_PATH = `${dirname(process.execPath)}:/usr/bin:/bin`;

describe('GitHub Actions import: actions that set the machine up', () => {
  it("runs the steps with this machine's tool, saying so, and keeps actions/cache as a comment", async () => {
    const { text, notImported } = await importWorkflow(
      yaml(
        'on: push',
        'jobs:',
        '  test:',
        '    runs-on: x',
        '    strategy: { matrix: { python: ["3.11", "3.12"] } }',
        '    steps:',
        '      - uses: actions/setup-node@v4',
        '        with: { node-version: 20.x, cache: npm }',
        '      - uses: actions/setup-python@v5',
        '        with: { python-version: "${{ matrix.python }}" }',
        '      - uses: actions/setup-go@v5',
        '        with: { go-version-file: go.mod }',
        '      - uses: actions/cache@v4',
        '        with: { path: "~/.npm\\nnode_modules", key: "npm-${{ hashFiles(\'package-lock.json\') }}" }',
        '      - run: npm test',
      ),
      'ci.yml',
    );
    assert.deepEqual(notImported, []);
    const [node] = validateWorkflow(text).workflow.nodes;
    assert.match(node.run!, /^# actions\/setup-node@v4 \(node-version 20\.x\): this machine's Node\.js runs the steps\n/);
    assert.match(node.run!, /echo "actions\/setup-python asks for Python \$\{\{ matrix\.python \}\}; this machine has \$\(python3 --version\)"/);
    assert.match(node.run!, /# actions\/setup-go@v5 \(go-version-file go\.mod\): this machine's Go runs the steps\n/);
    assert.match(node.run!, /# actions\/cache@v4: ~\/\.npm, node_modules stay on this machine between runs\nnpm test$/);
  });

  it('says in the log when the version differs from the one asked for, and fails the step when the tool is missing', () => {
    const same = runBody({ uses: 'actions/setup-node@v4', with: { 'node-version': process.versions.node.split('.')[0] } }, NODE_PATH);
    assert.deepEqual(same, { status: 0, stdout: '', stderr: '' });
    const other = runBody({ uses: 'actions/setup-node@v4', with: { 'node-version': '1.x' } }, NODE_PATH);
    assert.equal(other.status, 0);
    assert.equal(other.stderr, `actions/setup-node asks for Node.js 1.x; this machine has v${process.versions.node}\n`);
    const missing = runBody({ uses: 'oven-sh/setup-bun@v2' }, '/nonexistent');
    assert.equal(missing.status, 1);
    assert.equal(missing.stderr, 'oven-sh/setup-bun: bun is not on the PATH of this machine\n');
  });

  it('says where a job asks for a runner of another system, through its matrix too, that it runs on this machine', async () => {
    const { text, notImported } = await importWorkflow(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ${{ matrix.os }}',
        '    strategy: { matrix: { os: [ubuntu-latest, windows-latest], include: [{ os: macos-14 }] } }',
        '    steps: [{ run: make }]',
        '  b:',
        '    runs-on: [self-hosted, linux]',
        '    steps: [{ run: make }]',
        '  c:',
        '    runs-on: { group: big, labels: windows-2022 }',
        '    steps: [{ run: Write-Output "$env:HOME" }]',
        '  d:',
        '    runs-on: windows-latest',
        '    defaults: { run: { shell: bash } }',
        '    steps: [{ run: make }]',
        '  e:',
        '    runs-on: macos-14',
        '    steps: [{ run: make }]',
        '  f:',
        '    runs-on: [self-hosted, Windows, X64]',
        '    steps: [{ run: make }]',
        '  g:',
        "    runs-on: [self-hosted, '${{ matrix.os }}']",
        '    strategy: { matrix: { os: [windows, [windows, gpu]] } }',
        '    steps: [{ run: make }]',
      ),
      'ci.yml',
    );
    const here = 'on GitHub: here it runs on the machine that runs the workflow, whatever its system';
    assert.deepEqual(notImported, [
      `job 'a' (line 4): runs on windows-latest, macos-14 ${here}; its steps that name no shell run in bash, where GitHub runs them in pwsh on Windows`,
      `job 'c' (line 11): runs on windows-2022 ${here}; its steps run in pwsh, GitHub's default shell on Windows (PowerShell 7 must be installed here)`,
      `job 'd' (line 14): runs on windows-latest ${here}`,
      `job 'e' (line 18): runs on macos-14 ${here}`,
      `job 'f' (line 21): runs on Windows ${here}; its steps run in pwsh, GitHub's default shell on Windows (PowerShell 7 must be installed here)`,
      `job 'g' (line 24): runs on windows ${here}; its steps run in pwsh, GitHub's default shell on Windows (PowerShell 7 must be installed here)`,
    ]);
    // A job only for Windows keeps GitHub's default shell there; one that names its shell keeps that one.
    const nodes = (parse(text) as { nodes: Record<string, { shell?: string }> }).nodes;
    assert.deepEqual(Object.fromEntries(Object.entries(nodes).map(([id, node]) => [id, node.shell])), {
      a: undefined,
      b: undefined,
      c: 'pwsh',
      d: 'bash -o pipefail',
      e: undefined,
      f: 'pwsh',
      g: 'pwsh',
    });
  });

  it("reads an actions/cache step's cache-hit as a miss, so that the steps a miss asks for run", async () => {
    const { text, notImported } = await importWorkflow(
      yaml(
        'on: push',
        'jobs:',
        '  build:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: actions/cache@v4',
        '        id: Deps',
        '        with: { path: node_modules, key: "deps-${{ hashFiles(\'package-lock.json\') }}" }',
        "      - if: steps.deps.outputs.cache-hit != 'true'",
        '        run: echo installs',
        "      - if: steps.deps.outputs.cache-hit == 'true'",
        '        run: echo restored',
        '      - run: echo "hit [${{ steps.deps.outputs.cache-hit }}]"',
      ),
      'ci.yml',
    );
    assert.deepEqual(notImported, []);
    assert.deepEqual(
      validateWorkflow(text).diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    await inFolder('cache-hit', async (dir) => {
      const { status, events } = await runWorkflowText(dir, text);
      assert.equal(status, 'completed');
      assert.deepEqual(loggedLines(events), ['installs', 'hit []']);
    });
  });

  it('keeps only the comment where the node runs in a shell that is not POSIX', () => {
    assert.deepEqual(setupStep({ uses: 'actions/setup-node@v4', with: { 'node-version': '20' } }, false), {
      comment: "# actions/setup-node@v4 (node-version 20): this machine's Node.js runs the steps",
    });
  });
});
