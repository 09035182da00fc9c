import { strict as assert } from 'node:assert';
import { parse } from 'yaml';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConversionError, exportWorkflow, ImportError, importWorkflow } from '../../../src/engine/formats';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import { parseGoDuration, retryFromArgo } from '../../../src/engine/formats/argo/retry';
import { argoErrors } from './validators';
import { yaml } from '../helpers';
import { inFolder, runWorkflowText } from './importedRuns';

const specOf = (text: string) => validateWorkflow(text).workflow;
const FAILS_FAST =
  "the dag fails fast (Argo's default): once a task fails, Argo starts no other, where here the tasks that do not need it run on (make a task need the ones it must not run after)";
const MERGES = "is read as a condition on how those tasks ended, where Argo's Skipped and Omitted are both 'skipped', and its Failed and Errored both 'failed'";

// Argo's own dag-diamond example, with parameters, a retry and a condition added.
const DIAMOND = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: dag-diamond-
spec:
  entrypoint: diamond
  arguments:
    parameters:
      - name: target
        value: staging
  templates:
  - name: diamond
    dag:
      tasks:
      - name: A
        template: echo
        arguments:
          parameters: [{name: message, value: A}]
      - name: B
        depends: "A"
        template: echo
        arguments:
          parameters: [{name: message, value: "{{tasks.A.outputs.parameters.id}}"}]
      - name: C
        depends: "A"
        when: "'{{workflow.parameters.target}}' == 'prod'"
        template: echo
        arguments:
          parameters: [{name: message, value: C}]
      - name: D
        depends: "B && C"
        template: shout
        withItems: [1, 2]
  - name: echo
    inputs:
      parameters:
      - name: message
    retryStrategy:
      limit: "2"
      backoff: { duration: "5s", factor: "2", cap: "1m" }
    activeDeadlineSeconds: 120
    container:
      image: alpine:3.7
      command: [echo, "{{inputs.parameters.message}}"]
    outputs:
      parameters:
      - name: id
        valueFrom: { path: /tmp/id }
  - name: shout
    script:
      image: python:3.12
      command: [python3]
      source: |
        print("item {{item}}")
