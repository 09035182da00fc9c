// A served engine: fastify with the routes, the event stream, bearer tokens with roles, an OpenAPI document made
// from the routes' schemas, rate limits and body limits. Loopback unless asked otherwise (the CLI decides where it
// listens); a request from a web page (an Origin header) is refused unless its origin is allowed.
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import Ajv, { type ValidateFunction } from 'ajv';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { resolve } from 'node:path';
import { EngineBridge } from './engineBridge';
import { EventStream, type StreamLimits } from './eventStream';
import { registerRoutes } from './routes';
import { RunStateCache } from './runStateCache';
import { allows, TokenCheck, type NamedToken } from './tokens';

declare const MAESTRO_VERSION: string;

export interface ServerOptions {
  workspace: string;
  tokens: readonly NamedToken[];
  /** Origins (scheme://host:port) whose pages may call and stream; none by default. */
  allowOrigins?: readonly string[];
  /** Requests per minute per token. */
  rateLimit?: number;
  bodyLimit?: number;
  stream?: Partial<StreamLimits>;
  onWarning?: (message: string) => void;
  /** The engine's bundle, to run it as a process of its own; without it, the engine runs in this process. */
  enginePath?: string;
}

export interface Served {
  app: FastifyInstance;
  engine: EngineBridge;
  stream: EventStream;
  /** Stops the server: clients are told, runs stop where they stand (interrupted, to be resumed). */
  close(): Promise<void>;
}

const WHO = Symbol('who');
type WithWho = FastifyRequest & { [WHO]?: NamedToken };

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden' };

/** Refuses a request; a WebSocket upgrade is answered on its socket, which is then closed (no stream is left half
 * open for the server to wait on when it stops). */
function refuse(request: FastifyRequest, reply: FastifyReply, code: 401 | 403, message: string): FastifyReply {
  const body = JSON.stringify({ statusCode: code, error: STATUS_TEXT[code], message });
  if (request.headers.upgrade?.toLowerCase() !== 'websocket') return reply.code(code).type('application/json').send(body);
  reply.hijack();
  const socket = request.raw.socket;
  socket.end(
    `HTTP/1.1 ${code} ${STATUS_TEXT[code]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  socket.destroySoon();
  return reply;
}

/** Who may call: pages of allowed origins only, with a token whose role the route allows. */
function guard(app: FastifyInstance, options: ServerOptions): void {
  const tokens = new TokenCheck(options.tokens);
  const origins = new Set(options.allowOrigins ?? []);
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin !== undefined && !origins.has(origin)) return refuse(request, reply, 403, `requests from the origin '${origin.slice(0, 100)}' are not allowed`);
    if (!request.url.startsWith('/api/')) return;
    const who = tokens.who(request.headers.authorization);
    if (!who) return refuse(request, reply, 401, 'a valid bearer token is needed: Authorization: Bearer <token>');
    const needed = request.routeOptions.config.role ?? 'viewer';
    if (!allows(who.role, needed)) return refuse(request, reply, 403, `'${who.name}' is a ${who.role}: this needs an ${needed}'s token`);
    (request as WithWho)[WHO] = who;
  });
  if (origins.size)
    app.addHook('onSend', async (request, reply) => {
      const origin = request.headers.origin;
      if (origin && origins.has(origin)) void reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
    });
}

/** Every body of the API is optional (none has a required field): a POST with none is one with `{}`. fastify hands
 * a missing body to its validator as `null`. */
function optionalBody(validate: ValidateFunction): ValidateFunction {
  const check = ((data: unknown) => data === null || validate(data)) as ValidateFunction;
  Object.defineProperty(check, 'errors', { get: () => validate.errors });
  return check;
}

/** The document says so too (the plugin marks every body it documents as required). */
function bodiesOptional<T extends { paths?: object }>(doc: T): T {
  for (const operations of Object.values(doc.paths ?? {}) as (object | undefined)[])
    for (const operation of Object.values(operations ?? {})) {
      const body = (operation as { requestBody?: { required?: boolean } }).requestBody;
      if (body) body.required = false;
    }
  return doc;
}

export async function buildServer(options: ServerOptions): Promise<Served> {
  const workspace = resolve(options.workspace);
  const engine = new EngineBridge(options.onWarning ?? (() => undefined), options.enginePath);
  await engine.request('configure', { roots: [{ folder: workspace }] });
  const stream = new EventStream(engine, workspace, {
    maxBuffered: 4 * 1024 * 1024,
    maxSubscriptions: 64,
    maxMessagesPerSecond: 50,
    maxRequestsPerSecond: 200,
    ...options.stream,
  });
  const app = Fastify({ bodyLimit: options.bodyLimit ?? 1024 * 1024, logger: false, trustProxy: false, forceCloseConnections: true });
  // A body is checked as sent (a number where a string belongs is refused, an unknown field too); a path or query
  // parameter, always text, is read as the number its schema asks for.
  const bodies = new Ajv({ coerceTypes: false, removeAdditional: false, allErrors: false });
  const parameters = new Ajv({ coerceTypes: 'array', removeAdditional: false, allErrors: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? optionalBody(bodies.compile(schema)) : parameters.compile(schema)));

  guard(app, options);
  await app.register(rateLimit, {
    max: options.rateLimit ?? 6000,
    timeWindow: '1 minute',
    hook: 'preHandler',
    keyGenerator: (request) => (request as WithWho)[WHO]?.name ?? request.ip,
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Maestro DAG engine', version: typeof MAESTRO_VERSION === 'string' ? MAESTRO_VERSION : 'dev' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transformObject: (documents) => ('openapiObject' in documents ? bodiesOptional(documents.openapiObject) : documents.swaggerObject),
  });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  const who = (request: FastifyRequest) => (request as WithWho)[WHO]!;
  const states = new RunStateCache();
  engine.onEvent((e) => e.type !== 'node:log' && states.saw(e.runId, e.seq));
  engine.onRunsChanged(() => states.clear());
  registerRoutes(app, { engine, workspace, who, states, servedEvents: (runId, events) => stream.servedEvents(runId, events) });
  app.get('/api/stream', { websocket: true, schema: { hide: true } }, (socket, request) => stream.attach(socket, who(request)));
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.ready();
  return {
    app,
    engine,
    stream,
    close: async () => {
      stream.closeAll();
      await app.close();
      await engine.stop();
    },
  };
}
