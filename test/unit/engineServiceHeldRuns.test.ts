import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineMessage, EngineRequest, RequestResult, RunListEntry } from '../../src/engine/protocol';
import { ENDED_RUNS_HELD, EngineService } from '../../src/engine/service/engineService';
import { yaml } from './helpers';
import { until } from './processes';

type RequestDraft = EngineRequest extends infer R ? (R extends EngineRequest ? Omit<R, 'requestId'> : never) : never;

/** An engine service driven by request lines, its messages kept. */
class Service {
  readonly messages: EngineMessage[] = [];
  private waiters: (() => void)[] = [];
  private nextId = 1;
  readonly service = new EngineService((m) => {
    this.messages.push(m);
    for (const w of this.waiters.splice(0)) w();
  });

  async request<T extends RequestDraft['type']>(draft: Extract<RequestDraft, { type: T }>): Promise<RequestResult<T>> {
    const requestId = this.nextId++;
    await this.service.handleLine(JSON.stringify({ ...draft, requestId }));
    const reply = this.messages.find((m) => m.type === 'engine:reply' && m.requestId === requestId);
    if (reply?.type !== 'engine:reply' || !reply.ok) throw new Error(`request ${draft.type} failed: ${JSON.stringify(reply)}`);
    return reply.result as RequestResult<T>;
  }

  async ended(runId: string, times = 1): Promise<void> {
    const count = () => this.messages.filter((m) => m.type === 'workflow:completed' && m.runId === runId).length;
    while (count() < times) await new Promise<void>((r) => this.waiters.push(r));
  }
}

describe('the engine service: the ended runs it holds', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'maestro-held-runs-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lets go of the oldest ended runs past the bound, scratch folder and all; a retry of one resumes it from its log', async () => {
    const workflowPath = join(dir, 'w.workflow.yaml');
    writeFileSync(workflowPath, yaml('version: 1', 'name: w', 'nodes:', '  a:', '    run: echo "$MAESTRO_TEMP"'));
    const s = new Service();
    try {
      await s.request({ type: 'configure', roots: [{ folder: dir }] });
      const runIds: string[] = [];
      for (let i = 0; i < ENDED_RUNS_HELD + 2; i++) {
        const { runId } = await s.request({ type: 'start', workflowPath });
        await s.ended(runId);
        runIds.push(runId);
      }
      const scratch = async (runId: string) => (await s.request({ type: 'readLog', runId, nodeId: 'a' })).text.trim();
      const listed = async (): Promise<Map<string, RunListEntry>> => new Map((await s.request({ type: 'listRuns', limit: 100 })).runs.map((r) => [r.runId, r]));
      // The engine lets go of a run once its log is written.
      await until(async () => (await listed()).get(runIds[1])?.live !== true);
      const runs = await listed();
      assert.deepEqual(
        runIds.map((id) => runs.get(id)?.live === true),
        runIds.map((_, i) => i >= 2),
      );
      assert.deepEqual(
        runIds.map((id) => runs.get(id)?.status),
        runIds.map(() => 'completed'),
      );
      // The last run's log is written a moment after it ends.
      await until(async () => (await scratch(runIds[runIds.length - 1])) !== '');
      const first = await scratch(runIds[0]);
      const last = await scratch(runIds[runIds.length - 1]);
      assert.deepEqual([existsSync(first), existsSync(last)], [false, true], `${first} ${last}`);

      await s.request({ type: 'retryNode', runId: runIds[0], nodeId: 'a' });
      await s.ended(runIds[0], 2);
      const again = await listed();
      assert.deepEqual([again.get(runIds[0])?.live, again.get(runIds[0])?.status], [true, 'completed']);
      // Holding it again lets go of the oldest of those held.
      await until(async () => (await listed()).get(runIds[2])?.live !== true);
      assert.equal((await listed()).size, ENDED_RUNS_HELD + 2);
    } finally {
      await s.service.stopAll();
    }
  });
});
