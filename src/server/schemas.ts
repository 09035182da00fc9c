// The JSON schemas of the routes' parameters and bodies: fastify checks every request against them (a 400 says
// which field and why), and the OpenAPI document is made from them.
import { RUN_ID_PATTERN } from '../engine/run/io/runStore';
import workflowSchema from '../../schemas/workflow.schema.json';

const RUN_ID = { type: 'string', pattern: RUN_ID_PATTERN, maxLength: 128 } as const;
/** A node instance's id (`test[shard=1]`), or one in a sub-run under the node that runs it (`deploy/approve`). */
const NODE_SEGMENT = '[A-Za-z_][A-Za-z0-9_-]*(\\[[^\\]/\\\\]{1,200}\\])?';
const NODE_ID = { type: 'string', pattern: `^${NODE_SEGMENT}(/${NODE_SEGMENT}){0,8}$`, maxLength: 2048 } as const;
const WORKFLOW_ID = { type: 'string', pattern: '^[0-9a-f]{12}$' } as const;
const STATUSES = ['completed', 'failed', 'cancelled', 'running', 'paused', 'interrupted'] as const;

const object = (properties: Record<string, unknown>, required: string[] = []) =>
  ({ type: 'object', properties, required, additionalProperties: false }) as const;

/** A name the workflow schema's `mutexName` allows. */
const MUTEX = { type: 'string', pattern: workflowSchema.definitions.mutexName.pattern, maxLength: 200 } as const;

export const params = {
  workflow: object({ id: WORKFLOW_ID }, ['id']),
  mutex: object({ mutex: MUTEX }, ['mutex']),
  run: object({ runId: RUN_ID }, ['runId']),
  node: object({ runId: RUN_ID, nodeId: NODE_ID }, ['runId', 'nodeId']),
};

export const queries = {
  runs: object({
    workflow: WORKFLOW_ID,
    status: { type: 'string', pattern: `^(${STATUSES.join('|')})(,(${STATUSES.join('|')}))*$` },
    offset: { type: 'integer', minimum: 0 },
    limit: { type: 'integer', minimum: 1, maximum: 500 },
  }),
  events: object({ afterSeq: { type: 'integer', minimum: 0 }, limit: { type: 'integer', minimum: 1, maximum: 5000 } }),
  log: object({ offset: { type: 'integer', minimum: 0 }, maxBytes: { type: 'integer', minimum: 1, maximum: 4 * 1024 * 1024 } }),
  insights: object({ last: { type: 'integer', minimum: 1, maximum: 100_000 } }),
};

const INPUTS = { type: 'object', additionalProperties: { type: 'string', maxLength: 65_536 }, maxProperties: 200 } as const;

export const bodies = {
  start: object({
    inputs: INPUTS,
    concurrency: { type: 'integer', minimum: 1, maximum: 1024 },
    reuseResults: { type: 'boolean' },
  }),
  resume: object({ fromNode: NODE_ID, secretInputs: INPUTS }),
  approval: object({ comment: { type: 'string', maxLength: 4096 } }),
};
