// A sub-run stopped from the run above it: its node's timeout, a cancel (and a second, hard one), and a halt when
// the host goes away. Its nodes say why, and a halt decides nothing more in it (its clean-up nodes do not run).
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineEvent } from '../../src/engine/protocol';
import { startRun, type RunHandle } from '../../src/engine/run/engine';
import { yaml } from './helpers';

describe('sub-runs stopped from above', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'maestro-substop-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A run whose sub-run has a node that runs until stopped, and a clean-up node after it; `deploy` is the workflow node. */
  const start = (deployOptions = '', cleanUp = `touch "${dir}/cleaned"`) => {
    writeFileSync(
      join(dir, 'child.workflow.yaml'),
      yaml('version: 1', 'name: Child', 'nodes:', '  work: { run: "sleep 30" }', `  clean: { needs: work, if: "\${{ always() }}", run: '${cleanUp}' }`),
    );
    const main = join(dir, 'main.workflow.yaml');
    writeFileSync(main, yaml('version: 1', 'name: Main', 'nodes:', `  deploy: { workflow: ./child.workflow.yaml${deployOptions} }`));
    const events: EngineEvent[] = [];
    let seen = () => undefined as unknown;
    const run = startRun({ workflowPath: main, runsDir: join(dir, 'runs'), onEvent: (e) => (events.push(e), seen()) });
    /** Once a node has started (it may have already). */
    const started = (id: string) =>
      new Promise<void>((resolve) => {
        seen = () => events.some((e) => e.type === 'node:started' && e.nodeId === id) && resolve();
        seen();
      });
    const endOf = (id: string) => events.find((e) => 'nodeId' in e && e.nodeId === id && /^node:(completed|failed|cancelled|skipped)$/.test(e.type));
    return { run, started, endOf };
  };
  const finish = async (run: RunHandle) => {
    const status = await run.finished();
    run.dispose();
    return status;
  };

  it("halts a sub-run where it stands: its running node is ended with the host's reason, and nothing else is decided", async () => {
    const { run, started, endOf } = start();
    await started('deploy/work');
    await run.scheduler.halt('the editor window closed');
    run.dispose();
    assert.deepEqual(endOf('deploy/work'), { ...endOf('deploy/work'), type: 'node:cancelled', reason: 'the editor window closed' });
    assert.deepEqual(endOf('deploy'), { ...endOf('deploy'), type: 'node:cancelled', reason: 'the editor window closed' });
    assert.equal(endOf('deploy/clean'), undefined, 'the clean-up node is not decided');
    assert.equal(existsSync(join(dir, 'cleaned')), false, 'the clean-up node did not run');
  });

  it("tells a sub-run's nodes that its node timed out; its clean-up nodes still run, as under a cancel", async () => {
    const { run, endOf } = start(', timeout: 300ms');
    assert.equal(await finish(run), 'failed');
    assert.deepEqual(endOf('deploy/work'), { ...endOf('deploy/work'), type: 'node:cancelled', reason: "'deploy' timed out after 300ms" });
    assert.deepEqual(endOf('deploy'), { ...endOf('deploy'), type: 'node:failed', error: 'timed out after 300ms' });
    assert.equal(endOf('deploy/clean')?.type, 'node:completed');
  });

  it("cancels a sub-run with the run's reason; cancelled again, the sub-run's clean-up nodes are stopped too", async () => {
    const { run, started, endOf } = start('', 'sleep 30');
    await started('deploy/work');
    run.scheduler.cancel();
    await started('deploy/clean');
    run.scheduler.cancel();
    assert.equal(await finish(run), 'cancelled');
    assert.deepEqual(endOf('deploy/work'), { ...endOf('deploy/work'), type: 'node:cancelled', reason: 'the run was cancelled' });
    assert.deepEqual(endOf('deploy/clean'), {
      ...endOf('deploy/clean'),
      type: 'node:cancelled',
      reason: 'the run was cancelled again: clean-up nodes were stopped',
    });
  });
});
