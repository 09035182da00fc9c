import { strict as assert } from 'node:assert';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunListEntry } from '../../../src/engine/protocol';
import { buildServer } from '../../../src/server/app';
import { OPERATOR, serveFixture, TOKENS, until, VIEWER } from './serverFixture';

const ENGINE = join(__dirname, '..', '..', '..', 'dist', 'engine.js');

describe('serve: the engine as a process of its own (as the bundled server runs it)', function () {
  this.timeout(60_000);
  before(function () {
    // `npm test` builds first; a run of the unit tests alone may have no bundle yet.
    if (!existsSync(ENGINE)) this.skip();
  });

  it('runs through the engine process, and after a restart shows a run it stopped as interrupted, to be resumed', async () => {
    const f = await serveFixture({ enginePath: ENGINE });
    try {
      const call = (app: typeof f.served.app, method: 'GET' | 'POST', url: string, headers: Record<string, string>) =>
        app.inject({ method, url, headers, ...(method === 'POST' ? { payload: {} } : {}) });
      const status = async (app: typeof f.served.app, runId: string) =>
        (JSON.parse((await call(app, 'GET', `/api/runs/${runId}`, VIEWER)).body) as { run: RunListEntry }).run.status;
      const start = async (id: string) =>
        (JSON.parse((await call(f.served.app, 'POST', `/api/workflows/${id}/runs`, OPERATOR)).body) as { runId: string }).runId;
      const quick = await start(f.ids.quick);
      await until(async () => ((await status(f.served.app, quick)) === 'completed' ? true : undefined), 'the quick run');
      const slow = await start(f.ids.slow);
      await f.served.close();
      const again = await buildServer({ workspace: f.dir, tokens: TOKENS, enginePath: ENGINE });
      try {
        assert.equal(await status(again.app, slow), 'interrupted');
        assert.equal((await call(again.app, 'POST', `/api/runs/${slow}/resume`, OPERATOR)).statusCode, 200);
        await until(async () => ((await status(again.app, slow)) === 'completed' ? true : undefined), 'the resumed run');
      } finally {
        await again.close();
      }
    } finally {
      rmSync(f.dir, { recursive: true, force: true });
    }
  });
});
