/** What the engine sends its host: events, replies to requests, and notices about runs and logs. */
import { isInteger, isObject, isString, isText, parseJson } from '../json';
import { isEngineEvent, type EngineEvent } from './events';
import type { EngineRequestType, RequestResult } from './requests';

/**
 * 3: `workflow:pausing`, `node:subrun`, and `kept` on `workflow:resumed`; 4: `resumeSecrets`, `configure`'s `sharedCache`;
 * 5: `forgetResults`'s `shared`, `sharedCache`'s `readOnly`; 6: `node:matrix`; 7: `listMutexes`, `releaseMutex`;
 * 8: `listMutexes`'s `folder`.
 */
export const PROTOCOL_VERSION = 8;

/** The answer to a request: its result, or why it failed. */
export type EngineReply<K extends EngineRequestType = EngineRequestType> =
  { type: 'engine:reply'; requestId: number; ok: true; result: RequestResult<K> } | { type: 'engine:reply'; requestId: number; ok: false; error: string };

/** Engine → host, besides events and replies. */
export type EngineNotice =
  /** The engine has started and listens. */
  | { type: 'engine:ready'; protocolVersion: number; pid: number }
  /** A message the engine could not understand, or a fault outside any request. */
  | { type: 'engine:error'; message: string }
  /** Runs appeared, changed or went away in the runs folders, written by another process (the CLI) or deleted. */
  | { type: 'runs:changed' }
  /** A node's log file has grown to `size` bytes: what was written to it can now be read. */
  | { type: 'log:appended'; runId: string; nodeId: string; size: number };

export type EngineMessage = EngineEvent | EngineReply | EngineNotice;

/** Checks a message from the engine (the host's side of the boundary); undefined when it is not one. */
export const parseEngineMessage = (line: string): EngineMessage | undefined => checkEngineMessage(parseJson(line));

/** Checks a value that should be a message from the engine (carried in another message, as a served stream does). */
export function checkEngineMessage(v: unknown): EngineMessage | undefined {
  if (isEngineEvent(v)) return v;
  if (!isObject(v)) return undefined;
  switch (v.type) {
    case 'engine:ready':
      return isInteger(v.protocolVersion) && isInteger(v.pid) ? (v as EngineMessage) : undefined;
    case 'engine:reply':
      return isInteger(v.requestId) && ((v.ok === true && isObject(v.result)) || (v.ok === false && isString(v.error))) ? (v as EngineMessage) : undefined;
    case 'engine:error':
      return isString(v.message) ? (v as EngineMessage) : undefined;
    case 'runs:changed':
      return v as EngineMessage;
    case 'log:appended':
      return isText(v.runId) && isText(v.nodeId) && isInteger(v.size) ? (v as EngineMessage) : undefined;
    default:
      return undefined;
  }
}
