// The HTTP routes of a served engine. Every route needs a bearer token; those that start or steer runs need an
// operator's. Workflows are named by their id in the workspace, runs by their run id: no path from a request reaches
// the file system.
import type {} from '@fastify/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EngineEvent, RunListStatus } from '../engine/protocol';
import { mapResultPaths, servedPath } from '../engine/protocol/paths';
import { EngineRequestError, type EngineBridge } from './engineBridge';
import type { RunStateCache } from './runStateCache';
import { bodies, params, queries } from './schemas';
import type { NamedToken, Role } from './tokens';
import { describeWorkflow, summarizeWorkflow } from './workflowViews';
import { findWorkflows, workflowById, type WorkspaceWorkflow } from './workspaceWorkflows';

export interface RouteContext {
  engine: EngineBridge;
  workspace: string;
  states: RunStateCache;
  /** Who a request is from (set by the server's authentication). */
  who: (request: FastifyRequest) => NamedToken;
  /** A run's events as clients see them (paths relative to the workspace), as the stream sends them. */
  servedEvents: (runId: string, events: EngineEvent[]) => Promise<EngineEvent[]>;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role a route needs. */
    role?: Role;
  }
}

class NotFound extends Error {}

/** An engine's refusal as an HTTP answer: a run or node it does not know is 404, anything else 409. */
async function answer<T>(reply: FastifyReply, work: () => Promise<T>, workspace: string): Promise<T | undefined> {
  try {
    return await work();
  } catch (e) {
    if (!(e instanceof EngineRequestError) && !(e instanceof NotFound)) throw e;
    const message = e.message.split(workspace).join('.');
    const missing = e instanceof NotFound || /^no run |is not a run id|unknown node|no node/i.test(e.message);
    void reply.code(missing ? 404 : 409).send({ statusCode: missing ? 404 : 409, error: missing ? 'Not Found' : 'Conflict', message });
    return undefined;
  }
}

export function registerRoutes(app: FastifyInstance, c: RouteContext): void {
  const workflow = (id: string): WorkspaceWorkflow => {
    const found = workflowById(c.workspace, id);
    if (!found) throw new NotFound(`no workflow '${id}' in the workspace (GET /api/workflows lists them)`);
    return found;
  };
  const operator = { config: { role: 'operator' as Role } };
  type P<T> = { Params: T };

  app.get('/api/workflows', { schema: { summary: 'The workspace’s workflows, with their problems counted' } }, async () => ({
    workflows: findWorkflows(c.workspace).map(summarizeWorkflow),
  }));
  app.get<P<{ id: string }>>('/api/workflows/:id', { schema: { params: params.workflow, summary: 'A workflow: its graph and problems' } }, (req, reply) =>
    answer(reply, async () => describeWorkflow(workflow(req.params.id)), c.workspace),
  );
  app.post<P<{ id: string }> & { Body: { inputs?: Record<string, string>; concurrency?: number; reuseResults?: boolean } | undefined }>(
    '/api/workflows/:id/runs',
    { ...operator, schema: { params: params.workflow, body: bodies.start, summary: 'Starts a run' } },
    (req, reply) =>
      answer(
        reply,
        async () => {
          const result = await c.engine.request('start', { workflowPath: workflow(req.params.id).absolute, ...(req.body ?? {}) });
          void reply.code(201);
          return result;
        },
        c.workspace,
      ),
  );
  app.get<P<{ id: string }> & { Querystring: { last?: number } }>(
    '/api/workflows/:id/insights',
    { schema: { params: params.workflow, querystring: queries.insights, summary: 'Figures over the workflow’s runs' } },
    (req, reply) => answer(reply, () => c.engine.request('insights', { workflowPath: workflow(req.params.id).absolute, last: req.query.last }), c.workspace),
  );
  registerControlRoutes(app, c);
  registerReadRoutes(app, c, workflow);
  registerMutexRoutes(app, c);
}