`;

describe('Argo Workflows import', () => {
  it('makes tasks nodes: depends, when, arguments, retryStrategy, deadline, items, container and script', async () => {
    const { text, notImported } = await importWorkflow(DIAMOND, 'diamond.yaml');
    // C has a `when`: Argo runs D after C skipped, which a need here does not.
    assert.deepEqual(notImported, [FAILS_FAST, `task 'D' (line 30): depends 'B && C' ${MERGES}`]);
    assert.match(text, /^# not imported: the dag fails fast \(Argo's default\)/m);
    assert.deepEqual((await importWorkflow(DIAMOND.replace('    dag:\n', '    dag:\n      failFast: false\n'), 'diamond.yaml')).notImported.length, 1);
    const spec = specOf(text);
    assert.deepEqual(
      validateWorkflow(text).diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    assert.equal(spec.name, 'dag-diamond');
    assert.deepEqual(spec.inputs.target.default, 'staging');
    const [a, b, c, d] = spec.nodes;
    assert.deepEqual([a.id, b.id, c.id, d.id], ['A', 'B', 'C', 'D']);
    assert.deepEqual(
      [d.needs, d.if],
      [['B', 'C'], "!cancelled() && (nodes.B.status == 'completed' && (nodes.C.status == 'completed' || nodes.C.status == 'skipped'))"],
    );
    assert.equal(a.run, 'echo A');
    assert.equal(b.run, "echo '${{ nodes.A.outputs.id }}'");
    assert.equal(c.if, "inputs.target == 'prod'");
    assert.deepEqual(a.retry, { max: 2, backoff: 'exponential', delayMs: 5000, maxDelayMs: 60_000 });
    assert.equal(a.timeoutMs, 120_000);
    assert.equal(a.image, 'alpine:3.7');
    assert.deepEqual(a.outputs, ['id']);
    assert.deepEqual(d.matrix, { axes: { item: [1, 2] }, exclude: [], include: [] });
    assert.equal(d.shell, 'python3');
    assert.equal(d.run, 'print("item ${{ matrix.item }}")\n');
  });

  it('lists a task named twice in dependencies or depends once', async () => {
    const task = (name: string, extra: string) => `          - { name: ${name}, template: t${extra} }\n`;
    const text = (
      await importWorkflow(
        'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: { name: twice }\nspec:\n  entrypoint: main\n  templates:\n    - name: main\n      dag:\n        tasks:\n' +
          task('a', '') +
          task('b', ', dependencies: [a, a]') +
          task('c', ", depends: 'a && a.Succeeded'") +
          '    - { name: t, container: { image: alpine, command: ["true"] } }\n',
        'twice.yaml',
      )
    ).text;
    assert.deepEqual(
      specOf(text).nodes.map((n) => n.needs),
      [[], ['a'], ['a']],
    );
    assert.deepEqual(
      validateWorkflow(text).diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
  });

  it('reads an enhanced depends as a condition on how the needed tasks ended, with a note of the results it merges', async () => {
    const task = (name: string, depends: string) => `          - { name: ${name}, template: t, depends: "${depends}" }\n`;
    const source = (...tasks: string[]) =>
      'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: { name: d }\nspec:\n  entrypoint: main\n  templates:\n    - name: main\n      dag:\n        tasks:\n' +
      '          - { name: a, template: t }\n          - { name: b-2, template: t }\n' +
      tasks.join('') +
      '    - { name: t, container: { image: alpine, command: ["true"] } }\n';
    const { text, notImported } = await importWorkflow(source(task('x', 'a && (b-2.Succeeded || b-2.Failed)'), task('y', '!a.Errored || b-2')), 'd.yaml');
    const [, , x, y] = specOf(text).nodes;
    assert.deepEqual(
      [x.needs, x.if],
      [['a', 'b-2'], "!cancelled() && (nodes.a.status == 'completed' && (nodes.b-2.status == 'completed' || nodes.b-2.status == 'failed'))"],
    );
    assert.deepEqual([y.needs, y.if], [['a', 'b-2'], "!cancelled() && (!(nodes.a.status == 'failed') || nodes.b-2.status == 'completed')"]);
    assert.match(
      notImported[1],
      /^task 'x' \(line 12\): depends 'a && \(b-2\.Succeeded \|\| b-2\.Failed\)' is read as a condition on how those tasks ended, where Argo's Skipped and Omitted are both 'skipped'/,
    );
    assert.deepEqual(
      validateWorkflow(text).diagnostics.map((d) => `${d.severity} ${d.code}`),
      ['warning not-imported', 'warning not-imported', 'warning not-imported'],
    );
    for (const depends of ['a.Daemoned || b-2', 'a & b-2', '(a || b-2', 'a && || b-2', 'nope.Succeeded || a']) {
      const left = await importWorkflow(source(task('z', depends)), 'd.yaml');
      const z = specOf(left.text).nodes[2];
      assert.equal(z.if, undefined, depends);
      assert.match(left.notImported.join('\n'), /has no counterpart: the node needs those tasks to succeed/, depends);
    }
  });

  it('notes a parallelism or a deadline that is not a positive number, and imports neither', async () => {
    const source = (parallelism: string, deadline: string, taskDeadline: string) =>
      `apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: { name: n }\nspec:\n  entrypoint: main\n  parallelism: ${parallelism}\n  activeDeadlineSeconds: ${deadline}\n  templates:\n    - name: main\n      dag: { tasks: [{ name: a, template: t }] }\n    - { name: t, activeDeadlineSeconds: ${taskDeadline}, container: { image: alpine, command: ["true"] } }\n`;
    const bad = await importWorkflow(source('.inf', '-5', '"1e400"'), 'n.yaml');
    assert.deepEqual(bad.notImported, [
      "the workflow's parallelism Infinity is not a positive whole number",
      "the workflow's activeDeadlineSeconds -5 is not a positive number of seconds",
      "task 'a' (line 10): activeDeadlineSeconds 1e400 is not a positive number of seconds",
    ]);
    const spec = specOf(bad.text);
    assert.equal(spec.concurrency, undefined);
    assert.equal(spec.timeoutMs, undefined);
    assert.equal(spec.nodes[0].timeoutMs, undefined);
    assert.match(bad.text, /^# not imported: the workflow's parallelism Infinity/m, 'said in the file too');
    assert.deepEqual(
      validateWorkflow(bad.text).diagnostics.map((d) => `${d.severity} ${d.code}`),
      ['warning not-imported', 'warning not-imported', 'warning not-imported'],
    );
    const good = specOf((await importWorkflow(source('3', '"90"', '1.5'), 'n.yaml')).text);
    assert.deepEqual([good.concurrency, good.timeoutMs, good.nodes[0].timeoutMs], [3, 90_000, 1500]);
  });

  it('reads a memoized template as cache, with its maxAge as the ttl and a note on what the key is here', async () => {
    const source = (memoize: string) =>
      `apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: { name: m }\nspec:\n  entrypoint: main\n  templates:\n    - name: main\n      dag: { tasks: [{ name: a, template: t }] }\n    - name: t\n      memoize: ${memoize}\n      container: { image: alpine, command: ["true"] }\n`;
    const timed = await importWorkflow(source('{ key: "{{inputs.parameters.v}}", maxAge: 1.5h, cache: { configMap: { name: c } } }'), 'm.yaml');
    assert.deepEqual(specOf(timed.text).nodes[0].cache, { files: [], ttlMs: 5_400_000 });
    assert.match(timed.text, /cache:\s+ttl: 1h30m/);
    assert.deepEqual(timed.notImported, [
      "task 'a' (line 8) is memoized (key {{inputs.parameters.v}}): here its result is reused when it would run with the same script, settings and cache.files; list the files it reads under cache.files",
    ]);
    const forever = await importWorkflow(source('{ key: k, cache: { configMap: { name: c } } }'), 'm.yaml');
    assert.deepEqual(specOf(forever.text).nodes[0].cache, { files: [] });
    const odd = await importWorkflow(source('{ key: k, maxAge: soon, cache: { configMap: { name: c } } }'), 'm.yaml');
    assert.equal(odd.notImported[1], "task 'a' (line 8): memoize.maxAge 'soon' is not a positive duration: give cache.ttl");
    assert.deepEqual(specOf(odd.text).nodes[0].cache, { files: [] });
  });

  it("reads a template's mutexes (one, or Argo 3.6's list) as the node's, and notes a semaphore", async () => {
    const source = (sync: string) =>
      `apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: { name: m }\nspec:\n  entrypoint: main\n  templates:\n    - name: main\n      dag: { tasks: [{ name: a, template: t }] }\n    - name: t\n      synchronization: ${sync}\n      container: { image: alpine, command: ["true"] }\n`;
    const one = await importWorkflow(source('{ mutex: { name: deploy } }'), 'm.yaml');
    assert.deepEqual(one.notImported, []);
    assert.deepEqual(specOf(one.text).nodes[0].mutex, ['deploy']);
    const list = await importWorkflow(source('{ mutexes: [{ name: db }, { name: "team/port 80", namespace: ci }] }'), 'm.yaml');
    assert.deepEqual(specOf(list.text).nodes[0].mutex, ['db', 'team-port-80']);
    assert.deepEqual(validateWorkflow(list.text).diagnostics, []);
    const semaphore = await importWorkflow(source('{ semaphores: [{ configMapKeyRef: { name: c, key: k } }] }'), 'm.yaml');
    assert.deepEqual(semaphore.notImported, [
      "task 'a' (line 8): its template's semaphore (some at once, as a ConfigMap says) has no counterpart here: give mutex where one at a time will do",
    ]);
    assert.equal(specOf(semaphore.text).nodes[0].mutex, undefined);
    const variable = await importWorkflow(
      source('{ mutexes: [{ name: "deploy {{workflow.parameters.env}}" }, { name: "{{workflow.name}}" }, { name: db }] }'),
      'm.yaml',
    );
    assert.deepEqual(variable.notImported, [
      "task 'a' (line 8): its template's mutex '{{workflow.name}}' is named by Argo variables with no value here when the run starts: give it a name of its own",
    ]);
    assert.deepEqual(specOf(variable.text).nodes[0].mutex, ['deploy-${{ inputs.env }}', 'db']);
  });

  it("reads the workflow's synchronization as the run's own mutexes, and writes them back there", async () => {
    const source = (sync: string) =>
      `apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: { name: m }\nspec:\n  entrypoint: main\n  synchronization: ${sync}\n  templates:\n    - name: main\n      dag: { tasks: [{ name: a, template: t }] }\n    - name: t\n      container: { image: alpine, command: ["true"] }\n`;
    const one = await importWorkflow(source('{ mutexes: [{ name: deploy prod }] }'), 'm.yaml');
    assert.deepEqual(one.notImported, []);
    assert.deepEqual(specOf(one.text).mutex, ['deploy-prod']);
    assert.deepEqual(validateWorkflow(one.text).diagnostics, []);
    const semaphore = await importWorkflow(source('{ semaphore: { configMapKeyRef: { name: c, key: k } } }'), 'm.yaml');
    assert.deepEqual(semaphore.notImported, [
      "the workflow's semaphore (some at once, as a ConfigMap says) has no counterpart here: give mutex where one at a time will do",
    ]);
    assert.equal(specOf(semaphore.text).mutex, undefined);
    const out = exportWorkflow(specOf(one.text), 'argo');
    assert.deepEqual(argoErrors(out), []);
    assert.match(out, /\nspec:\n {2}entrypoint: main\n {2}synchronization:\n {4}mutexes:\n {6}- name: deploy-prod\n/);
    assert.deepEqual(specOf((await importWorkflow(out, 'back.yaml')).text).mutex, ['deploy-prod'], 'and back');
  });

  it("reads Go durations, and says where a backoff's is not one", () => {
    assert.equal(parseGoDuration('1h30m'), 5_400_000);
    assert.equal(parseGoDuration('1.5s'), 1500);
    assert.equal(parseGoDuration('90'), 90_000);
    assert.equal(parseGoDuration('9'.repeat(400)), undefined, 'past what a number holds');
    assert.equal(parseGoDuration('5 minutes'), undefined);
    const { retry, problem } = retryFromArgo({ limit: 2, backoff: { duration: '9'.repeat(400), cap: 'soon' } });
    assert.equal(retry, 2, 'two retries 1 s apart: the short form');
    assert.match(problem ?? '', /^backoff\.duration 9+ is not a duration: 1s is used; backoff\.cap soon is not a duration: the delay is not capped$/);
  });

  it('refuses an entrypoint it does not have, and steps that are not a list, naming the line', async () => {
    const head = 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: { name: s }\nspec:\n';
    for (const [body, message] of [
      ['  entrypoint: nope\n  templates:\n    - { name: main, steps: [] }\n', /^s\.yaml:5:\d+: its entrypoint 'nope' is not a template of it/],
      [
        '  entrypoint: main\n  templates:\n    - name: main\n      steps: run them\n',
        /^s\.yaml:7:\d+: the entrypoint 'main': its steps are run them, not a list of groups of steps/,
      ],
    ] as const)
      await assert.rejects(importWorkflow(head + body, 's.yaml'), (e: unknown) => {
        assert.ok(e instanceof ImportError);
        assert.match(e.message, message);
        return true;
      });
  });

  it('refuses broken YAML with the place and what is wrong, said as validation says it', async () => {
    const deep = `apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: { name: ${'['.repeat(5000)}${']'.repeat(5000)} }\n`;
    await assert.rejects(importWorkflow(deep, 'deep.yaml', { format: 'argo' }), (e: unknown) => {
      assert.ok(e instanceof ImportError);
      assert.match(e.message, /^deep\.yaml:3:\d+: YAML syntax error: collections are nested too deeply here to be read/);
      return true;
    });
    await assert.rejects(importWorkflow('kind: Workflow\n\tspec: {}\n', 'tab.yaml', { format: 'argo' }), (e: unknown) => {
      assert.ok(e instanceof ImportError);
      assert.match(e.message, /^tab\.yaml:2:1: YAML syntax error: tabs are not allowed as indentation in YAML/);
      return true;
    });
  });

  it("keeps what it cannot run visible: a resource template, withParam, a pod's field", async () => {
    const text = `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: { name: t }
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - { name: apply, template: k8s }
          - { name: fan, template: run, withParam: "{{workflow.annotations.list}}", depends: apply }
    - name: k8s
      resource: { action: create, manifest: "kind: ConfigMap" }
    - name: run
      container:
        image: alpine
        command: [sh, -c, "echo $TOKEN"]
        env: [{ name: POD, valueFrom: { fieldRef: { fieldPath: metadata.name } } }]
