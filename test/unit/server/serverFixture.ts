// A served workspace for tests: three workflows (one quick, one with an approval gate and a slow node, one broken),
// a viewer's and an operator's token, and helpers to call the routes with either.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { buildServer, type ServerOptions, type Served } from '../../../src/server/app';
import type { NamedToken } from '../../../src/server/tokens';
import { workflowId } from '../../../src/server/workspaceWorkflows';

export const TOKENS: NamedToken[] = [
  { name: 'vic', role: 'viewer', token: 'viewer-token-0123456789' },
  { name: 'ana', role: 'operator', token: 'operator-token-0123456789' },
];
export const VIEWER = { authorization: `Bearer ${TOKENS[0].token}` };
export const OPERATOR = { authorization: `Bearer ${TOKENS[1].token}` };

export const QUICK = `version: 1
name: Quick
nodes:
  build:
    run: echo built
  test:
    needs: build
    run: echo tested
`;

export const GATED = `version: 1
name: Gated
nodes:
  build:
    run: echo built
  approve:
    needs: build
    approval: { prompt: "Ship it?" }
  ship:
    needs: approve
    run: echo shipped
`;

export const SLOW = `version: 1
name: Slow
nodes:
  wait:
    run: sleep 2
  after:
    needs: wait
    run: echo done
`;

export interface Fixture {
  dir: string;
  served: Served;
  ids: { quick: string; gated: string; slow: string; broken: string };
  call(method: 'GET' | 'POST', url: string, headers?: Record<string, string>, payload?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function serveFixture(options: Partial<ServerOptions> = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'maestro-serve-'));
  mkdirSync(join(dir, 'flows'));
  writeFileSync(join(dir, 'flows', 'quick.workflow.yaml'), QUICK);
  writeFileSync(join(dir, 'flows', 'gated.workflow.yaml'), GATED);
  writeFileSync(join(dir, 'slow.workflow.yaml'), SLOW);
  writeFileSync(join(dir, 'broken.workflow.yaml'), 'version: 1\nname: Broken\nnodes:\n  a:\n    needs: [missing]\n    run: "true"\n');
  const served = await buildServer({ workspace: dir, tokens: TOKENS, ...options });
  return {
    dir,
    served,
    ids: {
      quick: workflowId('flows/quick.workflow.yaml'),
      gated: workflowId('flows/gated.workflow.yaml'),
      slow: workflowId('slow.workflow.yaml'),
      broken: workflowId('broken.workflow.yaml'),
    },
    call: (method, url, headers = {}, payload) =>
      served.app.inject({ method, url, headers, ...(payload === undefined ? {} : typeof payload === 'string' ? { payload } : { payload: payload as object }) }),
    close: async () => {
      await served.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` gives a value (the engine runs real processes: no fixed waits). */
export async function until<T>(check: () => Promise<T | undefined>, what: string, tries = 400): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}