function registerControlRoutes(app: FastifyInstance, c: RouteContext): void {
  const operator = { config: { role: 'operator' as Role } };
  type Run = { Params: { runId: string } };
  type Node = { Params: { runId: string; nodeId: string } };
  const control = (type: 'pause' | 'cancel') =>
    app.post<Run>(
      `/api/runs/:runId/${type}`,
      { ...operator, schema: { params: params.run, summary: `${type[0].toUpperCase()}${type.slice(1)}s a run` } },
      (req, reply) => answer(reply, () => c.engine.request(type, { runId: req.params.runId, actor: c.who(req).name }), c.workspace),
    );
  control('pause');
  control('cancel');
  app.post<Run & { Body: { fromNode?: string } | undefined }>(
    '/api/runs/:runId/resume',
    { ...operator, schema: { params: params.run, body: bodies.resume, summary: 'Resumes a paused run, or continues an ended or interrupted one' } },
    (req, reply) => answer(reply, () => c.engine.request('resume', { runId: req.params.runId, ...(req.body ?? {}), actor: c.who(req).name }), c.workspace),
  );
  app.get<Run>(
    '/api/runs/:runId/resume-secrets',
    { ...operator, schema: { params: params.run, summary: 'The secret inputs a resume of the run from its log must be given' } },
    (req, reply) => answer(reply, () => c.engine.request('resumeSecrets', { runId: req.params.runId }), c.workspace),
  );
  app.post<Node>('/api/runs/:runId/nodes/:nodeId/retry', { ...operator, schema: { params: params.node, summary: 'Retries a failed node' } }, (req, reply) =>
    answer(reply, () => c.engine.request('retryNode', { ...req.params, actor: c.who(req).name }), c.workspace),
  );
  for (const approved of [true, false])
    app.post<Node & { Body: { comment?: string } | undefined }>(
      `/api/runs/:runId/nodes/:nodeId/${approved ? 'approve' : 'reject'}`,
      { ...operator, schema: { params: params.node, body: bodies.approval, summary: `${approved ? 'Approves' : 'Rejects'} an approval gate` } },
      (req, reply) => answer(reply, () => c.engine.request('approve', { ...req.params, approved, ...(req.body ?? {}), actor: c.who(req).name }), c.workspace),
    );
}

function registerReadRoutes(app: FastifyInstance, c: RouteContext, workflow: (id: string) => WorkspaceWorkflow): void {
  type Run = { Params: { runId: string } };
  type Node = { Params: { runId: string; nodeId: string } };
  app.get<{ Querystring: { workflow?: string; status?: string; offset?: number; limit?: number } }>(
    '/api/runs',
    { schema: { querystring: queries.runs, summary: 'Runs, newest first, a page at a time' } },
    (req, reply) =>
      answer(
        reply,
        async () => {
          const { workflow: id, status, offset, limit } = req.query;
          const listed = await c.engine.request('listRuns', {
            ...(id ? { workflowPath: workflow(id).absolute } : {}),
            ...(status ? { statuses: status.split(',') as RunListStatus[] } : {}),
            offset,
            limit: limit ?? 50,
          });
          return mapResultPaths('listRuns', listed, { file: (p) => servedPath(c.workspace, p) });
        },
        c.workspace,
      ),
  );
  app.get<Run>('/api/runs/:runId', { schema: { params: params.run, summary: 'A run, its state and its nodes' } }, (req, reply) =>
    answer(
      reply,
      async () => {
        const { runId } = req.params;
        void reply.type('application/json');
        const kept = c.states.get(runId);
        if (kept) return kept;
        const got = await c.engine.request('getRun', req.params);
        const body = JSON.stringify(mapResultPaths('getRun', got, { file: (p) => servedPath(c.workspace, p) }));
        c.states.keep(runId, got.state?.lastSeq, body);
        return body;
      },
      c.workspace,
    ),
  );
  app.get<Run & { Querystring: { afterSeq?: number; limit?: number } }>(
    '/api/runs/:runId/events',
    { schema: { params: params.run, querystring: queries.events, summary: 'A run’s events after a seq, a page at a time' } },
    (req, reply) =>
      answer(
        reply,
        async () => {
          const page = await c.engine.request('getEvents', { ...req.params, ...req.query });
          return { ...page, events: await c.servedEvents(req.params.runId, page.events) };
        },
        c.workspace,
      ),
  );
  app.get<Node & { Querystring: { offset?: number; maxBytes?: number } }>(
    '/api/runs/:runId/nodes/:nodeId/log',
    { schema: { params: params.node, querystring: queries.log, summary: 'A node’s log from a byte offset' } },
    (req, reply) =>
      answer(reply, () => c.engine.request('readLog', { ...req.params, offset: req.query.offset ?? 0, maxBytes: req.query.maxBytes }), c.workspace),
  );
}

/** The mutexes held on the engine's machine, and giving back one whose holder cannot (see docs/execution.md). */
function registerMutexRoutes(app: FastifyInstance, c: RouteContext): void {
  app.get('/api/mutexes', { schema: { summary: 'The mutexes held on the engine’s machine, and by whom' } }, (_req, reply) =>
    // Where the lock files are on the engine's machine is of no use to a client.
    answer(reply, async () => ({ mutexes: (await c.engine.request('listMutexes', {})).mutexes }), c.workspace),
  );
  app.post<{ Params: { mutex: string } }>(
    '/api/mutexes/:mutex/release',
    { config: { role: 'operator' as Role }, schema: { params: params.mutex, summary: 'Gives back a mutex another process holds' } },
    (req, reply) => answer(reply, () => c.engine.request('releaseMutex', req.params), c.workspace),
  );
}
