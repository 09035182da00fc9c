// Generates schemas/workflow.schema.json: run `node scripts/generate-schema.mjs > schemas/workflow.schema.json`.
const d = (description, extra = {}) => ({ description, markdownDescription: description, ...extra });
const extension = d('Extension field: any key starting with `x-` is ignored, which makes it a place for YAML anchors (`x-defaults: &defaults …`).');
const duration = {
  ...d('A duration: a number of seconds, or a string of one or more `<integer><unit>` parts with unit `ms`, `s`, `m`, `h` or `d` (`250ms`, `90s`, `1h30m`).'),
  type: ['number', 'string'],
  minimum: 0,
  pattern: '^\\s*(\\d+(ms|s|m|h|d)\\s*)+$',
  examples: ['30s', '5m', '1h30m', 90],
};
const expressionString = (desc, ex) => ({ ...d(desc), type: 'string', ...(ex ? { examples: ex } : {}) });
const stringMap = (desc) => ({ ...d(desc), type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } });
// A name with `=` would set another variable (`A=B: x` sets A to `B=x`); an empty one, none.
const envMap = (desc) => ({ ...stringMap(desc), propertyNames: { pattern: '^[^=\\u0000]+$' } });
const matrixKey = '^[A-Za-z_][A-Za-z0-9_-]*$';
/** A value of a matrix: a string, number or boolean, or a list or a map (`matrix.config.arch`), as GitHub Actions allows. */
const matrixValue = { type: ['string', 'number', 'boolean', 'array', 'object'] };
/** One `${{ }}` standing for a matrix or a part of it, made when the run reaches the node. */
const matrixExpression = (desc) => ({ ...d(desc), type: 'string', pattern: '^\\s*\\$\\{\\{[\\s\\S]*\\}\\}\\s*$' });
/** A matrix's `include` or `exclude`: maps of keys to one value each, or an expression that makes them. */
const matrixEntries = (desc) => ({
  ...d(desc),
  anyOf: [
    {
      type: 'array',
      minItems: 1,
      items: { type: 'object', minProperties: 1, propertyNames: { pattern: matrixKey }, additionalProperties: matrixValue },
    },
    matrixExpression('An expression whose value is the list of entries (`${{ fromJSON(nodes.plan.outputs.extra) }}`), made when the run reaches the node.'),
  ],
});
const retry = {
  ...d('How often a failed attempt is retried: a number of retries, or `{ max, backoff, delay, maxDelay }`.'),
  anyOf: [
    { type: 'integer', minimum: 0, ...d('Number of retries after the first attempt.') },
    {
      type: 'object',
      additionalProperties: false,
      required: ['max'],
      properties: {
        max: { type: 'integer', minimum: 0, ...d('Number of retries after the first attempt.') },
        backoff: {
          enum: ['fixed', 'linear', 'exponential'],
          ...d('How the delay grows between attempts: `fixed` (always `delay`), `linear` (`delay × n`) or `exponential` (`delay × 2ⁿ⁻¹`).'),
        },
        delay: { $ref: '#/definitions/duration', ...d('Delay before the first retry (default `1s`).') },
        maxDelay: { $ref: '#/definitions/duration', ...d('Upper bound of the delay between attempts.') },
      },
    },
  ],
  examples: [2, { max: 3, backoff: 'exponential', delay: '1s', maxDelay: '30s' }],
};
const nodeProps = {
  name: expressionString('Display label of the node (may contain `${{ }}` expressions).'),
  phase: {
    ...d('A free label used to group and colour nodes, such as an SDLC phase (`requirements`, `design`, `implementation`, `testing`, `deployment`).'),
    type: 'string',
    examples: ['design', 'testing'],
  },
  description: { ...d('What the node does.'), type: 'string' },
  needs: {
    ...d('The node id, or list of node ids, that must end before this node starts.'),
    anyOf: [{ $ref: '#/definitions/nodeId' }, { type: 'array', items: { $ref: '#/definitions/nodeId' }, uniqueItems: true }],
    examples: ['build', ['backend', 'frontend']],
  },
  if: {
    ...d('A condition: the node runs only when it holds. A bare expression or `${{ }}`. Default: `success()`.'),
    type: ['string', 'boolean'],
    examples: ['${{ always() }}', "nodes.test.status == 'completed'"],
  },
  run: expressionString('A shell script, run with `bash -e` (or `sh -e` where bash is missing) in `cwd`. `${{ }}` expressions are substituted first.', [
    'make test',
  ]),
  approval: {
    ...d('A manual gate: the run waits until a person approves or rejects it.'),
    type: 'object',
    additionalProperties: false,
    properties: {
      prompt: { type: 'string', ...d('The question shown to the approver.') },
      timeout: { $ref: '#/definitions/duration', ...d('How long to wait before the gate is rejected.') },
    },
    examples: [{ prompt: 'Ship it?', timeout: '1h' }],
  },
  workflow: { ...d('Path of another workflow file, relative to this one, run as a sub-workflow.'), type: 'string', examples: ['./deploy.workflow.yaml'] },
  with: stringMap('Inputs of the sub-workflow named by `workflow`.'),
  env: envMap("Environment variables for this node, added to the workflow's `env`."),
  cwd: { ...d("Working folder, relative to the workflow file's folder (the default)."), type: 'string' },
  shell: {
    ...d(
      'Shell that runs `run` (default `bash`, or `sh` where bash is missing), with options of its own if any (`bash -x`, `python3 -u`; a word with spaces in quotes). POSIX shells also get `-e`. With `{0}`, a command given the script as a file, as written (`Rscript {0}`).',
    ),
    type: 'string',
    examples: ['bash', 'sh', 'zsh', 'bash -x', 'python3 -u', 'Rscript {0}'],
  },
  timeout: { $ref: '#/definitions/duration', ...d('How long one attempt may take before it is ended.') },
  retry: { $ref: '#/definitions/retry' },
  continueOnError: {
    ...d(
      'When true, a failure of this node does not fail the run, and dependents run as if it had completed. An expression (`${{ matrix.experimental }}`) decides it for each matrix instance when the run starts, from `inputs` and `matrix`.',
    ),
    oneOf: [{ type: 'boolean' }, { type: 'string', pattern: '^\\s*\\$\\{\\{[\\s\\S]*\\}\\}\\s*$' }],
    examples: [true, '${{ matrix.experimental }}'],
  },
  outputs: {
    ...d('Names of the outputs the node writes to `$MAESTRO_OUTPUT` (`name=value` lines).'),
    type: 'array',
    items: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' },
    uniqueItems: true,
    examples: [['version', 'url']],
  },
  stdoutAs: {
    ...d(
      "The name of an output whose value is what the node prints to its standard output (its lines joined, without the last line's end; masked values masked; at most 1 MiB): Argo Workflows' `outputs.result`. The output is declared with it. Run nodes only.",
    ),
    type: 'string',
    pattern: '^[A-Za-z_][A-Za-z0-9_-]*$',
    examples: ['result', 'list'],
  },
  artifacts: {
    ...d('Files the node produces: paths or globs relative to `cwd`.'),
    type: 'array',
    items: { type: 'string' },
    examples: [['dist/**', 'report.html']],
  },
  quality: {
    ...d('A quality gate: the node fails when it reports (`::quality <0..1>`) a score below `min`.'),
    type: 'object',
    additionalProperties: false,
    required: ['min'],
    properties: { min: { type: 'number', minimum: 0, maximum: 1, ...d('Lowest acceptable quality score, from 0 to 1.') } },
    examples: [{ min: 0.8 }],
  },
  cache: {
    ...d(
      "Reuse an earlier run's result: the node is not run when it would run the same script, shell, folder, declared `env` and matrix values, and the `files` it names hold the same contents, as a run whose result is kept (and within `ttl`). Its outputs are the kept ones, and its artifacts are put back from the copies kept with the result when they changed since. `true` caches on the script and those settings alone. Run nodes only.",
    ),
    anyOf: [
      { type: 'boolean' },
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          files: {
            ...d('Files the result depends on: paths or globs relative to `cwd`; a change to any of them runs the node again.'),
            type: 'array',
            items: { type: 'string', minLength: 1 },
            examples: [['src/**', 'package-lock.json']],
          },
          ttl: { $ref: '#/definitions/duration', ...d('How long a kept result may be reused (for ever when left out).') },
        },
      },
    ],
    examples: [{ files: ['src/**', 'package-lock.json'], ttl: '7d' }, true],
  },
  matrix: {
    ...d(
      'Fan-out: one instance of the node for each combination of values, with ids like `test[shard=1]`. A value is a string, number or boolean, or a list or a map (`config: [{ os: linux, cc: gcc }]`, read as `matrix.config.cc`). `exclude` leaves out the combinations that have all the values of one of its entries; `include` adds its values to each combination whose values it does not change, or is a combination of its own where it fits none (as in GitHub Actions). An expression in place of the matrix, or of a list in it, makes it when the run reaches the node, from the outputs of the nodes it needs (`${{ fromJSON(nodes.plan.outputs.matrix) }}`).',
    ),
    anyOf: [
      {
        type: 'object',
        minProperties: 1,
        propertyNames: { pattern: matrixKey },
        properties: {
          exclude: matrixEntries('Combinations left out: each entry leaves out every combination that has all of its values (`{ os: macos, node: 18 }`).'),
          include: matrixEntries(
            'Values added to every combination whose values they do not change (`{ node: 20, coverage: true }`), or a combination of their own where they fit none (`{ os: windows, node: 20 }`).',
          ),
        },
        additionalProperties: {
          anyOf: [
            { type: 'array', minItems: 1, items: matrixValue },
            matrixExpression(
              'An expression whose value is the list of values (`${{ fromJSON(nodes.plan.outputs.shards) }}`), made when the run reaches the node.',
            ),
          ],
        },
      },
      matrixExpression(
        'An expression whose value is the whole matrix, a map of keys to lists with `include` and `exclude` as written out (`${{ fromJSON(nodes.plan.outputs.matrix) }}`), made when the run reaches the node, once the nodes it needs have ended.',
      ),
    ],
    examples: [
      { os: ['linux', 'macos'], node: [18, 20] },
      { os: ['linux', 'macos'], node: [18, 20], exclude: [{ os: 'macos', node: 18 }], include: [{ os: 'windows', node: 20 }] },
    ],
  },
  maxParallel: {
    ...d(
      "The most instances of the node's `matrix` that run at once (GitHub Actions' `max-parallel`); the others wait for one to end. The run's `concurrency` bounds them too.",
    ),
    type: 'integer',
    minimum: 1,
    examples: [1, 2],
  },
  mutex: {
    ...d(
      "A name, or names, that the node holds while an attempt of it runs: nodes that name the same mutex run one at a time (the instances of a matrix too), in this run, its sub-runs and every other run of this machine's user (the editor's, a served engine's, the CLI's); the others wait for it, as for a free slot, and what needs no mutex held goes on meanwhile. For what cannot be shared: a port a service listens on, a deployment target, a database (Argo Workflows' `synchronization.mutexes`). Run nodes only.",
    ),
    anyOf: [{ $ref: '#/definitions/mutexName' }, { type: 'array', minItems: 1, uniqueItems: true, items: { $ref: '#/definitions/mutexName' } }],
    examples: ['port-5432', ['staging', 'port-5432']],
  },
  failFast: {
    ...d(
      "When true, the failure of one instance of the node's `matrix` cancels the others: those waiting, and those running (GitHub Actions' `fail-fast`). Default: false, every instance runs.",
    ),
    type: 'boolean',
  },
  image: {
    ...d(
      "Container image in which the node's `run` runs when the workflow is exported to Argo Workflows (`bash:5`, `python:3.12`); the local engine runs scripts on this machine and does not use it.",
    ),
    type: 'string',
    minLength: 1,
    examples: ['bash:5', 'alpine:3.20', 'python:3.12'],
  },
};
const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://maestro-dag.dev/schemas/workflow.schema.json',
  title: 'Maestro DAG workflow',
  ...d('A Maestro DAG workflow: nodes, their dependencies (`needs`), and how each one runs.'),
  type: 'object',
  additionalProperties: false,
  patternProperties: { '^x-': extension },
  required: ['version', 'name', 'nodes'],
  properties: {
    version: { ...d('Version of the workflow format. Always `1`.'), const: 1, examples: [1] },
    name: expressionString('Name of the workflow, shown in the Runs view and the DAG panel.', ['Release']),
    description: { ...d('What the workflow does.'), type: 'string' },
    inputs: {
      ...d('Values given at run time (`--input name=value` on the CLI, a prompt in the editor).'),
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_-]*$' },
      additionalProperties: { $ref: '#/definitions/input' },
    },
    env: envMap('Environment variables for every node.'),
    concurrency: { ...d('The most nodes running at once (default: the number of CPU cores).'), type: 'integer', minimum: 1, examples: [4] },
    mutex: {
      ...d(
        "A name, or names, that the run holds from its first node to its end, paused or not: runs that name the same mutex run one at a time (every run of this machine's user: the editor's, a served engine's, the CLI's); a run waits for it before any node starts. For one deployment at a time (GitHub Actions' workflow `concurrency`, Argo Workflows' `spec.synchronization`). A sub-workflow's own is held only when it runs on its own, not as a sub-run; a node of the run cannot name it too.",
      ),
      anyOf: [{ $ref: '#/definitions/mutexName' }, { type: 'array', minItems: 1, uniqueItems: true, items: { $ref: '#/definitions/mutexName' } }],
    },
    timeout: {
      $ref: '#/definitions/duration',
      ...d('How long the whole run may take before it is cancelled and fails (time paused with nothing running does not count).'),
    },
    defaults: {
      ...d('Settings applied to every node unless the node sets its own.'),
      type: 'object',
      additionalProperties: false,
      properties: { timeout: nodeProps.timeout, retry: nodeProps.retry, shell: nodeProps.shell, cwd: nodeProps.cwd, image: nodeProps.image },
    },
    nodes: {
      ...d('The nodes of the DAG, by id. An id starts with a letter or `_` and holds letters, digits, `_` and `-`.'),
      type: 'object',
      minProperties: 1,
      propertyNames: { $ref: '#/definitions/nodeId' },
      additionalProperties: { $ref: '#/definitions/node' },
    },
  },
  definitions: {
    nodeId: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_-]*$', ...d('A node id: a letter or `_`, then letters, digits, `_` or `-`.') },
    duration,
    retry,
    mutexName: {
      type: 'string',
      pattern: "^(?:[A-Za-z0-9]|\\$\\{\\{(?:[^}']|'[^']*')*\\}\\})(?:[A-Za-z0-9_.\\-]|\\$\\{\\{(?:[^}']|'[^']*')*\\}\\})*$",
      ...d(
        "A mutex name: a letter or digit, then letters, digits, `_`, `.` or `-` (`port-5432`, `deploy-staging`). It may take part of itself from the run's inputs, and a node's from its matrix (`deploy-${{ inputs.environment }}`, `port-${{ matrix.port }}`): filled in when the run starts, where each run of characters a name cannot have becomes `-`, so that the runs and instances that give the same name take turns.",
      ),
    },
    input: {
      ...d('A run-time input.'),
      type: 'object',
      additionalProperties: false,
      properties: {
        type: { enum: ['string', 'number', 'boolean'], ...d('Type of the value (default `string`).') },
        default: { type: ['string', 'number', 'boolean'], ...d('Value used when none is given.') },
        description: { type: 'string', ...d('What the input is for, shown when it is asked for.') },
        required: { type: 'boolean', ...d('When true, a run with no value and no default does not start.') },
        secret: {
          type: 'boolean',
          ...d(
            'When true, the value is a secret: asked for without showing it, masked as `***` in logs, events and outputs, and not kept with the run (a resumed run asks for it again). A secret input has no default.',
          ),
        },
      },
      examples: [{ type: 'string', default: 'staging', description: 'Where to deploy' }],
    },
    node: {
      ...d('A node: exactly one of `run`, `approval` or `workflow`, plus how and when it runs.'),
      type: 'object',
      additionalProperties: false,
      patternProperties: { '^x-': extension },
      properties: nodeProps,
      oneOf: [{ required: ['run'] }, { required: ['approval'] }, { required: ['workflow'] }],
    },
  },
};
process.stdout.write(JSON.stringify(schema, null, 2) + '\n');