`;
    const { text: out, notImported } = await importWorkflow(text, 't.yaml');
    assert.equal(notImported.length, 4, notImported.join('\n'));
    assert.equal(notImported[0], FAILS_FAST);
    assert.match(out, /# not imported: task 'apply' \(line 10\) runs a 'resource' template/);
    assert.match(notImported.join('\n'), /withParam/);
    assert.match(notImported.join('\n'), /the variable POD comes from a field or a ConfigMap \(valueFrom\): set it in env/);
  });

  it('runs a script in a POSIX shell without -e on past a failing command, as Argo does, and gives the shell back as it was', async () => {
    const script = (name: string, command: string, source: string) =>
      `    - { name: ${name}, script: { image: alpine, command: ${command}, source: "${source}" } }`;
    const text = [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Workflow',
      'metadata: { name: e }',
      'spec:',
      '  entrypoint: main',
      '  templates:',
      '    - name: main',
      '      dag: { tasks: [{ name: plain, template: plain }, { name: traced, template: traced }, { name: stops, template: stops }, { name: errexit, template: errexit }] }',
      script('plain', '[sh]', 'false; touch plain'),
      script('traced', '[bash, -x]', 'false; touch traced'),
      script('stops', '[bash, -e]', 'false; touch never'),
      script('errexit', '[bash, -o, errexit]', 'false; touch never-either'),
      '',
    ].join('\n');
    const { text: out } = await importWorkflow(text, 'e.yaml');
    assert.deepEqual(
      specOf(out).nodes.map((n) => [n.id, n.shell]),
      [
        ['plain', 'sh {0}'],
        ['traced', 'bash -x {0}'],
        ['stops', undefined],
        ['errexit', 'bash -o errexit'],
      ],
    );
    const back = exportWorkflow(specOf(out), 'argo');
    for (const command of ['[sh]', '[bash, -x]', '[bash, -e]']) assert.ok(back.includes(`command: ${command}`), command);
    const again = specOf((await importWorkflow(back, 'back.yaml')).text);
    assert.deepEqual(
      again.nodes.map((n) => n.shell),
      specOf(out).nodes.map((n) => n.shell),
    );
    await inFolder('argo-errexit', async (dir) => {
      const { events } = await runWorkflowText(dir, out);
      const ended = events.flatMap((e) => (e.type === 'node:completed' || e.type === 'node:failed' ? [`${e.nodeId} ${e.type}`] : []));
      assert.deepEqual(ended.sort(), ['errexit node:failed', 'plain node:completed', 'stops node:failed', 'traced node:completed']);
      assert.deepEqual(
        ['plain', 'traced', 'never', 'never-either'].filter((f) => existsSync(join(dir, f))),
        ['plain', 'traced'],
      );
    });
  });
});

describe('Argo Workflows export', () => {
  it('exports a cached node as a task that runs every time, with a note that says so', () => {
    const out = exportWorkflow(specOf('version: 1\nname: C\nnodes:\n  build: { run: make, cache: true }\n'), 'argo');
    assert.deepEqual(argoErrors(out), []);
    assert.match(out, /# NOTE: node 'build': cache: Argo runs this task every time; its memoize reuses a result by a key of your choosing/);
    assert.doesNotMatch(out, /memoize:/);
  });

  it("exports a node's mutexes as its template's synchronization, with a note on whom Argo shares them with", () => {
    const out = exportWorkflow(specOf('version: 1\nname: M\nnodes:\n  a: { run: make, mutex: [db, port-5432] }\n  b: { run: make }\n'), 'argo');
    assert.deepEqual(argoErrors(out), []);
    assert.match(out, /synchronization:\n {8}mutexes:\n {10}- name: db\n {10}- name: port-5432\n/);
    assert.equal(out.match(/synchronization:/g)?.length, 1);
    assert.match(out, /# NOTE: a mutex \(synchronization.mutexes, Argo 3.6 and later\) is shared by every workflow of the namespace in Argo/);
  });

  it("writes a mutex name's expressions as Argo's variables: an input as the workflow's parameter, a matrix value from the item", async () => {
    const out = exportWorkflow(
      specOf(
        yaml(
          'version: 1',
          'name: M',
          'inputs: { env: { default: prod } }',
          'mutex: deploy-${{ inputs.env }}',
          'nodes:',
          '  a: { run: make, matrix: { port: [80, 443] }, mutex: "port-${{ matrix.port }}" }',
        ),
      ),
      'argo',
    );
    assert.deepEqual(argoErrors(out), []);
    assert.match(out, /\nspec:\n {2}entrypoint: main\n {2}synchronization:\n {4}mutexes:\n {6}- name: deploy-\{\{workflow\.parameters\.env\}\}\n/);
    assert.match(out, /synchronization:\n {8}mutexes:\n {10}- name: port-\{\{inputs\.parameters\.matrix-port\}\}\n/);
    assert.match(out, /inputs:\n {8}parameters:\n {10}- name: matrix-port\n/);
    assert.doesNotMatch(out, /NOT TRANSLATED/);
    // And back: the variables are expressions of the mutexes again.
    const back = await importWorkflow(out, 'back.yaml');
    assert.deepEqual([specOf(back.text).mutex, specOf(back.text).nodes[0].mutex], [['deploy-${{ inputs.env }}'], ['port-${{ matrix.port }}']]);
    assert.deepEqual(
      validateWorkflow(back.text).diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
  });

  it("runs each script in an image that has its shell's program, notes a shell none is known for, and reads the image back", async () => {
    const text = yaml(
      'version: 1',
      'name: Images',
      'nodes:',
      '  sh: { run: echo }',
      '  py: { shell: python3 -u, run: print(1) }',
      '  js: { shell: node, run: "1" }',
      '  pinned: { shell: python3, image: "python:3.12-slim", run: print(1) }',
      '  fish: { shell: fish, run: echo }',
      '  ps: { shell: pwsh, run: Write-Output 1 }',
    );
    const out = exportWorkflow(specOf(text), 'argo');
    assert.deepEqual(argoErrors(out), []);
    const images = [...out.matchAll(/^ {8}image: (.*)$/gm)].map((m) => m[1]);
    assert.deepEqual(images, ['bash:5', 'python:3', 'node:lts', 'python:3.12-slim', 'bash:5', 'mcr.microsoft.com/powershell']);
    // PowerShell's script between the lines that make it stop at the first error, as the engine runs it.
    assert.match(out, /source: \|-\n {10}\$ErrorActionPreference = 'Stop'\n {10}Write-Output 1\n {10}if \(\(Test-Path/);
    assert.match(out, /# NOTE: node 'fish': its shell 'fish' runs a program that the image bash:5 may not have: set the node's image/);
    assert.doesNotMatch(exportWorkflow(specOf(text), 'argo', { image: 'ci:1' }), /NOTE: node 'fish'/);
    // The image an export chooses for a shell goes without saying when the file comes back; another is kept.
    const back = specOf((await importWorkflow(out, 'images.yaml')).text);
    assert.deepEqual(
      back.nodes.map((n) => [n.id, n.shell, n.image]),
      [
        ['sh', undefined, undefined],
        ['py', 'python3 -u', undefined],
        ['js', 'node', undefined],
        ['pinned', 'python3', 'python:3.12-slim'],
        ['fish', 'fish', undefined],
        ['ps', 'pwsh', undefined],
      ],
    );
    assert.equal(back.nodes.at(-1)!.run, 'Write-Output 1');
  });

  it("writes a Workflow (or a WorkflowTemplate) that Argo's schema accepts", () => {
    const spec = specOf(`version: 1
