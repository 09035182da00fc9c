import { strict as assert } from 'node:assert';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importWorkflow } from '../../../src/engine/formats';
import { startRun } from '../../../src/engine/run/engine';
import { yaml } from '../helpers';
import { until } from '../processes';

/** A `docker` that logs what it is asked and says a container is starting, then `$HEALTH` (healthy by default). */
const FAKE_DOCKER = `#!/bin/sh
echo "$*" >> "$DOCKER_LOG"
case "$1" in
  run) echo c0ffee ;;
  inspect) if [ -e "$DOCKER_LOG.asked" ]; then echo "\${HEALTH:-healthy}"; else touch "$DOCKER_LOG.asked"; echo starting; fi ;;
esac
`;

const source = (steps: string[]) =>
  yaml(
    'on: push',
    'jobs:',
    '  test:',
    '    runs-on: x',
    '    services:',
    '      postgres:',
    '        image: postgres:16',
    '        env: { POSTGRES_PASSWORD: "${{ secrets.PG }}", POSTGRES_DB: app }',
    '        ports: ["5432:5432"]',
    '        options: --health-cmd pg_isready --health-interval 10s',
    '    steps:',
    ...steps,
  );

/** Runs the import of `steps` with the fake docker first on the PATH; what docker was asked, and how the run ended. */
async function runWithDocker(steps: string[], env: Record<string, string> = {}, whileRunning?: (dir: string, cancel: () => void) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'maestro-services-'));
  const saved = { ...process.env };
  try {
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'docker'), FAKE_DOCKER);
    chmodSync(join(dir, 'bin', 'docker'), 0o755);
    Object.assign(process.env, { PATH: `${join(dir, 'bin')}:${process.env.PATH}`, DOCKER_LOG: join(dir, 'docker.log'), ...env });
    const { text, notImported } = await importWorkflow(source(steps), 'ci.yml');
    assert.deepEqual(notImported, []);
    writeFileSync(join(dir, 'ci.workflow.yaml'), text);
    const run = startRun({ workflowPath: join(dir, 'ci.workflow.yaml'), runsDir: join(dir, 'runs'), inputs: { secrets_PG: 'pw' } });
    if (whileRunning) await whileRunning(dir, () => run.scheduler.cancel());
    const status = await run.finished();
    run.dispose();
    return { status, asked: readFileSync(join(dir, 'docker.log'), 'utf8').trim().split('\n'), ranStep: existsSync(join(dir, 'docker.log.ran')) };
  } finally {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("GitHub Actions import: a job's service containers", () => {
  it('starts each with docker before the steps, waits while it is starting, and removes it after them', async () => {
    const { status, asked, ranStep } = await runWithDocker(['      - run: touch "$DOCKER_LOG.ran"']);
    assert.equal(status, 'completed');
    assert.ok(ranStep);
    const [started, ...rest] = asked;
    const name = /^run -d --name (maestro-\d+-postgres) /.exec(started)?.[1];
    assert.ok(name, started);
    assert.equal(
      started,
      `run -d --name ${name} -e POSTGRES_PASSWORD=pw -e POSTGRES_DB=app -p 5432:5432 --health-cmd pg_isready --health-interval 10s postgres:16`,
    );
    const inspect = `inspect -f {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} ${name}`;
    assert.deepEqual(rest, [inspect, inspect, `rm -f ${name}`]);
  });

  it('removes them when a step fails, when one is unhealthy (running no step), and when the run is cancelled', async () => {
    const failed = await runWithDocker(['      - run: exit 3']);
    assert.equal(failed.status, 'failed');
    assert.match(failed.asked[failed.asked.length - 1], /^rm -f maestro-\d+-postgres$/);
    const unhealthy = await runWithDocker(['      - run: touch "$DOCKER_LOG.ran"'], { HEALTH: 'unhealthy' });
    assert.equal(unhealthy.status, 'failed');
    assert.equal(unhealthy.ranStep, false, 'no step runs with a service that is unhealthy');
    assert.match(unhealthy.asked[unhealthy.asked.length - 1], /^rm -f maestro-\d+-postgres$/);
    const cancelled = await runWithDocker(['      - run: touch "$DOCKER_LOG.started"; sleep 30'], {}, async (dir, cancel) => {
      await until(() => existsSync(join(dir, 'docker.log.started')));
      cancel();
    });
    assert.equal(cancelled.status, 'cancelled');
    assert.match(cancelled.asked[cancelled.asked.length - 1], /^rm -f maestro-\d+-postgres$/);
  });

  it('notes what it cannot start: services of a job in a container of its own, credentials', async () => {
    const { notImported } = await importWorkflow(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: x',
        '    container: node:20',
        '    services: { db: postgres:16 }',
        '    steps: [{ run: make }]',
        '  b:',
        '    runs-on: x',
        '    services: { db: { image: ghcr.io/o/db, credentials: { username: u, password: p } } }',
        '    steps: [{ run: make }]',
      ),
      'ci.yml',
    );
    assert.deepEqual(notImported, [
      "job 'a' (line 6): its service containers are not started: the job runs in a container of its own, which reaches them on a network of GitHub's; start them before the run",
      "job 'b' (line 10): service 'db' has credentials for its registry: log in with docker login before the run",
    ]);
  });
});
