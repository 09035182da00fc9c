import { strict as assert } from 'node:assert';
import { ConversionError, exportWorkflow, ImportError, importWorkflow } from '../../../src/engine/formats';
import { expandMatrix } from '../../../src/engine/matrix';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import { yaml } from '../helpers';
import { githubErrors } from './validators';
import { inFolder, loggedLines, runWorkflowText } from './importedRuns';

const specOf = (text: string) => validateWorkflow(text).workflow;
const codes = (text: string) => validateWorkflow(text).diagnostics.map((d) => `${d.severity} ${d.code}`);

const CI = yaml(`
  name: CI
  on:
    push: { branches: [main] }
    workflow_dispatch:
      inputs:
        level: { type: choice, options: [low, high], default: low, description: How hard }
        dry: { type: boolean, default: true }
  env:
    NODE_ENV: test
  defaults:
    run:
      shell: bash
  jobs:
    build:
      runs-on: ubuntu-latest
      timeout-minutes: 10
      outputs:
        version: \${{ steps.v.outputs.version }}
      steps:
        - uses: actions/checkout@v4
        - uses: codecov/codecov-action@v4
          with: { fail_ci_if_error: true }
        - name: Version
          id: v
          run: echo "version=1.2.3" >> "$GITHUB_OUTPUT"
        - name: Build
          run: npm run build
          env:
            TOKEN: \${{ secrets.NPM_TOKEN }}
        - uses: actions/upload-artifact@v4
          with: { name: dist, path: dist/ }
    test:
      needs: build
      strategy:
        matrix:
          node: [18, 20]
          include:
            - node: 22
              experimental: true
      runs-on: ubuntu-latest
      steps:
        - run: npm test -- --node \${{ matrix.node }}
          if: github.event_name == 'push'
    deploy:
      needs: [build, test]
      if: \${{ !inputs.dry }}
      environment: production
      runs-on: ubuntu-latest
      steps:
        - run: ./deploy.sh \${{ needs.build.outputs.version }}
`);

