import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { applyEdits } from '../../src/engine/edits/actions';
import { parse } from 'yaml';
import { ConversionError, exportWorkflow, importWorkflow } from '../../src/engine/formats';
import type { InputSpec } from '../../src/engine/model';
import { nodeBaseEnv, secretEnvName } from '../../src/engine/nodeEnv';
import type { EngineEvent } from '../../src/engine/protocol';
import { keptInputs, maskedInputs, resumedInputs, SECRET_KEPT_AS, secretsNotKept, secretValues } from '../../src/engine/run/core/inputs';
import { resumeRunFromLog, RunSetupError, startRun } from '../../src/engine/run/engine';
import { readLogText, readRun } from '../../src/engine/run/io/runStore';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { argoErrors } from './formats/validators';
import { codes, diagnose, yaml } from './helpers';

const spec = (name: string, more: Partial<InputSpec> = {}): InputSpec => ({ name, type: 'string', required: false, ...more });
const SPECS = { token: spec('token', { secret: true, required: true }), region: spec('region', { default: 'eu' }), note: spec('note', { secret: true }) };

/** Every file under a folder, read as text. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'));
}

describe('secret inputs: what a run keeps of them', () => {
  it('keeps a secret that has a value as ***, and every other input as it is', () => {
    const values = { token: 'hunter2', region: 'us', note: '' };
    const masked = maskedInputs(SPECS, values);
    assert.deepEqual(masked, ['token'], 'an empty value masks nothing');
    assert.deepEqual(keptInputs(masked, values), { token: SECRET_KEPT_AS, region: 'us', note: '' });
    assert.deepEqual(secretValues(masked, values), ['hunter2']);
    assert.deepEqual(
      secretsNotKept(SPECS, { inputs: { token: SECRET_KEPT_AS, note: '' }, maskedInputs: ['token'] }).map((s) => s.name),
      ['token'],
    );
  });

  it('never keeps a secret value, whatever it is', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (secret, other) => {
        const values = { token: secret, region: other, note: '' };
        const masked = maskedInputs(SPECS, values);
        const kept = keptInputs(masked, values);
        assert.equal(kept.token, SECRET_KEPT_AS);
        assert.equal(kept.region, other);
        assert.deepEqual(secretValues(masked, values), [secret]);
      }),
    );
  });

  it('resumes with the kept inputs and the secrets given again; a secret not given again is an error', () => {
    const record = { inputs: { token: SECRET_KEPT_AS, region: 'us', note: '' }, maskedInputs: ['token'] };
    assert.deepEqual(resumedInputs(SPECS, record, { token: 'hunter2' }), { values: { token: 'hunter2', region: 'us', note: '' }, errors: [] });
    assert.deepEqual(resumedInputs(SPECS, record, {}).errors, ["input 'token' is secret and was not kept with the run: give it again"]);
    assert.deepEqual(resumedInputs(SPECS, record, { token: 'x', region: 'eu' }).errors, [
      "input 'region' is not a secret input of this workflow: a resumed run keeps the values it started with",
    ]);
  });

  it('asks again for what the record masked, though the file no longer calls it secret; a literal *** is a value', () => {
    const now = { ...SPECS, token: spec('token', { required: true }), region: spec('region', { secret: true }) };
    const record = { inputs: { token: SECRET_KEPT_AS, region: SECRET_KEPT_AS, note: '' }, maskedInputs: ['token'] };
    assert.deepEqual(secretsNotKept(now, record), [{ ...now.token, secret: true }]);
    assert.deepEqual(resumedInputs(now, record, { token: 'hunter2' }), { values: { token: 'hunter2', region: SECRET_KEPT_AS, note: '' }, errors: [] });
    assert.deepEqual(maskedInputs(now, { token: 'hunter2', region: 'eu', note: '' }, record.maskedInputs), ['token', 'region'], 'masked still');
    // A record from before the list was kept: the file's secret inputs it holds as ***.
    assert.deepEqual(
      secretsNotKept(now, { inputs: record.inputs }).map((s) => s.name),
      ['region'],
    );
  });

  it('never gives nodes the variables the CLI reads secrets from', () => {
    assert.equal(secretEnvName('api-token'), 'MAESTRO_SECRET_API_TOKEN');
    for (const host of [undefined, 'vscode']) {
      const base = nodeBaseEnv({ PATH: '/bin', MAESTRO_SECRET_TOKEN: 'hunter2', MAESTRO_ENGINE_HOST: host });
      assert.equal(base.PATH, '/bin');
      assert.ok(!('MAESTRO_SECRET_TOKEN' in base));
    }
  });
});

describe('secret inputs: validation', () => {
  it('refuses a default, with a fix that removes it, and a type other than string', () => {
    const text = yaml(
      'version: 1',
      'name: S',
      'inputs:',
      '  token:',
      '    secret: true',
      '    default: hunter2 # not here',
      '    description: API token',
      '  pin: { secret: true, type: number }',
      'nodes:',
      '  a: { run: "true" }',
    );
    assert.deepEqual(codes(text), ['6:secret-default', '8:invalid-input']);
    const found = validateWorkflow(text).diagnostics.find((d) => d.code === 'secret-default');
    assert.equal(found?.fixes?.[0].title, "Remove the default of 'token'");
    const fixed = applyEdits(text, found.fixes[0].edits);
    assert.match(fixed, /secret: true\n {4}description: API token\n/);
    assert.deepEqual(codes(fixed), ['7:invalid-input']);
    assert.deepEqual(codes(yaml('version: 1', 'name: S', 'inputs:', '  t: { secret: true, default: x }', 'nodes:', '  a: { run: "true" }')), [
      '4:secret-default',
    ]);
  });
});

describe('secret inputs: in a script', () => {
  it("warns that a secret written into a script is in the script's text, and moves it to env like any input", () => {
    const text = yaml(
      'version: 1',
      'name: S',
      'inputs:',
      '  token: { secret: true }',
      '  who: {}',
      'nodes:',
      '  a: { run: \'curl -u "${{ inputs.token }}:${{ inputs.who }}"\' }',
    );
    const warnings = validateWorkflow(text).diagnostics;
    assert.deepEqual(
      warnings.map((d) => [d.code, /the process list shows/.test(d.message)]),
      [
        ['script-injection', true],
        ['script-injection', false],
      ],
    );
  });
});

describe('secret inputs: a sub-workflow', () => {
  it('warns where a file writes down the value a sub-workflow takes as a secret', () => {
    const options = { fileExists: () => true, workflowInputs: () => ({ token: spec('token', { secret: true, required: true }) }) };
    const text = (value: string) =>
      yaml('version: 1', 'name: P', 'inputs:', '  key: { secret: true }', 'nodes:', `  deploy: { workflow: ./d.workflow.yaml, with: { token: ${value} } }`);
    assert.deepEqual(codes(text('"${{ inputs.key }}"'), options), []);
    const written = diagnose(text('abc123'), options);
    assert.deepEqual(
      written.map((d) => [d.line, d.severity, d.code, d.text]),
      [[6, 'warning', 'invalid-input', 'abc123']],
    );
    assert.match(written[0].message, /takes 'token' as a secret, and this file holds its value/);
  });
});

describe('secret inputs: a run, with real processes', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'maestro-secret-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const SECRET = 'hunter2-zebra';
  const workflow = () => {
    const path = join(dir, 'deploy.workflow.yaml');
    writeFileSync(
      path,
      yaml(
        'version: 1',
        'name: Deploy ${{ inputs.token }}',
        'inputs:',
        '  token: { secret: true, required: true }',
        'nodes:',
        '  use:',
        '    env: { TOKEN: "${{ inputs.token }}" }',
        '    outputs: [echo]',
        // Fails until the file `ok` is there; writes what it was given beside the workflow, outside the runs folder.
        '    run: |',
        '      echo "token $TOKEN"',
        '      printf %s "$TOKEN" > given.txt',
        '      echo "echo=$TOKEN" >> "$MAESTRO_OUTPUT"',
        '      test -f ok',
      ),
    );
    return path;
  };

  it('masks the secret in events, logs, the record and the name, and a resume needs it again', async () => {
    const path = workflow();
    const runsDir = join(dir, 'runs');
    const events: EngineEvent[] = [];
    const first = startRun({ workflowPath: path, runsDir, inputs: { token: SECRET }, onEvent: (e) => events.push(e) });
    assert.equal(await first.finished(), 'failed');
    first.dispose();
    assert.equal(readFileSync(join(dir, 'given.txt'), 'utf8'), SECRET, 'the node had the value itself');
    assert.ok(!JSON.stringify(events).includes(SECRET));
    assert.ok(!filesUnder(runsDir).some((text) => text.includes(SECRET)), "the run's files never hold it");
    const stored = readRun(runsDir, first.runId);
    assert.deepEqual(stored.record.inputs, { token: SECRET_KEPT_AS });
    assert.equal(stored.record.workflowName, 'Deploy ***');
    assert.match(readLogText(runsDir, first.runId, 'use'), /^token \*\*\*$/m);

    writeFileSync(join(dir, 'ok'), '');
    await assert.rejects(
      resumeRunFromLog({ runsDir, runId: first.runId }),
      (e: unknown) => e instanceof RunSetupError && /input 'token' is secret and was not kept with the run/.test(e.message),
    );
    let asked: string[] = [];
    const resumed = await resumeRunFromLog({
      runsDir,
      runId: first.runId,
      secretInputs: async (missing) => {
        asked = missing.map((s) => s.name);
        return { token: `${SECRET}-2` };
      },
    });
    assert.equal(await resumed.finished(), 'completed');
    resumed.dispose();
    assert.deepEqual(asked, ['token']);
    assert.equal(readFileSync(join(dir, 'given.txt'), 'utf8'), `${SECRET}-2`);
    assert.ok(!filesUnder(runsDir).some((text) => text.includes(SECRET)), 'nor after the resume');
    assert.deepEqual(readRun(runsDir, first.runId).record.inputs, { token: SECRET_KEPT_AS });
  });
  it('asks again for a secret the run masked after the file stopped calling it secret, and keeps masking it', async () => {
    const path = workflow();
    const runsDir = join(dir, 'runs');
    const first = startRun({ workflowPath: path, runsDir, inputs: { token: SECRET } });
    assert.equal(await first.finished(), 'failed');
    first.dispose();
    assert.deepEqual(readRun(runsDir, first.runId).record.maskedInputs, ['token']);
    writeFileSync(path, readFileSync(path, 'utf8').replace('{ secret: true, required: true }', '{ required: true }'));
    writeFileSync(join(dir, 'ok'), '');
    let asked: InputSpec[] = [];
    const resumed = await resumeRunFromLog({
      runsDir,
      runId: first.runId,
      secretInputs: async (missing) => {
        asked = missing;
        return { token: `${SECRET}-3` };
      },
    });
    assert.equal(await resumed.finished(), 'completed');
    resumed.dispose();
    assert.deepEqual(
      asked.map((s) => [s.name, s.secret]),
      [['token', true]],
    );
    assert.equal(readFileSync(join(dir, 'given.txt'), 'utf8'), `${SECRET}-3`, 'not the *** the record holds');
    assert.ok(!filesUnder(runsDir).some((text) => text.includes(SECRET)), 'masked as before');
    const { inputs, maskedInputs } = readRun(runsDir, first.runId).record;
    assert.deepEqual({ inputs, maskedInputs }, { inputs: { token: SECRET_KEPT_AS }, maskedInputs: ['token'] });
  });
});

describe('secret inputs: export', () => {
  const text = yaml(
    'version: 1',
    'name: Publish',
    'inputs:',
    '  secrets_NPM_TOKEN: { secret: true, required: true }',
    '  channel: { default: beta }',
    'nodes:',
    '  publish:',
    '    env: { TOKEN: "${{ inputs.secrets_NPM_TOKEN }}", CHANNEL: "${{ inputs.channel }}" }',
    '    run: npm publish --tag "$CHANNEL"',
  );

  const spec = validateWorkflow(text).workflow;

  it('reads a secret input as a repository secret on GitHub, not as an input of the form', () => {
    const out = exportWorkflow(spec, 'github-actions');
    assert.match(out, /TOKEN: \$\{\{ secrets\.NPM_TOKEN \}\}/);
    assert.match(out, /CHANNEL: \$\{\{ inputs\.channel \}\}/);
    assert.ok(!out.includes('secrets_NPM_TOKEN:'), 'not a workflow_dispatch input');
    assert.match(out, /^# Its secret inputs are repository secrets here: add NPM_TOKEN under Settings/m);
  });

  it('reads a secret input from a Kubernetes Secret in Argo, not a parameter, and imports it back as one', async () => {
    const out = exportWorkflow(spec, 'argo');
    assert.deepEqual(argoErrors(out), []);
    const doc = parse(out) as {
      spec: { arguments: { parameters: { name: string }[] }; templates: { script?: { env: unknown[] } }[] };
    };
    assert.deepEqual(
      doc.spec.arguments.parameters.map((p) => p.name),
      ['channel'],
    );
    assert.deepEqual(doc.spec.templates[1].script?.env, [
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'publish-secrets', key: 'secrets_NPM_TOKEN' } } },
      { name: 'CHANNEL', value: '{{workflow.parameters.channel}}' },
    ]);
    assert.match(
      out,
      /^# Its secret inputs come from the Kubernetes Secret 'publish-secrets': kubectl create secret generic publish-secrets --from-literal=secrets_NPM_TOKEN=…$/m,
    );
    const back = validateWorkflow((await importWorkflow(out, 'publish.argo.yaml')).text);
    assert.deepEqual(back.diagnostics, []);
    assert.deepEqual(back.workflow.inputs.secrets_NPM_TOKEN, {
      name: 'secrets_NPM_TOKEN',
      type: 'string',
      required: true,
      secret: true,
      default: undefined,
      description: "the key 'secrets_NPM_TOKEN' of the Kubernetes Secret 'publish-secrets'",
    });
    assert.deepEqual(back.workflow.nodes[0].env, spec.nodes[0].env);
  });

  it("imports an Argo script's env from a Secret's key as a secret input; another valueFrom stays a note", async () => {
    const argo = yaml(
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Workflow',
      'metadata: { generateName: sync- }',
      'spec:',
      '  entrypoint: main',
      '  arguments: { parameters: [{ name: db_password, value: x }] }',
      '  templates:',
      '    - name: main',
      '      dag: { tasks: [{ name: sync, template: sync }] }',
      '    - name: sync',
      '      script:',
      '        image: alpine',
      '        command: [sh]',
      '        env:',
      '          - { name: PASS, valueFrom: { secretKeyRef: { name: db, key: db.password } } }',
      '          - { name: HOOK, valueFrom: { secretKeyRef: { name: hooks, key: url, optional: true } } }',
      '          - { name: POD, valueFrom: { fieldRef: { fieldPath: metadata.name } } }',
      '        source: ./sync.sh',
    );
    const { text, notImported } = await importWorkflow(argo, 'sync.yaml');
    const { workflow } = validateWorkflow(text);
    assert.deepEqual(
      Object.values(workflow.inputs).map((i) => [i.name, i.secret === true, i.required]),
      [
        ['db_password', false, false],
        ['db_password_2', true, true],
        ['url', true, false],
      ],
    );
    assert.deepEqual(workflow.nodes[0].env, { PASS: '${{ inputs.db_password_2 }}', HOOK: '${{ inputs.url }}' });
    assert.deepEqual(
      validateWorkflow(text).diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    assert.deepEqual(
      notImported.map((n) => n.replace(/^.*: /, '')),
      ['set it in env'],
    );
  });

  it('refuses a secret input written into an Argo script, where only env can take a Secret', () => {
    const inScript = validateWorkflow(text.replace('npm publish --tag "$CHANNEL"', 'npm publish --token ${{ inputs.secrets_NPM_TOKEN }}')).workflow;
    assert.throws(
      () => exportWorkflow(inScript, 'argo'),
      (e: unknown) =>
        e instanceof ConversionError && /'inputs\.secrets_NPM_TOKEN' is secret: Argo gives a Secret's value to a step only through env/.test(e.message),
    );
  });
});
