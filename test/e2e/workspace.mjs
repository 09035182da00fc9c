// Builds the workspace the VS Code tests open: the bundled examples plus small fixtures for each scenario.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function makeWorkspace(root, dir) {
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
  // Nodes that wait for a file the test writes, so that a slow machine cannot end them before the test acts.
  const waitFor = (flag) => `'while [ ! -e ${flag} ]; do sleep 0.05; done'`;
  write('long.workflow.yaml', ['version: 1', 'name: Long', 'concurrency: 1', 'nodes:', `  first: { run: ${waitFor('first.go')} }`, '  second: { run: sleep 0.2 }', '  third: { needs: [first, second], run: echo done }']);
  write('hang.workflow.yaml', ['version: 1', 'name: Hang', 'nodes:', `  hang: { run: 'sleep 300 & echo $! > hang.pids; wait' }`]);
  write('gated.workflow.yaml', ['version: 1', 'name: Gated', 'nodes:', '  build: { run: echo build }', '  approve: { needs: build, approval: { prompt: Ship it? } }', '  ship: { needs: approve, run: echo shipped }']);
  write('reload.workflow.yaml', ['version: 1', 'name: Reload', 'nodes:', `  slow: { run: ${waitFor('reload.go')} }`, '  after: { needs: slow, run: echo after }']);
  write('flaky.workflow.yaml', ['version: 1', 'name: Flaky', 'nodes:', '  check: { run: test -f fixed.flag }', '  after: { needs: check, run: echo after }']);
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  return dir;
}