describe('GitHub Actions import', () => {
  it('makes jobs nodes: needs, if, timeout, outputs, matrix, env, shell, artifacts', async () => {
    const { text, notImported } = await importWorkflow(CI, '.github/workflows/ci.yml');
    const spec = specOf(text);
    assert.deepEqual(
      spec.nodes.map((n) => [n.id, n.needs]),
      [
        ['build', []],
        ['test', ['build']],
        ['deploy-approval', ['build', 'test']],
        ['deploy', ['deploy-approval']],
      ],
    );
    const [build, test, gate, deploy] = spec.nodes;
    assert.equal(build.timeoutMs, 600_000);
    assert.deepEqual(build.outputs, ['version']);
    assert.equal(build.shell, 'bash -o pipefail');
    assert.deepEqual(build.artifacts, ['dist/']);
    assert.match(build.run!, /# Version\necho "version=1.2.3" >> "\$MAESTRO_OUTPUT"\n# Build\n\(\nexport TOKEN=/);
    assert.deepEqual(test.matrix, { axes: { node: [18, 20] }, exclude: [], include: [{ node: 22, experimental: true }] });
    assert.deepEqual(
      expandMatrix(test).map((i) => i.id),
      ['test[node=18]', 'test[node=20]', 'test[node=22,experimental=true]'],
    );
    assert.equal(gate.kind, 'approval');
    assert.match(gate.approval!.prompt!, /environment 'production'/);
    assert.equal(deploy.if, '${{ !inputs.dry }}');
    assert.equal(deploy.run, './deploy.sh ${{ nodes.build.outputs.version }}');
    assert.deepEqual(spec.inputs.level, { name: 'level', type: 'string', default: 'low', description: 'How hard One of: low, high.', required: false });
    assert.equal(spec.inputs.dry.type, 'boolean');
    assert.deepEqual(spec.env, { NODE_ENV: 'test' });
    // What cannot run locally is named, in the file and in the result, never dropped.
    assert.ok(notImported.some((n) => n.includes('codecov/codecov-action@v4')));
    const { secret, required, description } = spec.inputs.secrets_NPM_TOKEN;
    assert.deepEqual(
      { secret, required, description },
      {
        secret: true,
        required: true,
        description: 'secrets.NPM_TOKEN (line 30), which GitHub gives a run: give its value when you run this one',
      },
    );
    assert.match(build.run!, /export TOKEN="\$STEP4_TOKEN"/);
    assert.equal(build.env?.STEP4_TOKEN, '${{ inputs.secrets_NPM_TOKEN }}', 'the value in the env, not in the script');
    assert.equal(test.env?.STEP1_IF, "${{ inputs.github_event_name == 'push' }}", 'the condition evaluated by the engine, in our words');
    assert.match(
      test.run!,
      /^if \[ "\$job_result" = success \] && \[ "\$STEP1_IF" = true \]; then\n\(\nset -e\nnpm test -- --node \$\{\{ matrix\.node \}\}\n\)$/m,
    );
    assert.equal(text.split('# not imported:').length - 1, notImported.length);
    const found = codes(text);
    assert.equal(found.filter((c) => c === 'warning not-imported').length, notImported.length);
    assert.ok(!found.some((c) => c.startsWith('error') && !c.includes('unknown-reference')), found.join(', '));
  });

  it("refuses a file GitHub's parser rejects, naming the line", async () => {
    const broken = [
      'on: push',
      'jobs:',
      '  first:',
      '    runs-on: ubuntu-latest',
      '    steps: [{ run: ok }]',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    needs: nope',
      '    steps: [{ run: ok }]',
      '',
    ].join('\n');
    await assert.rejects(importWorkflow(broken, 'ci.yml', { format: 'github-actions' }), (e: unknown) => {
      assert.ok(e instanceof ImportError);
      assert.equal(e.problems[0].line, 8);
      assert.match(e.message, /ci\.yml:8:\d+: .*unknown job 'nope'/);
      return true;
    });
  });

  it('lists a job named twice in needs once', async () => {
    const text = (
      await importWorkflow('on: push\njobs:\n  a: { runs-on: x, steps: [run: "true"] }\n  b: { runs-on: x, needs: [a, a], steps: [run: "true"] }\n', 'ci.yml')
    ).text;
    assert.deepEqual(specOf(text).nodes[1].needs, ['a']);
    assert.deepEqual(codes(text), []);
  });

  it("names an environment's gate so that no job of the workflow loses its node to it", async () => {
    const text = (
      await importWorkflow(
        yaml(`
          on: push
          jobs:
            deploy: { runs-on: x, environment: prod, steps: [run: ./deploy.sh] }
            deploy-approval: { runs-on: x, steps: [run: echo mine] }
            ship: { runs-on: x, environment: prod, needs: deploy-approval, steps: [run: ./ship.sh] }
            ship-approval_2: { runs-on: x, steps: [run: "true"] }
        `),
        'ci.yml',
      )
    ).text;
    const nodes = specOf(text).nodes.map((n) => [n.id, n.needs, n.kind === 'approval' ? 'gate' : n.run]);
    assert.deepEqual(nodes, [
      ['deploy-approval_2', [], 'gate'],
      ['deploy', ['deploy-approval_2'], './deploy.sh'],
      ['deploy-approval', [], 'echo mine'],
      ['ship-approval', ['deploy-approval'], 'gate'],
      ['ship', ['ship-approval'], './ship.sh'],
      ['ship-approval_2', [], 'true'],
    ]);
    assert.deepEqual(codes(text), []);
  });

  it('keeps step names and notes to one comment line each, with no expression for the engine to evaluate', async () => {
    const source = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: x',
      '    steps:',
      '      - { name: "Lint\\necho pwned", run: echo lint }',
      '      - { name: "Build ${{ github.ref }}", run: echo build }',
      '      - { name: Cached, if: "${{ steps.c.outputs.hit != \'true\' }}", run: echo yarn }',
      '',
    ].join('\n');
    const { text, notImported } = await importWorkflow(source, 'ci.yml');
    const script = specOf(text).nodes[0].run ?? '';
    const commands = script.split('\n').filter((l) => !l.startsWith('#'));
    assert.deepEqual(
      commands.filter((l) => l.startsWith('echo')),
      ['echo lint', 'echo build', 'echo yarn'],
      "the name's second line is not a command",
    );
    assert.ok(!script.includes('${{'), script);
    assert.match(script, /^# Build github\.ref$/m);
    assert.match(notImported.join('\n'), /runs only if \$\{\{ steps\.c\.outputs\.hit != 'true' \}\}/, 'the CLI says what the file had');
    assert.deepEqual(codes(text), ['warning not-imported'], 'the step condition, once, and no error');
  });

  it('writes ::set-output lines as $MAESTRO_OUTPUT lines, and notes the uses it cannot rewrite', async () => {
    const source = [
      'on: push',
      'jobs:',
      '  prep:',
      '    runs-on: x',
      '    outputs: { version: "${{ steps.v.outputs.version }}", dir: "${{ steps.d.outputs.dir }}" }',
      '    steps:',
      `      - { id: v, run: 'echo "::set-output name=version::1.$((1+1))"' }`,
      '      - id: d',
      '        run: |',
      "          echo '::set-output name=dir::/tmp/x'",
      '          echo ::set-output name=plain::$HOME',
      "          printf '::set-output name=other::y'",
      '',
    ].join('\n');
    const { text, notImported } = await importWorkflow(source, 'ci.yml');
    const [prep] = specOf(text).nodes;
    assert.deepEqual(prep.outputs, ['version', 'dir']);
    assert.deepEqual(
      (prep.run ?? '').split('\n').filter((l) => l && !l.startsWith('#')),
      [
        `echo "version=1.$((1+1))" >> "$MAESTRO_OUTPUT"`,
        `echo 'dir=/tmp/x' >> "$MAESTRO_OUTPUT"`,
        'echo plain=$HOME >> "$MAESTRO_OUTPUT"',
        "printf '::set-output name=other::y'",
      ],
    );
    assert.deepEqual(
      notImported.filter((n) => n.includes('set-output')),
      ["step 'd' (line 8) uses ::set-output, which GitHub has deprecated and the engine does not read: write 'name=value' lines to $MAESTRO_OUTPUT"],
    );
  });

  it("keeps a step's own timeout-minutes in its script, and notes it where the job's steps are one cmd script", async () => {
    const job = (shell: string) =>
      `on: push\njobs:\n  a:\n    runs-on: x\n    defaults: { run: { shell: ${shell} } }\n    steps:\n      - { name: slow, timeout-minutes: 15, run: sleep 1 }\n      - run: "true"\n`;
    const kept = await importWorkflow(job('bash'), 'ci.yml');
    assert.deepEqual(kept.notImported, []);
    assert.match(kept.text, /\( sleep 900 && echo 'step "slow" timed out after 15m' >&2 && maestro_kill_tree "\$step_pid" \) &/);
    // PowerShell's steps run from files of their own, each under its own timeout.
    const pwsh = await importWorkflow(job('pwsh'), 'ci.yml');
    assert.deepEqual(pwsh.notImported, []);
    assert.match(pwsh.text, /\( sleep 900 && echo 'step "slow" timed out after 15m' >&2 && maestro_kill_tree "\$step_pid" \) &/);
    const { text, notImported } = await importWorkflow(job('cmd'), 'ci.yml');
    assert.deepEqual(notImported, [
      "step 'slow' (line 7) has timeout-minutes 15: a node's timeout is for all its steps, as its shell is not a POSIX shell; make it a node of its own with that timeout",
    ]);
    assert.deepEqual(codes(text), ['warning not-imported']);
  });

  it("imports a matrix's max-parallel as its maxParallel, and notes one given by an expression", async () => {
    const job = (maxParallel: string) =>
      `on: push\njobs:\n  a:\n    runs-on: x\n    strategy: { max-parallel: ${maxParallel}, matrix: { n: [1, 2, 3] } }\n    steps: [run: "true"]\n`;
    const { text, notImported } = await importWorkflow(job('2'), 'ci.yml');
    assert.deepEqual([specOf(text).nodes[0].matrix?.axes, specOf(text).nodes[0].maxParallel], [{ n: [1, 2, 3] }, 2]);
    assert.equal(specOf(text).nodes[0].failFast, true, "GitHub's fail-fast is true when the workflow does not say");
    assert.deepEqual(notImported, []);
    const byExpression = await importWorkflow(job("'${{ vars.LIMIT }}'"), 'ci.yml');
    assert.equal(specOf(byExpression.text).nodes[0].maxParallel, undefined);
    assert.deepEqual(byExpression.notImported, [
      "job 'a' (line 5): max-parallel ${{ vars.LIMIT }} is not a positive whole number: the instances run as the workflow's concurrency lets them",
    ]);
  });

  it('notes a timeout-minutes that is not a positive number, and imports none', async () => {
    for (const minutes of ['.inf', '0', '-3', '1e400']) {
      const { text, notImported } = await importWorkflow(
        `on: push\njobs:\n  a:\n    runs-on: x\n    timeout-minutes: ${minutes}\n    steps: [run: "true"]\n`,
        'ci.yml',
      );
      assert.equal(specOf(text).nodes[0].timeoutMs, undefined, minutes);
      assert.match(notImported.join('\n'), /^job 'a' \(line 5\): timeout-minutes \S+ is not a positive number of minutes: write a duration$/, minutes);
    }
    const { text } = await importWorkflow('on: push\njobs:\n  a: { runs-on: x, timeout-minutes: 1.5, steps: [run: "true"] }\n', 'ci.yml');
    assert.equal(specOf(text).nodes[0].timeoutMs, 90_000);
  });

  it('takes uploaded paths under the working directory as artifacts, and notes the others', async () => {
    const upload = (path: string) => `      - uses: actions/upload-artifact@v4\n        with: { path: "${path}" }\n`;
    const source =
      'on: push\njobs:\n  a:\n    runs-on: x\n    defaults: { run: { working-directory: sub } }\n    steps:\n      - run: make\n' +
      upload('sub/out/*.txt\\ndist/\\n/tmp/log\\n!sub/out/skip.txt');
    const { text, notImported } = await importWorkflow(source, 'ci.yml');
    assert.deepEqual(specOf(text).nodes[0].artifacts, ['out/*.txt']);
    assert.deepEqual(notImported, [
      "job 'a' (line 6): the uploaded artifact 'dist/' is outside the working directory 'sub': a node's artifacts are paths under its cwd",
      "job 'a' (line 6): the uploaded artifact '/tmp/log' is an absolute path: a node's artifacts are paths under its cwd",
    ]);
    assert.deepEqual(
      codes(text).filter((c) => c.startsWith('error')),
      [],
    );
  });

  it("declares the step outputs a job's outputs take, and reads the job's names as those", async () => {
    const source = yaml(`
      on: push
      jobs:
        build:
          runs-on: x
          outputs:
            ver: \${{ steps.v.outputs.version }}
            version: \${{ steps.v.outputs.version }}
            sha: \${{ steps.s.outputs.sha }}
            other: \${{ steps.w.outputs.sha }}
            label: v\${{ steps.v.outputs.version }}
            tag: \${{ steps.v.outputs.tag }}
            named: \${{ steps.n.outputs.tag }}
            commit: \${{ steps.s.outputs.rev }}
            rev: \${{ github.sha }}
          steps:
            - { id: v, run: echo "version=1.2" >> "$GITHUB_OUTPUT" }
            - { id: s, run: echo "sha=abc" >> "$GITHUB_OUTPUT" }
        deploy:
          needs: build
          if: needs.build.outputs.ver != '' && needs.build.outputs.sha
          runs-on: x
          env: { V: "\${{ needs.build.outputs.ver }}" }
          steps:
            - run: ./deploy.sh \${{ needs.build.outputs.ver }} \${{ needs.build.outputs.version }} \${{ needs.build.outputs.other }}
    `);
    const { text, notImported } = await importWorkflow(source, 'ci.yml');
    const [build, deploy] = specOf(text).nodes;
    assert.deepEqual(build.outputs, ['version', 'sha', 'tag', 'rev']);
    assert.equal(deploy.if, "nodes.build.outputs.version != '' && nodes.build.outputs.sha");
    assert.deepEqual(deploy.env, { V: '${{ nodes.build.outputs.version }}' });
    assert.equal(deploy.run, './deploy.sh ${{ nodes.build.outputs.version }} ${{ nodes.build.outputs.version }} ${{ nodes.build.outputs.other }}');
    assert.deepEqual(notImported, [
      "job 'build' (line 6): output 'other' is ${{ steps.w.outputs.sha }}, but output 'sha' takes 'sha' from step 's': a node's one script keeps one 'sha', so write this one to $MAESTRO_OUTPUT under a name of its own",
      "job 'build' (line 6): output 'label' is v${{ steps.v.outputs.version }}: write it to $MAESTRO_OUTPUT in the script",
      "job 'build' (line 6): output 'named' is ${{ steps.n.outputs.tag }}, but output 'tag' takes 'tag' from step 'v': a node's one script keeps one 'tag', so write this one to $MAESTRO_OUTPUT under a name of its own",
      "job 'build' (line 6): output 'rev' is ${{ github.sha }}: write it to $MAESTRO_OUTPUT in the script (the node's 'rev' is what step 's' writes for output 'commit': references to 'rev' read that)",
    ]);
    // Only the output it could not take is left for the author: read, it is undeclared.
    assert.deepEqual(
      codes(text).filter((c) => c.includes('output')),
      ['warning undeclared-output'],
    );
  });

  it('asks for what GitHub gives a run (github.*, vars.*, secrets.*) as required inputs, once each; secrets and the token as secret ones', async () => {
    const source = yaml(`
      on:
        push:
        workflow_dispatch:
          inputs:
            github_sha: { description: the author's own }
      env:
        SHA: \${{ github.sha }}
      jobs:
        build:
          runs-on: x
          if: github.event_name == 'push' && vars.ENABLED
          env: { WHO: "\${{ github.actor }}" }
          steps:
            - run: echo "\${{ GitHub.SHA }} \${{ github.event.pull_request.head.sha }} \${{ vars.ENABLED }} \${{ inputs.github_sha }}"
            - run: echo "\${{ github.token }} \${{ secrets.NPM }}" | wc -c
    `);
    const { text, notImported } = await importWorkflow(source, 'ci.yml');
    const spec = specOf(text);
    const asked = Object.values(spec.inputs).filter((i) => i.name !== 'github_sha');
    assert.deepEqual(
      asked.map((i) => [i.name, i.type, i.required, i.default, i.secret === true]).sort(),
      [
        ['github_actor', 'string', true, undefined, false],
        ['github_event_name', 'string', true, undefined, false],
        ['github_event_pull_request_head_sha', 'string', true, undefined, false],
        ['github_sha_2', 'string', true, undefined, false],
        ['github_token', 'string', true, undefined, true],
        ['secrets_NPM', 'string', true, undefined, true],
        ['vars_ENABLED', 'string', true, undefined, false],
      ],
      "one per value (GitHub's names are case-insensitive), beside the workflow's own input of the same name",
    );
    assert.match(spec.inputs.github_sha_2.description!, /^github\.sha \(line 8\), which GitHub gives a run/);
    assert.deepEqual(spec.env, { SHA: '${{ inputs.github_sha_2 }}' });
    const build = spec.nodes[0];
    assert.equal(build.if, "inputs.github_event_name == 'push' && inputs.vars_ENABLED");
    // What GitHub gives a run goes through the node's env into the script (the runner's own variable where it has
    // one), never into its text; the workflow's own input stays as the author wrote it.
    assert.deepEqual(build.env, {
      WHO: '${{ inputs.github_actor }}',
      GITHUB_SHA: '${{ inputs.github_sha_2 }}',
      STEP1_GITHUB_EVENT_PULL_REQUEST_HEAD_SHA: '${{ inputs.github_event_pull_request_head_sha }}',
      STEP1_VARS_ENABLED: '${{ inputs.vars_ENABLED }}',
      STEP2_GITHUB_TOKEN: '${{ inputs.github_token }}',
      STEP2_SECRETS_NPM: '${{ inputs.secrets_NPM }}',
    });
    assert.match(build.run!, /echo "\$\{GITHUB_SHA\} \$\{STEP1_GITHUB_EVENT_PULL_REQUEST_HEAD_SHA\} \$\{STEP1_VARS_ENABLED\} \$\{\{ inputs\.github_sha \}\}"/);
    assert.match(text, /^# What GitHub gives a run is asked for as required inputs: github\.sha as github_sha_2, .*github\.event_name as github_event_name/m);
    assert.match(build.run!, /echo "\$\{STEP2_GITHUB_TOKEN\} \$\{STEP2_SECRETS_NPM\}" \| wc -c/);
    assert.deepEqual(notImported, []);
    const errors = validateWorkflow(text).diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors, [], 'the imported workflow runs as it is');
  });

  it('declares no input for a value read with brackets, read further, or taken whole, and notes each', async () => {
    const source = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: x',
      '    steps:',
      "      - run: echo ${{ github['sha'] }} ${{ github.event.commits[0].message }} ${{ toJSON(github) }} ${{ vars }} ${{ github['run_id'] }}",
      '',
    ].join('\n');
    const { text, notImported } = await importWorkflow(source, 'ci.yml');
    assert.deepEqual(specOf(text).inputs, {});
    assert.deepEqual(
      notImported.map((n) => n.replace(/ has no local value.*| is written with brackets.*/, '')),
      ["'github.sha' (line 6)", "'github.event.commits' (line 6)", "'github' (line 6)", "'vars' (line 6)", "'github['run_id']'"],
    );
  });

  it('keeps a reusable workflow call visible as a node that fails until it is replaced', async () => {
    const { text } = await importWorkflow('on: push\njobs:\n  call:\n    uses: org/repo/.github/workflows/build.yml@main\n', 'ci.yml');
    const call = specOf(text).nodes[0];
    assert.match(call.run!, /# not imported: job 'call' \(line 3\) calls the reusable workflow org\/repo/);
    assert.match(call.run!, /exit 1$/);
  });
});

describe("GitHub Actions import: a job's concurrency group", () => {
  it('is a mutex: the jobs of one group take turns; an expression or cancel-in-progress is noted', async () => {
    const { text, notImported } = await importWorkflow(
      yaml(
        'on: push',
        'concurrency: ci-${{ github.ref }}',
        'jobs:',
        '  a: { runs-on: x, concurrency: deploy prod, steps: [{ run: echo a }] }',
        '  b: { runs-on: x, concurrency: { group: deploy prod, cancel-in-progress: true }, steps: [{ run: echo b }] }',
        '  c: { runs-on: x, concurrency: { group: "${{ github.workflow }}-x" }, steps: [{ run: echo c }] }',
        '  d:',
        '    runs-on: x',
        '    concurrency: db',
        '    services: { pg: { image: postgres, ports: ["5432:5432"] } }',
        '    steps: [{ run: echo d }]',
      ),
      'ci.yml',
    );
    assert.deepEqual(
      specOf(text).nodes.map((n) => [n.id, n.mutex]),
      [
        ['a', ['deploy-prod']],
        ['b', ['deploy-prod']],
        ['c', ['ci.yml-x']],
        ['d', ['db', 'port-5432']],
      ],
    );
    assert.deepEqual(specOf(text).mutex, ['ci']);
    assert.deepEqual(notImported, [
      'the workflow (line 2): its concurrency group (ci-${{ github.ref }}) is one per ref: here, where a checkout is at one ref, the mutex ci',
      "job 'b' (line 5): its concurrency group's cancel-in-progress has no counterpart here: a job of the group waits for the one that runs",
    ]);
    assert.deepEqual(
      validateWorkflow(text).diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
  });
});

describe('GitHub Actions import: a concurrency group given by expressions', () => {
  /** The mutex a group makes, of the run (the workflow's `concurrency`) or of a job, and the notes. */
  const mutexOf = async (of: 'run' | 'job', group: string, name = 'name: Deploy') => {
    const concurrency = `concurrency: { group: "${group}" }`;
    const { text, notImported } = await importWorkflow(
      yaml(
        'on: push',
        name,
        of === 'run' ? concurrency : 'env: {}',
        'jobs:',
        `  ship: { runs-on: x, ${of === 'job' ? `${concurrency}, ` : ''}steps: [{ run: echo }] }`,
      ),
      'deploy.yml',
    );
    assert.deepEqual(
      validateWorkflow(text).diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    const spec = specOf(text);
    return { mutex: of === 'run' ? spec.mutex : spec.nodes[0].mutex, notes: notImported };
  };

  it("reads the workflow's name and the job's id as GitHub gives them, and a quoted default", async () => {
    assert.deepEqual(await mutexOf('job', '${{ github.workflow }}-${{ github.job }}'), { mutex: ['Deploy-ship'], notes: [] });
    assert.deepEqual(
      (await mutexOf('run', '${{ github.workflow }}', 'env: {}')).mutex,
      ['deploy.yml'],
      'a workflow without a name: GitHub names it by its file',
    );
    assert.deepEqual((await mutexOf('run', "deploy-${{ github.head_ref || 'main' }}")).mutex, ['deploy-main']);
    const jobOfRun = await mutexOf('run', '${{ github.job }}');
    assert.equal(jobOfRun.mutex, undefined, 'the workflow has no job of its own');
    assert.match(jobOfRun.notes[0], /its concurrency group is an expression \(\$\{\{ github\.job \}\}\): give the workflow a mutex/);
  });

  it('leaves the ref out (one per checkout), makes no mutex of a group new for each run, and notes what it cannot read', async () => {
    const perRef = await mutexOf('run', '${{ github.workflow }}-${{ github.head_ref || github.ref }}');
    assert.deepEqual(perRef.mutex, ['Deploy']);
    assert.match(perRef.notes[0], /is one per ref: here, where a checkout is at one ref, the mutex Deploy$/);
    const perRun = await mutexOf('job', '${{ github.workflow }}-${{ github.head_ref || github.run_id }}');
    assert.equal(perRun.mutex, undefined);
    assert.match(perRun.notes[0], /is new for each run: no two runs take turns, as on GitHub$/);
    const unread = await mutexOf('job', 'deploy-${{ inputs.environment }}');
    assert.equal(unread.mutex, undefined);
    assert.match(
      unread.notes[0],
      /^job 'ship' \(line 5\): its concurrency group is an expression \(deploy-\$\{\{ inputs\.environment \}\}\): give the node a mutex/,
    );
  });

  it("keeps an input the workflow declares, and a job's matrix value, as expressions its mutex is filled in from", async () => {
    const { text, notImported } = await importWorkflow(
      yaml(
        'on: { workflow_dispatch: { inputs: { environment: { default: staging } } } }',
        'name: Deploy',
        'concurrency: deploy ${{ github.event.inputs.environment }}',
        'jobs:',
        '  ship:',
        '    runs-on: x',
        '    strategy: { matrix: { region: [eu, us] } }',
        '    concurrency: ${{ github.workflow }}-${{ inputs.environment }}-${{ matrix.region }}',
        '    steps: [{ run: echo }]',
        '  other: { runs-on: x, concurrency: "x-${{ matrix.region }}", steps: [{ run: echo }] }',
      ),
      'deploy.yml',
    );
    const spec = specOf(text);
    assert.deepEqual(
      [spec.mutex, spec.nodes[0].mutex, spec.nodes[1].mutex],
      [['deploy-${{ inputs.environment }}'], ['Deploy-${{ inputs.environment }}-${{ matrix.region }}'], undefined],
    );
    assert.deepEqual(notImported, [
      "job 'other' (line 10): its concurrency group is an expression (x-${{ matrix.region }}): give the node a mutex named as the jobs that must take turns",
    ]);
    assert.deepEqual(
      validateWorkflow(text).diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
  });

  it("leaves a job's group out when it is the workflow's, which GitHub would cancel as a deadlock", async () => {
    const { text, notImported } = await importWorkflow(
      yaml('on: push', 'name: Deploy', 'concurrency: prod', 'jobs:', '  ship: { runs-on: x, concurrency: prod, steps: [{ run: echo }] }'),
      'deploy.yml',
    );
    assert.deepEqual([specOf(text).mutex, specOf(text).nodes[0].mutex], [['prod'], undefined]);
    assert.deepEqual(notImported, ["job 'ship' (line 5): its concurrency group is the workflow's (prod), which its run holds already"]);
  });
});

describe("GitHub Actions: the workflow's concurrency group", () => {
  it("is the workflow's own mutex: its runs take turns; cancel-in-progress is noted", async () => {
    const { text, notImported } = await importWorkflow(
      yaml('on: push', 'concurrency: { group: deploy production, cancel-in-progress: true }', 'jobs:', '  ship: { runs-on: x, steps: [{ run: echo ship }] }'),
      'deploy.yml',
    );
    assert.deepEqual(specOf(text).mutex, ['deploy-production']);
    assert.match(text, /\nmutex: deploy-production\n/);
    assert.match(
      text,
      /# not imported: the workflow \(line 2\): its concurrency group's cancel-in-progress has no counterpart here: a run of the group waits for the one that runs/,
    );
    assert.deepEqual(notImported, [
      "the workflow (line 2): its concurrency group's cancel-in-progress has no counterpart here: a run of the group waits for the one that runs",
    ]);
    assert.deepEqual(
      validateWorkflow(text).diagnostics.map((d) => d.code),
      ['not-imported'],
    );
  });

  it("is written from the workflow's mutex: its first name, the others noted", async () => {
    const one = exportWorkflow(specOf('version: 1\nname: Ship\nmutex: deploy-prod\nnodes:\n  a: { run: make }\n'), 'github-actions');
    assert.match(one, /\nconcurrency:\n {2}group: deploy-prod\n/);
    assert.doesNotMatch(one, /NOT TRANSLATED/);
    assert.deepEqual(await githubErrors(one), []);
    const two = exportWorkflow(specOf('version: 1\nname: Ship\nmutex: [deploy-prod, db]\nnodes:\n  a: { run: make }\n'), 'github-actions', { lenient: true });
    assert.match(two, /# NOT TRANSLATED: a workflow has one concurrency group in GitHub Actions: its runs take turns on deploy-prod only, not on db/);
  });
});

describe('GitHub Actions export', () => {
  const WORKFLOW = yaml(`
    version: 1
    name: Ship
    inputs:
      channel: { type: string, default: beta }
    nodes:
      build:
        run: echo "v=1" >> "$MAESTRO_OUTPUT"
        outputs: [v]
        retry: { max: 2, backoff: exponential, delay: 1s }
      gate:
        needs: build
        approval: { prompt: "Ship \${{ nodes.build.outputs.v }}?" }
      ship:
        needs: gate
        if: inputs.channel == 'stable'
        env: { V: "\${{ nodes.build.outputs.v }}" }
        run: echo "$V"
  `);

  it('writes one job per node that GitHub accepts, with outputs, retries as a loop and a gate as an environment', async () => {
    const out = exportWorkflow(specOf(WORKFLOW), 'github-actions');
    assert.deepEqual(await githubErrors(out), []);
    assert.match(out, /outputs:\n {6}v: \$\{\{ steps\.run\.outputs\.v \}\}/);
    assert.match(out, />> "\$GITHUB_OUTPUT"/);
    assert.match(out, /for attempt in \$\(seq 1 3\)/);
    assert.match(out, /environment: gate/);
    assert.match(out, /Add a protection rule with required reviewers/);
    // ship reads build's output: GitHub's needs context has only direct needs, so build is one.
    assert.match(out, /ship:\n {4}needs: \[gate, build\]/);
    assert.match(out, /V: \$\{\{ needs\.build\.outputs\.v \}\}/);
  });

  it("writes a node's env value that reads another variable into its commands step's env, where GitHub reads the env context", async () => {
    const spec = specOf(
      yaml(`
      version: 1
      name: W
      env: { STAGE: prod }
      nodes:
        build: { run: make, env: { TARGET: "\${{ env.STAGE }}-eu", PLAIN: x } }
    `),
    );
    const out = exportWorkflow(spec, 'github-actions');
    assert.deepEqual(await githubErrors(out), []);
    assert.match(out, /build:\n(?: {4}.*\n)* {4}env:\n {6}PLAIN: x\n/);
    assert.match(out, / {8}run: make\n {8}env:\n {10}TARGET: \$\{\{ env\.STAGE \}\}-eu\n/);
  });

  it("writes a node's env value that calls hashFiles() into its commands step's env, and refuses it in a node's if or the workflow's env", async () => {
    const spec = specOf(
      yaml(`
      version: 1
      name: W
      nodes:
        build: { run: 'echo \${{ hashFiles(''src/**'') }}', env: { KEY: "deps-\${{ hashFiles('**/package-lock.json') }}", PLAIN: x } }
    `),
    );
    const out = exportWorkflow(spec, 'github-actions');
    assert.deepEqual(await githubErrors(out), []);
    assert.match(out, /build:\n(?: {4}.*\n)* {4}env:\n {6}PLAIN: x\n/);
    assert.match(out, / {8}env:\n {10}KEY: deps-\$\{\{ hashFiles\('\*\*\/package-lock\.json'\) \}\}\n/);
    const refused = specOf(
      yaml(`
      version: 1
      name: W
      env: { KEY: "\${{ hashFiles('x') }}" }
      nodes:
        build: { run: make, if: "hashFiles('x') != ''" }
        later: { run: 'make && echo "$("$MAESTRO_HASH_FILES" out/x)"' }
        shard: { matrix: { n: [1, 2] }, run: 'echo "$MAESTRO_NODE_ID"' }
    `),
    );
    assert.throws(
      () => exportWorkflow(refused, 'github-actions'),
      (e: unknown) => {
        assert.ok(e instanceof ConversionError);
        assert.deepEqual(
          e.problems.map((p) => `${p.node ?? '-'}: ${p.message}`),
          [
            "-: the workflow's env KEY calls hashFiles(), which GitHub reads in a step's values only: give it to the nodes that use it",
            "build: its if calls hashFiles(), which GitHub reads in a step's values only, not in a job's if: test the files in its run instead",
            "later: its run reads $MAESTRO_HASH_FILES, the engine's hashFiles() for a script, which GitHub's runner does not have: call hashFiles() in a step's values (a step of its own for files an earlier step writes)",
            "shard: its run reads $MAESTRO_NODE_ID, an instance's id (build[os=linux]), where GitHub's $GITHUB_JOB is the job's for every instance",
          ],
        );
        return true;
      },
    );
  });

  it("gives a matrix job's instances the job's id as GitHub does, where the engine's own is the instance's", async () => {
    const { text } = await importWorkflow(
      yaml(
        'on: push',
        'jobs:',
        '  build:',
        '    runs-on: x',
        '    strategy: { matrix: { n: [1, 2] } }',
        '    steps: [{ run: \'echo "job $GITHUB_JOB"\' }]',
        '  after:',
        '    needs: build',
        '    runs-on: x',
        '    steps: [{ run: \'echo "job $GITHUB_JOB"\' }]',
      ),
      'ci.yml',
    );
    const nodes = validateWorkflow(text).workflow.nodes;
    assert.deepEqual(
      nodes.map((n) => [n.id, n.run, n.env]),
      [
        ['build', 'echo "job $GITHUB_JOB"', { GITHUB_JOB: 'build' }],
        ['after', 'echo "job $MAESTRO_NODE_ID"', {}],
      ],
    );
    await inFolder('matrix-job-id', async (dir) => {
      const { status, events } = await runWorkflowText(dir, text);
      assert.equal(status, 'completed');
      assert.deepEqual(loggedLines(events).sort(), ['job after', 'job build', 'job build']);
    });
    assert.deepEqual(await githubErrors(exportWorkflow(validateWorkflow(text).workflow, 'github-actions')), []);
  });

  it("reads the workspace as GitHub's runner names it, both ways", async () => {
    const out = exportWorkflow(specOf(yaml('version: 1', 'name: W', 'nodes:', '  a: { run: \'ls "$MAESTRO_WORKSPACE/src"\' }')), 'github-actions');
    assert.match(out, /run: ls "\$GITHUB_WORKSPACE\/src"/);
    const { text, notImported } = await importWorkflow(
      yaml('on: push', 'jobs:', '  a:', '    runs-on: x', '    steps:', '      - run: ls "${GITHUB_WORKSPACE}/src"'),
      'ci.yml',
    );
    assert.match(text, /run: ls "\$\{MAESTRO_WORKSPACE\}\/src"/);
    assert.doesNotMatch(text, /inputs:/, 'the engine gives the workspace: nothing is asked for');
    assert.deepEqual(notImported, []);
  });

  it('exports a cached node as a job that runs every time, and a mutex, each with a comment that says why', async () => {
    const spec = specOf(
      yaml(`
      version: 1
      name: W
      nodes:
        build: { run: make, cache: { files: [src/**], ttl: 1d }, mutex: port-5432 }
    `),
    );
    const out = exportWorkflow(spec, 'github-actions');
    assert.deepEqual(await githubErrors(out), []);
    assert.match(
      out,
      /# mutex: port-5432: GitHub Actions runs each job on a machine of its own, so a port or a file is not shared; for a deployment target, give the jobs a concurrency group by hand\.\n/,
    );
    assert.match(out, /# cache: GitHub Actions runs this job every time \(actions\/cache keeps files between runs, not a job's result\)\.\n {2}build:/);
  });

  it('refuses what GitHub Actions cannot express, naming the node and the construct; --lenient comments it', () => {
    const spec = specOf(
      yaml(`
      version: 1
      name: W
      timeout: 1h
      nodes:
        sub: { workflow: ./other.workflow.yaml }
        q: { run: "true", quality: { min: 0.5 } }
        s: { needs: q, if: "nodes.q.outcome == 'failed'", run: "true" }
    `),
    );
    assert.throws(
      () => exportWorkflow(spec, 'github-actions'),
      (e: unknown) => {
        assert.ok(e instanceof ConversionError);
        const text = e.problems.map((p) => `${p.node ?? '-'}: ${p.message}`).join('\n');
        assert.match(text, /^-: the workflow timeout/m);
        assert.match(text, /^sub: a sub-workflow/m);
        assert.match(text, /^q: a quality gate/m);
        assert.match(text, /^s: 'nodes\.q\.outcome' has no exact GitHub Actions equivalent/m);
        return true;
      },
    );
    const lenient = exportWorkflow(spec, 'github-actions', { lenient: true });
    assert.match(lenient, /# NOT TRANSLATED: a sub-workflow/);
    assert.match(lenient, /# NOT TRANSLATED: the workflow timeout/);
  });
});
