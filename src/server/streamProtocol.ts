// The WebSocket stream's messages. A client subscribes to runs, to a workflow's runs or to every run; `after` gives,
// for runs it has seen, the last seq it saw: it gets every event after it (from the run's log, then live), with no
// gap and no duplicate. A run it has not seen is sent from its start while the engine holds it. A client may also
// send engine requests (the editor's attached window does, for everything it reads and asks): each is answered by a
// reply of its id; paths in them and in events are relative to the served workspace.
import { checkEngineMessage, checkRequest, isEngineEvent, type EngineReply, type EngineRequest } from '../engine/protocol';
import type { EngineEvent, EngineNotice } from '../engine/protocol';
import { isInteger, isObject, isString, isText, parseJson } from '../engine/json';
import { isRunId } from '../engine/run/io/runStore';
import type { Role } from './tokens';

export type ClientMessage =
  | { type: 'subscribe'; id: string; runs?: string[]; workflow?: string; all?: true; after?: Record<string, number>; notices?: true }
  | { type: 'unsubscribe'; id: string }
  | { type: 'request'; request: EngineRequest };

/** Notices a subscription with `notices` gets: runs changed on disk (all of them), a watched run's node log grew. */
export type StreamNotice = Extract<EngineNotice, { type: 'runs:changed' | 'log:appended' }>;

/** The stream's own version: 2 sends events in batches (`events`); 1 sent them one by one. */
export const STREAM_VERSION = 2;

export type ServerMessage =
  /** First on every stream: who the token is, the engine protocol the replies follow, and the stream's version. */
  | { type: 'hello'; name: string; role: Role; protocolVersion: number; streamVersion: number }
  /** Events in the order they happened: the ones that came together, or a page of a run's log. */
  | { type: 'events'; events: EngineEvent[] }
  | { type: 'subscribed'; id: string }
  | { type: 'unsubscribed'; id: string }
  | { type: 'reply'; reply: EngineReply }
  | { type: 'notice'; notice: StreamNotice }
  | { type: 'error'; id?: string; message: string };

/** Close codes, besides the standard ones: 1008 (policy) for too many subscriptions or messages. */
export const CLOSE_TOO_SLOW = 4008;

const WORKFLOW_ID = /^[0-9a-f]{12}$/;
const MAX_RUNS = 100;
const MAX_AFTER = 1000;

const isRunIdText = (v: unknown): v is string => typeof v === 'string' && isRunId(v);

/** A client's message checked: the message, or what is wrong with it (with the id of the request it was, if any). */
export function parseClientMessage(text: string): ClientMessage | { error: string; id?: string; requestId?: number } {
  const v = parseJson(text);
  if (v === undefined) return { error: 'not JSON' };
  if (!isObject(v)) return { error: 'a message must be a JSON object' };
  if (v.type === 'request') {
    const checked = checkRequest(v.request);
    return 'request' in checked ? { type: 'request', request: checked.request } : checked;
  }
  const id = v.id;
  if (typeof id !== 'string' || id.length === 0 || id.length > 64) return { error: 'id must be a string of 1 to 64 characters' };
  const fail = (error: string) => ({ error, id });
  if (v.type === 'unsubscribe') return { type: 'unsubscribe', id };
  if (v.type !== 'subscribe') return fail(`type must be 'subscribe', 'unsubscribe' or 'request'`);
  const targets = [v.runs !== undefined, v.workflow !== undefined, v.all !== undefined].filter(Boolean).length;
  if (targets !== 1) return fail('a subscription names exactly one of runs, workflow or all');
  if (v.runs !== undefined && (!Array.isArray(v.runs) || v.runs.length === 0 || v.runs.length > MAX_RUNS || !v.runs.every(isRunIdText)))
    return fail(`runs must be a list of 1 to ${MAX_RUNS} run ids`);
  if (v.workflow !== undefined && (typeof v.workflow !== 'string' || !WORKFLOW_ID.test(v.workflow)))
    return fail('workflow must be a workflow id (GET /api/workflows)');
  if (v.all !== undefined && v.all !== true) return fail('all must be true');
  if (v.notices !== undefined && v.notices !== true) return fail('notices must be true');
  const after = v.after;
  if (after !== undefined) {
    if (typeof after !== 'object' || after === null || Array.isArray(after)) return fail('after must map run ids to the last seq seen');
    const entries = Object.entries(after);
    if (entries.length > MAX_AFTER) return fail(`after may name at most ${MAX_AFTER} runs`);
    for (const [runId, seq] of entries)
      if (!isRunIdText(runId) || typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0)
        return fail(`after.${runId.slice(0, 40)} must be an integer ≥ 0`);
  }
  return {
    type: 'subscribe',
    id,
    ...(v.runs ? { runs: v.runs } : {}),
    ...(v.workflow ? { workflow: v.workflow } : {}),
    ...(v.all ? { all: true as const } : {}),
    ...(after ? { after: after as Record<string, number> } : {}),
    ...(v.notices ? { notices: true as const } : {}),
  };
}

const isName = (v: unknown): v is string => isText(v) && v.length <= 64;

/** A server's message checked (the client's side of the stream): the message, or undefined when it is not one. */
export function parseServerMessage(text: string): ServerMessage | undefined {
  const v = parseJson(text);
  if (!isObject(v)) return undefined;
  const message = v as ServerMessage;
  switch (v.type) {
    case 'hello':
      if (!isName(v.name) || (v.role !== 'viewer' && v.role !== 'operator') || !isInteger(v.protocolVersion)) return undefined;
      // A server from before the stream had a version says nothing of it.
      return { ...message, streamVersion: isInteger(v.streamVersion) ? v.streamVersion : 1 } as ServerMessage;
    case 'events':
      return Array.isArray(v.events) && v.events.every(isEngineEvent) ? message : undefined;
    case 'reply':
      return checkEngineMessage(v.reply)?.type === 'engine:reply' ? message : undefined;
    case 'notice': {
      const notice = checkEngineMessage(v.notice);
      return notice?.type === 'runs:changed' || notice?.type === 'log:appended' ? message : undefined;
    }
    case 'subscribed':
    case 'unsubscribed':
      return isName(v.id) ? message : undefined;
    case 'error':
      return isString(v.message) && (v.id === undefined || isName(v.id)) ? message : undefined;
    default:
      return undefined;
  }
}
