// Engine requests sent over the stream, as an attached editor window sends them: what each role may ask, workflows
// named by their path in the workspace (looked up in its index, never opened from the request), control actions
// recorded as the token's name, and paths in the answers relative to the workspace.
import type { EngineEvent, EngineReply, EngineRequest, EngineRequestType, RequestParams, RequestResult } from '../engine/protocol';
import { mapParamPaths, mapResultPaths, servedPath, type PathMaps } from '../engine/protocol/paths';
import type { EngineBridge } from './engineBridge';
import { allows, type NamedToken, type Role } from './tokens';
import { workflowById, workflowId } from './workspaceWorkflows';

/** The least role each request needs; `undefined`: never served (the server decides where runs live and when its engine stops). */
const ROLE_OF: Record<EngineRequestType, Role | undefined> = {
  configure: undefined,
  shutdown: undefined,
  listRuns: 'viewer',
  getRun: 'viewer',
  getEvents: 'viewer',
  readLog: 'viewer',
  insights: 'viewer',
  compareRuns: 'viewer',
  listMutexes: 'viewer',
  start: 'operator',
  pause: 'operator',
  resume: 'operator',
  resumeSecrets: 'operator',
  cancel: 'operator',
  retryNode: 'operator',
  approve: 'operator',
  deleteRun: 'operator',
  pruneRuns: 'operator',
  forgetResults: 'operator',
  releaseMutex: 'operator',
};

/** Requests whose events record who asked. */
const WITH_ACTOR = new Set<EngineRequestType>(['pause', 'resume', 'cancel', 'retryNode', 'approve']);

export class StreamRequests {
  private readonly maps: PathMaps;

  constructor(
    private readonly engine: EngineBridge,
    private readonly workspace: string,
    /** A run's events as clients see them. */
    private readonly servedEvents: (runId: string, events: EngineEvent[]) => Promise<EngineEvent[]>,
  ) {
    this.maps = { file: (p) => servedPath(workspace, p) };
  }

  /** Answers a request from `who`: its result, or why not. Never throws. */
  async answer(request: EngineRequest, who: NamedToken): Promise<EngineReply> {
    const { type, requestId, ...params } = request;
    const fail = (error: string): EngineReply => ({ type: 'engine:reply', requestId, ok: false, error });
    const needed = ROLE_OF[type];
    if (!needed) return fail(`${type} is not served: the server decides where runs are kept and when its engine stops`);
    if (!allows(who.role, needed)) return fail(`'${who.name}' is a ${who.role}: ${type} needs an operator's token`);
    try {
      const result = await this.ask(type, params, who);
      return { type: 'engine:reply', requestId, ok: true, result };
    } catch (e) {
      return fail((e as Error).message.split(this.workspace).join('.'));
    }
  }

  private async ask<K extends EngineRequestType>(type: K, params: RequestParams<K>, who: NamedToken): Promise<RequestResult<K>> {
    const mapped = mapParamPaths(type, params, (p) => this.workflowFile(p));
    const asked = WITH_ACTOR.has(type) ? { ...mapped, actor: who.name } : mapped;
    const result = await this.engine.request(type, asked);
    if (type !== 'getEvents') return mapResultPaths(type, result, this.maps);
    const page = result as RequestResult<'getEvents'>;
    return { ...page, events: await this.servedEvents((params as RequestParams<'getEvents'>).runId, page.events) } as RequestResult<K>;
  }

  /** The workflow a served path names, found in the workspace's index. */
  private workflowFile(path: string): string {
    const found = workflowById(this.workspace, workflowId(path));
    if (!found) throw new Error(`no workflow '${path.slice(0, 200)}' in the served workspace`);
    return found.absolute;
  }
}
