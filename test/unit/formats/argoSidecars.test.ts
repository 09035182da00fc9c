import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importWorkflow } from '../../../src/engine/formats';
import { startRun } from '../../../src/engine/run/engine';
import { argo, specOf } from './argoSources';
import { LOGGING_DOCKER, withFakeDocker } from './fakeDocker';

// Argo's own sidecar-nginx example.
const NGINX = argo(
  'sidecar-nginx-example',
  '  - name: sidecar-nginx-example',
  '    container:',
  '      image: appropriate/curl',
  '      command: [sh, -c]',
  '      args: ["until `curl -G \'http://127.0.0.1/\' >& /tmp/out`; do echo sleep && sleep 1; done && cat /tmp/out"]',
  '    sidecars:',
  '    - name: nginx',
  '      image: nginx:1.13',
  '      command: [sh, -c]',
  '      args: ["sleep 10 && nginx -g \'daemon off;\'"]',
);

const DATABASE = argo(
  'main',
  '    - name: main',
  '      dag: { tasks: [{ name: test, template: t, arguments: { parameters: [{ name: mode, value: fast }] } }] }',
  '    - name: t',
  '      inputs: { parameters: [{ name: mode }] }',
  '      container: { image: alpine, command: [sh, -c], args: ["echo tested"] }',
  '      sidecars:',
  '        - name: db',
  '          image: postgres:16',
  '          args: ["-c", "fsync={{inputs.parameters.mode}}"]',
  '          ports: [{ containerPort: 5432 }, { containerPort: 9187, hostPort: 19187 }]',
  '          env:',
  '            - { name: POSTGRES_PASSWORD, valueFrom: { secretKeyRef: { name: pg, key: password } } }',
  '            - { name: MODE, value: "{{inputs.parameters.mode}}" }',
  '          resources: { limits: { cpu: 1 } }',
);

describe("Argo Workflows import: a template's sidecars", () => {
  it('starts each with docker before the script, on the ports it declares (its mutexes), and removes it after', async () => {
    const { text, notImported } = await importWorkflow(DATABASE, 'w.yaml');
    assert.deepEqual(notImported, ["task 'test' (line 8): sidecar 'db': its resources: no counterpart here"]);
    const node = specOf(text).nodes[0];
    assert.deepEqual(node.mutex, ['port-5432', 'port-19187']);
    await withFakeDocker(LOGGING_DOCKER, async (dir) => {
      writeFileSync(join(dir, 'w.workflow.yaml'), text);
      const run = startRun({ workflowPath: join(dir, 'w.workflow.yaml'), runsDir: join(dir, 'runs'), inputs: { password: 'pw' } });
      assert.equal(await run.finished(), 'completed');
      run.dispose();
      const [started, inspect, removed, ...rest] = readFileSync(join(dir, 'docker.log'), 'utf8').trim().split('\n');
      const name = /^run -d --name (maestro-\d+-db) /.exec(started)?.[1];
      assert.ok(name, started);
      assert.equal(started, `run -d --name ${name} -e POSTGRES_PASSWORD=pw -e MODE=fast -p 5432:5432 -p 19187:9187 postgres:16 -c fsync=fast`);
      assert.match(inspect, new RegExp(`^inspect .* ${name}$`));
      assert.equal(removed, `rm -f ${name}`);
      assert.deepEqual(rest, []);
    });
  });

  it("runs Argo's nginx example's sidecar on this machine's network, its command's first word as the entrypoint", async () => {
    const { text, notImported } = await importWorkflow(NGINX, 'w.yaml');
    assert.deepEqual(notImported, []);
    const node = specOf(text).nodes[0];
    assert.equal(node.mutex, undefined, 'no port is declared');
    assert.match(
      node.run!,
      /docker run -d --name "maestro-\$\$-nginx" --network host --entrypoint sh nginx:1\.13 -c 'sleep 10 && nginx -g '\\''daemon off;'\\''' > \/dev\/null \|\| exit 1\n/,
    );
    assert.match(node.run!, /\nsh -c 'until `curl -G '\\''http:\/\/127\.0\.0\.1\/'\\'' >& \/tmp\/out`; do echo sleep && sleep 1; done && cat \/tmp\/out'$/);
  });
});
