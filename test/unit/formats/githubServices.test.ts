import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importWorkflow } from '../../../src/engine/formats';
import { withFakeDocker } from './fakeDocker';
import { publishedPortMutex } from '../../../src/engine/formats/sideContainers';
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
  return withFakeDocker(
    FAKE_DOCKER,
    async (dir) => {
      const { text, notImported } = await importWorkflow(source(steps), 'ci.yml');
      assert.deepEqual(notImported, []);
      writeFileSync(join(dir, 'ci.workflow.yaml'), text);
      const run = startRun({ workflowPath: join(dir, 'ci.workflow.yaml'), runsDir: join(dir, 'runs'), inputs: { secrets_PG: 'pw' } });
      if (whileRunning) await whileRunning(dir, () => run.scheduler.cancel());
      const status = await run.finished();
      run.dispose();
      return { status, asked: readFileSync(join(dir, 'docker.log'), 'utf8').trim().split('\n'), ranStep: existsSync(join(dir, 'docker.log.ran')) };
    },
    env,
  );
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
    assert.match(failed.asked[failed.asked.length - 1], /^rm -f maestro-\d+-postgres$/, `docker was asked:\n${failed.asked.join('\n')}`);
    const unhealthy = await runWithDocker(['      - run: touch "$DOCKER_LOG.ran"'], { HEALTH: 'unhealthy' });
    assert.equal(unhealthy.status, 'failed');
    assert.equal(unhealthy.ranStep, false, 'no step runs with a service that is unhealthy');
    assert.match(unhealthy.asked[unhealthy.asked.length - 1], /^rm -f maestro-\d+-postgres$/, `docker was asked:\n${unhealthy.asked.join('\n')}`);
    // The step's one command makes the file and becomes the sleep: the cancel reaches a process the shell waits for.
    // (Between two commands, a shell that traps TERM forks the next one before it runs the trap, and waits for it.)
    const cancelled = await runWithDocker([`      - run: sh -c 'touch "$DOCKER_LOG.started"; exec sleep 30'`], {}, async (dir, cancel) => {
      await until(() => existsSync(join(dir, 'docker.log.started')));
      cancel();
    });
    assert.equal(cancelled.status, 'cancelled');
    assert.match(cancelled.asked[cancelled.asked.length - 1], /^rm -f maestro-\d+-postgres$/, `docker was asked:\n${cancelled.asked.join('\n')}`);
  });

  it('names the port of this machine a service publishes as a mutex; one docker chooses, none', () => {
    assert.equal(publishedPortMutex('5432:5432'), 'port-5432');
    assert.equal(publishedPortMutex('127.0.0.1:8080:80'), 'port-8080');
    assert.equal(publishedPortMutex('[::1]:8080:80'), 'port-8080');
    assert.equal(publishedPortMutex('53:53/udp'), 'port-53-udp');
    assert.equal(publishedPortMutex('8000-8010:8000-8010/tcp'), 'port-8000-8010');
    assert.equal(publishedPortMutex('5432'), undefined);
    assert.equal(publishedPortMutex('127.0.0.1::5432'), undefined);
  });

  it('runs the jobs that publish one port one at a time, the instances of a matrix too; what publishes none beside them', async () => {
    // A docker that refuses a port of this machine already published, as docker does, and frees it on rm.
    const docker = [
      '#!/bin/sh',
      'case "$1" in',
      '  run)',
      '    name=$4',
      '    for port in $(echo "$*" | grep -o -- "-p [0-9:]*" | cut -d" " -f2 | cut -d: -f1); do',
      '      mkdir "$PORTS/$port" 2> /dev/null || { echo "port $port is already allocated" >&2; exit 125; }',
      '      echo "$name" > "$PORTS/$port/owner"',
      '    done',
      '    echo c0ffee ;;',
      '  inspect) echo healthy ;;',
      '  rm) for owner in "$PORTS"/*/owner; do [ "$(cat "$owner" 2> /dev/null)" = "$3" ] && rm -r "$(dirname "$owner")"; done; true ;;',
      'esac',
    ].join('\n');
    await withFakeDocker(docker, async (dir) => {
      mkdirSync(join(dir, 'ports'));
      process.env.PORTS = join(dir, 'ports');
      const job = (extra: string[]) => [
        '    runs-on: x',
        ...extra,
        '    services: { db: { image: postgres, ports: ["5432:5432", "6379"] } }',
        '    steps: [{ run: sleep 0.2 }]',
      ];
      const { text, notImported } = await importWorkflow(
        yaml(
          'on: push',
          'jobs:',
          '  unit:',
          ...job(['    strategy: { matrix: { pg: [14, 15, 16] } }']),
          '  e2e:',
          ...job([]),
          '  lint:',
          '    runs-on: x',
          '    steps: [{ run: sleep 0.2 }]',
        ),
        'ci.yml',
      );
      assert.deepEqual(notImported, []);
      assert.equal(text.match(/^    mutex: port-5432$/gm)?.length, 2, text);
      writeFileSync(join(dir, 'ci.workflow.yaml'), text);
      const run = startRun({ workflowPath: join(dir, 'ci.workflow.yaml'), runsDir: join(dir, 'runs'), concurrency: 8 });
      const status = await run.finished();
      run.dispose();
      assert.equal(status, 'completed', 'no docker run was refused a port');
    });
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
