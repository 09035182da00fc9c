// Builds the workspace the VS Code tests open: the bundled examples plus small fixtures for each scenario.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A run record as a repository someone else wrote could hold: marked running, a link in its name, its workflow elsewhere. */
export const PLANTED_RUN = {
  runId: '20260101-000000-e71f',
  workflowPath: '/tmp/maestro-planted/evil.workflow.yaml',
  workflowName: 'Nightly [Open a terminal](command:workbench.action.terminal.new)',
};

/**
 * The workspace, with the hostile file and the planted run when asked; with `gitCheckout`, a Git checkout of it all (one
 * commit on `main`, its origin on GitHub), as most workspaces are.
 */
export function makeWorkspace(root, dir, { plantedRun = false, hostileFile = false, gitCheckout = false } = {}) {
  mkdirSync(dir, { recursive: true });
  cpSync(join(root, 'examples'), dir, { recursive: true });
  const write = (name, lines) => writeFileSync(join(dir, name), lines.join('\n') + '\n');
  write('typo.workflow.yaml', ['version: 1', 'name: Typo', 'nodes:', '  build:', '    run: echo build', '  test:', '    needs: [biuld]', '    run: echo test']);
  write('unopened-broken.workflow.yaml', ['version: 1', 'name: Broken', 'nodes:', '  a: { needs: [b], run: x }', '  b: { needs: [a], run: x }']);
  write('editing.workflow.yaml', [
    'version: 1',
    'name: Editing',
    'nodes:',
    '  build:',
    '    run: echo "version=1" >> "$MAESTRO_OUTPUT"',
    '    outputs: [version]',
    '  lint:',
    '    run: echo lint',
    '  deploy:',
    '    needs: [build]',
    '    run: echo deploying ${{ nodes.build.outputs.version }}',
    '  notify:',
    '    needs: [deploy]',
    '    run: echo done',
  ]);
  write('builder.workflow.yaml', [
    '# Built in the panel by the integration tests.',
    'version: 1',
    'name: Builder',
    'nodes:',
    '  build:   # compiles',
    '    run: echo build',
    '  test:',
    '    needs: build',
    '    run: echo test',
  ]);
  // Nodes that wait for a file the test writes, so that a slow machine cannot end them before the test acts.
  const waitFor = (flag) => `'while [ ! -e ${flag} ]; do sleep 0.05; done'`;
  write('long.workflow.yaml', [
    'version: 1',
    'name: Long',
    'concurrency: 1',
    'nodes:',
    `  first: { run: ${waitFor('first.go')} }`,
    '  second: { run: sleep 0.2 }',
    '  third: { needs: [first, second], run: echo done }',
  ]);
  write('served.workflow.yaml', [
    'version: 1',
    'name: Served',
    'nodes:',
    `  first: { run: ${waitFor('served-first.go')} }`,
    '  second: { needs: first, run: echo second }',
  ]);
  write('served-flaky.workflow.yaml', [
    'version: 1',
    'name: Served flaky',
    'nodes:',
    '  check: { run: test -f served-fixed.flag }',
    '  after: { needs: check, run: echo after }',
  ]);
  write('hang.workflow.yaml', ['version: 1', 'name: Hang', 'nodes:', `  hang: { run: 'sleep 300 & echo $! > hang.pids; wait' }`]);
  write('gated.workflow.yaml', [
    'version: 1',
    'name: Gated',
    'nodes:',
    '  build: { run: echo build }',
    '  approve: { needs: build, approval: { prompt: Ship it? } }',
    '  ship: { needs: approve, run: echo shipped }',
  ]);
  write('reload.workflow.yaml', [
    'version: 1',
    'name: Reload',
    'nodes:',
    `  slow: { run: ${waitFor('reload.go')} }`,
    '  after: { needs: slow, run: echo after }',
  ]);
  write('flaky.workflow.yaml', ['version: 1', 'name: Flaky', 'nodes:', '  check: { run: test -f fixed.flag }', '  after: { needs: check, run: echo after }']);
  // A node whose result is kept and reused; each time it really runs it adds a line to built.txt.
  write('cached.workflow.yaml', [
    'version: 1',
    'name: Cached',
    'nodes:',
    `  build: { run: 'echo built >> built.txt && echo "v=7" >> "$MAESTRO_OUTPUT" && mkdir -p out && echo v7 > out/app.txt', outputs: [v], artifacts: [out], cache: true }`,
    "  use: { needs: build, env: { V: '${{ nodes.build.outputs.v }}' }, run: 'echo \"using $V\"' }",
  ]);
  // A node that holds a mutex: in the journey, a lock whose holder is gone but whose process id lives on holds it.
  write('port.workflow.yaml', ['version: 1', 'name: Port', 'nodes:', '  db: { mutex: journey-port, run: echo took the port > port.txt }']);
  // A GitHub Actions workflow to import: its github.sha and its secret become inputs the run asks for.
  mkdirSync(join(dir, '.github', 'workflows'), { recursive: true });
  write('.github/workflows/stamp.yml', [
    'name: Stamp',
    'on: push',
    'jobs:',
    '  stamp:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - uses: ./.github/actions/prepare',
    '        with: { label: stamp }',
    '      - run: echo "${{ github.sha }}" > stamped.txt',
    '      - run: echo "signed with $KEY" && printf %s "$KEY" | wc -c > keylength.txt',
    '        env:',
    '          KEY: ${{ secrets.STAMP_KEY }}',
    '      - run: printf %s "$GH_TOKEN" | wc -c > tokenlength.txt',
    '        env:',
    '          GH_TOKEN: ${{ secrets.GITHUB_TOKEN }}',
  ]);
  // A composite action of the repository, which the import puts in place of the step that uses it.
  mkdirSync(join(dir, '.github', 'actions', 'prepare'), { recursive: true });
  write('.github/actions/prepare/action.yml', [
    'name: Prepare',
    'inputs: { label: { required: true } }',
    'runs:',
    '  using: composite',
    '  steps:',
    '    - shell: bash',
    '      run: echo "prepared for ${{ inputs.label }}" > prepared.txt',
  ]);
  // A workflow that calls another of the repository: Import offers to import the one it calls too.
  write('.github/workflows/hello.yml', ['name: Hello', 'on: push', 'jobs:', '  greet:', '    uses: ./.github/workflows/greet.yml', '    with: { who: team }']);
  write('.github/workflows/greet.yml', [
    'name: Greet',
    'on:',
    '  workflow_call:',
    '    inputs: { who: { type: string, required: true } }',
    'jobs:',
    '  say:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - run: echo "hello $WHO" > greeted.txt',
    '        env: { WHO: "${{ inputs.who }}" }',
  ]);
  // A node that fails on its first attempt and passes on the retry: flaky, for Insights to find.
  write('sometimes.workflow.yaml', [
    'version: 1',
    'name: Sometimes',
    'nodes:',
    '  build: { run: echo build }',
    `  upload: { needs: build, retry: { max: 1, delay: 10ms }, run: '[ "$MAESTRO_ATTEMPT" -ge 2 ]' }`,
    '  notify: { needs: upload, run: echo done }',
  ]);
  // A file built to flood whatever validates it: validated off the extension host's thread, its problems capped.
  if (hostileFile)
    write('hostile-cycle.workflow.yaml', [
      'version: 1',
      'name: Hostile',
      'nodes:',
      ...Array.from({ length: 3000 }, (_, i) => `  n${i}: { needs: n${(i + 1) % 3000}, run: x }`),
    ]);
  // A folder of its own for the workflow the journey builds from the explorer's context menu.
  mkdirSync(join(dir, 'pipelines'), { recursive: true });
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  if (plantedRun) {
    const run = join(dir, '.maestro', 'runs', PLANTED_RUN.runId);
    mkdirSync(run, { recursive: true });
    const record = { ...PLANTED_RUN, workflowHash: 'x', inputs: {}, startedAt: Date.parse('2026-01-01'), status: 'running', pid: 2147483646 };
    writeFileSync(join(run, 'run.json'), JSON.stringify(record, null, 2));
    const started = {
      type: 'workflow:started',
      runId: PLANTED_RUN.runId,
      seq: 1,
      ts: record.startedAt,
      workflow: { name: PLANTED_RUN.workflowName, path: PLANTED_RUN.workflowPath, hash: 'x' },
      inputs: {},
      nodes: [{ id: 'a', nodeId: 'a', name: 'a', kind: 'run', needs: [] }],
      concurrency: 1,
    };
    writeFileSync(join(run, 'events.jsonl'), JSON.stringify(started) + '\n');
  }
  if (gitCheckout) {
    const git = (...args) =>
      execFileSync('git', ['-c', 'user.name=Maestro Tests', '-c', 'user.email=tests@example.com', ...args], { cwd: dir, stdio: 'ignore' });
    git('init', '-q', '-b', 'main');
    git('remote', 'add', 'origin', 'https://github.com/acme/pipelines.git');
    git('add', '-A');
    git('commit', '-qm', 'The workspace as the journey finds it');
  }
  return dir;
}
