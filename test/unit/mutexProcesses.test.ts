import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MutexLockFiles } from '../../src/engine/run/io/mutexLocks';
import { yaml } from './helpers';
import { until } from './processes';

const CLI = join(__dirname, '..', '..', 'dist', 'cli.js');

/** `maestro-dag run --json` in a process of its own; the mutexes' folder is the unit tests' (MAESTRO_MUTEX_DIR). */
function cliRun(path: string, runsDir: string) {
  const child = spawn(process.execPath, [CLI, 'run', path, '--json', '--runs-dir', runsDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { out: '', err: '' };
  child.stdout.on('data', (c: Buffer) => (output.out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output.err += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { output, exited };
}

describe('mutexes across processes: two CLI runs', () => {
  it('take turns: the second waits until the first gives the mutex back, and says which run holds it meanwhile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'maestro-mutex-cli-'));
    const mark = (name: string) => join(dir, name);
    const mutex = `port-${process.pid}`;
    // The first holds the mutex until the test lets it go; the second fails if it starts before the first ended.
    const first = join(dir, 'first.workflow.yaml');
    const second = join(dir, 'second.workflow.yaml');
    writeFileSync(
      first,
      yaml(
        'version: 1',
        'name: First',
        'nodes:',
        '  serve:',
        `    mutex: ${mutex}`,
        `    run: 'touch ${mark('started')}; while [ ! -f ${mark('release')} ]; do sleep 0.02; done; touch ${mark('ended')}'`,
      ),
    );
    writeFileSync(second, yaml('version: 1', 'name: Second', 'nodes:', '  test:', `    mutex: ${mutex}`, `    run: 'test -f ${mark('ended')}'`));
    try {
      const a = cliRun(first, join(dir, 'runs'));
      await until(() => existsSync(mark('started')));
      const b = cliRun(second, join(dir, 'runs'));
      await until(() => b.output.out.includes('"node:blocked"'));
      const holder = new MutexLockFiles(process.env.MAESTRO_MUTEX_DIR!).holderOf(mutex);
      assert.equal(holder?.nodeId, 'serve');
      assert.match(a.output.out, new RegExp(`"runId":"${holder?.runId}"`));
      const blocked = b.output.out.split('\n').find((line) => line.includes('"node:blocked"'))!;
      assert.deepEqual((({ nodeId, mutex: m, holder: h }) => ({ nodeId, mutex: m, holder: h }))(JSON.parse(blocked) as Record<string, unknown>), {
        nodeId: 'test',
        mutex,
        holder: { runId: holder?.runId, nodeId: 'serve', pid: holder?.pid },
      });
      writeFileSync(mark('release'), '');
      assert.equal(await a.exited, 0, a.output.err);
      assert.equal(await b.exited, 0, `the second run failed: its node started while the first held the mutex\n${b.output.out}${b.output.err}`);
      assert.equal(new MutexLockFiles(process.env.MAESTRO_MUTEX_DIR!).holderOf(mutex), undefined);
    } finally {
      writeFileSync(mark('release'), '');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