name: Release build
inputs:
  channel: { type: string, default: beta }
nodes:
  build:
    image: node:20
    run: echo "v=1" >> "$MAESTRO_OUTPUT"
    outputs: [v]
    timeout: 10m
  gate: { needs: build, approval: { prompt: "Ship?" } }
  ship:
    needs: gate
    if: inputs.channel == 'stable'
    env: { V: "\${{ nodes.build.outputs.v }}" }
    run: echo "$V"
`);
    for (const template of [false, true]) {
      const out = exportWorkflow(spec, 'argo', { template });
      assert.deepEqual(argoErrors(out), []);
      assert.match(
        out,
        template ? /kind: WorkflowTemplate\nmetadata:\n {2}name: release-build/ : /kind: Workflow\nmetadata:\n {2}generateName: release-build-/,
      );
    }
    const out = exportWorkflow(spec, 'argo');
    assert.match(out, /- name: ship\n {12}template: ship\n {12}dependencies: \[gate\]\n {12}when: "'\{\{workflow.parameters.channel\}\}' == 'stable'"/);
    assert.match(out, /value: "\{\{tasks.build.outputs.parameters.v\}\}"/);
    assert.match(out, /suspend: \{\}/);
    assert.match(out, /image: node:20/);
    assert.match(out, /activeDeadlineSeconds: "600"/);
  });

  it("gives a script the engine's variables it reads, as Argo's own values, and an import leaves them to the engine", async () => {
    const spec = specOf(
      yaml(
        'version: 1',
        'name: W',
        'nodes:',
        '  a: { run: \'echo "$MAESTRO_RUN_ID $MAESTRO_NODE_ID $MAESTRO_ATTEMPT" > "$MAESTRO_TEMP/x" && ls "${MAESTRO_WORKSPACE}"\', retry: { max: 2 } }',
        '  b: { needs: a, shell: python3, run: \'import os; print(os.environ["MAESTRO_ATTEMPT"])\' }',
        '  c: { needs: a, run: echo plain }',
      ),
    );
    const out = exportWorkflow(spec, 'argo');
    assert.deepEqual(argoErrors(out), []);
    const templates = (parse(out) as { spec: { templates: { name: string; script?: { env?: { name: string; value: string }[] } }[] } }).spec.templates;
    const envOf = (name: string) =>
      (templates.find((t) => t.name === name)?.script?.env ?? []).filter((e) => e.name.startsWith('MAESTRO_')).map((e) => `${e.name}=${e.value}`);
    assert.deepEqual(envOf('a'), [
      'MAESTRO_RUN_ID={{workflow.uid}}',
      'MAESTRO_ATTEMPT={{=asInt(retries) + 1}}',
      'MAESTRO_NODE_ID=a',
      'MAESTRO_TEMP=/tmp',
      'MAESTRO_WORKSPACE=/workspace',
    ]);
    assert.deepEqual(envOf('b'), ['MAESTRO_ATTEMPT=1']);
    assert.deepEqual(envOf('c'), []);
    const back = await importWorkflow(out, 'w.yaml');
    assert.deepEqual(Object.values((validateWorkflow(back.text).workflow.nodes ?? []).map((n) => n.env)), [{}, {}, {}], 'the engine gives them itself');
    const matrix = specOf(yaml('version: 1', 'name: W', 'nodes:', '  m: { matrix: { os: [a, b] }, run: \'echo "$MAESTRO_NODE_ID"\' }'));
    assert.throws(
      () => exportWorkflow(matrix, 'argo'),
      (e: unknown) =>
        e instanceof ConversionError &&
        /m: its run reads \$MAESTRO_NODE_ID, an instance's id/.test(e.problems.map((p) => `${p.node}: ${p.message}`).join('\n')),
    );
  });

  it('refuses what Argo cannot express, naming the node and the construct', () => {
    const spec = specOf(`version: 1
