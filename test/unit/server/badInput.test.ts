import { strict as assert } from 'node:assert';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATOR, serveFixture, VIEWER, type Fixture } from './serverFixture';

describe('serve: bad input, tried on purpose', function () {
  this.timeout(60_000);
  let f: Fixture;
  before(async () => (f = await serveFixture()));
  after(async () => f.close());

  const expect = async (status: number | number[], method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: unknown, says?: RegExp) => {
    const r = await f.call(method, url, headers, payload);
    assert.ok((Array.isArray(status) ? status : [status]).includes(r.statusCode), `${method} ${url}: ${r.statusCode} ${r.body}`);
    const body = JSON.parse(r.body) as { message: string };
    assert.ok(body.message.length > 0, `${method} ${url} says why`);
    if (says) assert.match(body.message, says);
  };

  it('asks for a token, and refuses a wrong one, another scheme, and a viewer’s on an operator’s route', async () => {
    await expect(401, 'GET', '/api/workflows', {}, undefined, /bearer token/);
    await expect(401, 'GET', '/api/workflows', { authorization: 'Bearer wrong-token-0123456789' });
    await expect(401, 'GET', '/api/workflows', { authorization: `Basic ${Buffer.from('ana:x').toString('base64')}` });
    await expect(401, 'GET', '/api/openapi.json', {});
    await expect(403, 'POST', `/api/workflows/${f.ids.quick}/runs`, VIEWER, {}, /'vic' is a viewer/);
    for (const action of ['pause', 'resume', 'cancel']) await expect(403, 'POST', `/api/runs/20260101-000000-abcd/${action}`, VIEWER, {});
  });

  it('refuses malformed JSON, wrong types, unknown fields and a 50 MB body, saying which field', async () => {
    const start = `/api/workflows/${f.ids.quick}/runs`;
    const asJson = { ...OPERATOR, 'content-type': 'application/json' };
    await expect(400, 'POST', start, asJson, '{"inputs": ', /JSON/i);
    await expect(400, 'POST', start, asJson, { concurrency: 'many' }, /concurrency/);
    await expect(400, 'POST', start, asJson, { concurrency: 0 }, /concurrency/);
    await expect(400, 'POST', start, asJson, { inputs: { channel: 3 } }, /inputs/);
    await expect(400, 'POST', start, asJson, { reuseResults: 'no' }, /reuseResults/);
    await expect(400, 'POST', start, asJson, { runsDir: '/etc' }, /additional/i);
    await expect(413, 'POST', start, asJson, JSON.stringify({ inputs: { big: 'x'.repeat(50 * 1024 * 1024) } }));
    await expect(400, 'GET', '/api/runs?limit=-1', VIEWER, undefined, /limit/);
    await expect(400, 'GET', '/api/runs?status=gone', VIEWER, undefined, /status/);
    await expect(400, 'GET', '/api/runs/20260101-000000-abcd/events?afterSeq=x', VIEWER, undefined, /afterSeq/);
  });

  it('answers unknown ids with 404 and `../` in every path parameter with 400, reading nothing outside', async () => {
    await expect(404, 'GET', '/api/workflows/0123456789ab', VIEWER, undefined, /no workflow/);
    await expect(404, 'GET', '/api/runs/20260101-000000-abcd', VIEWER, undefined, /no run/);
    await expect(404, 'GET', '/api/runs/20260101-000000-abcd/nodes/build/log', VIEWER);
    // A bare '..' is resolved away by the router before any route sees it (404); anything else is refused by the
    // parameter's pattern (400).
    const traversals = ['..', '..%2F..%2Fetc', '%2e%2e', '..%5C..', 'a%2F..%2F..', '.hidden', '%00', 'x%2F..%2F..%2Fetc%2Fpasswd'];
    for (const t of traversals) {
      const refused = t === '..' || t === '%2e%2e' ? [400, 404] : 400;
      await expect(refused, 'GET', `/api/workflows/${t}`, VIEWER);
      await expect(refused, 'GET', `/api/runs/${t}`, VIEWER);
      await expect(refused, 'GET', `/api/runs/${t}/events`, VIEWER);
      await expect(refused, 'GET', `/api/runs/20260101-000000-abcd/nodes/${t}/log`, VIEWER);
      await expect(refused, 'POST', `/api/workflows/${t}/runs`, OPERATOR, {});
      await expect(refused, 'POST', `/api/runs/${t}/cancel`, OPERATOR);
      await expect(refused, 'POST', `/api/runs/20260101-000000-abcd/nodes/${t}/approve`, OPERATOR, {});
    }
  });

  it('refuses a request from a web page of another origin, and limits the rate of requests per token', async () => {
    await expect(403, 'GET', '/api/workflows', { ...VIEWER, origin: 'https://evil.example' }, undefined, /origin/);
    const limited = await serveFixture({ rateLimit: 3 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await limited.call('GET', '/api/workflows', VIEWER)).statusCode);
      assert.deepEqual(codes, [200, 200, 200, 429, 429]);
      // Per token: the operator still has its own allowance.
      assert.equal((await limited.call('GET', '/api/workflows', OPERATOR)).statusCode, 200);
    } finally {
      await limited.close();
    }
  });

  it('stays up after all of it, having started no run and written nothing', async () => {
    assert.equal((await f.call('GET', '/api/workflows', VIEWER)).statusCode, 200);
    const runs = join(f.dir, '.maestro', 'runs');
    assert.deepEqual(existsSync(runs) ? readdirSync(runs).filter((n) => !n.startsWith('.')) : [], []);
  });
});