name: W
nodes:
  a: { run: "true", retry: { max: 2, backoff: linear } }
  b: { needs: a, if: "startsWith(inputs.x, 'v')", run: "true" }
  c: { run: "echo \${{ format('{0}', run.id) }} \${{ hashFiles('x') }}" }
  d: { run: "echo \${{ inputs.x == 'v' }}" }
  e: { run: 'echo "$("\${MAESTRO_HASH_FILES}" x)"' }
inputs:
  x: { type: string }
`);
    assert.throws(
      () => exportWorkflow(spec, 'argo'),
      (e: unknown) => {
        assert.ok(e instanceof ConversionError);
        const text = e.problems.map((p) => `${p.node}: ${p.message}`).join('\n');
        assert.match(text, /^a: linear backoff/m);
        assert.match(text, /^b: the condition .* the function startsWith\(\) has no Argo counterpart/m);
        assert.match(text, /^c: .* calls format\(\): Argo substitutes variables, it does not evaluate expressions/m);
        assert.match(text, /^c: .* calls hashFiles\(\): Argo substitutes variables/m);
        assert.match(text, /^d: .* is more than one reference/m);
        assert.match(text, /^e: its run reads \$MAESTRO_HASH_FILES, the engine's hashFiles\(\) for a script, which an Argo container does not have/m);
        return true;
      },
    );
  });
});
