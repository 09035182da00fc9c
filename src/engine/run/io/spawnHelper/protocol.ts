/**
 * The spawn helper protocol: what the engine and its spawn helpers (`dist/spawnHelper.js`) say to each other, as
 * JSON lines over the helper's stdin and stdout. Both sides import this module; nothing else defines a message.
 */
import type { LaunchExit, OutputStream } from '../launch';
import { isObject } from '../../../json';

export const SPAWN_HELPER_PROTOCOL_VERSION = 2;

/** Engine → helper. The environment is sent as a difference from the helper's own, which is the engine's base. */
export type HelperRequest = {
  type: 'spawn';
  id: number;
  file: string;
  args: string[];
  argv0?: string;
  cwd: string;
  set: Record<string, string>;
  unset: string[];
};

/** Helper → engine. Messages about one process arrive in order: spawned, lines…, gone, lines…, exited (or exited alone). */
export type HelperMessage =
  | { type: 'ready'; protocolVersion: number }
  | { type: 'spawned'; id: number; pid: number }
  | { type: 'gone'; id: number }
  /** `continues`: the last line is a piece of a longer line, which the next `lines` of this stream goes on with. */
  | { type: 'lines'; id: number; stream: OutputStream; lines: string[]; continues?: true }
  | ({ type: 'exited'; id: number } & LaunchExit)
  | { type: 'error'; message: string };

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isStringRecord = (v: unknown): v is Record<string, string> => isObject(v) && Object.values(v).every((x) => typeof x === 'string');
const isId = (v: unknown): v is number => Number.isSafeInteger(v);

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** Checks a request on the helper's side; undefined when it is not one. */
export function parseHelperRequest(line: string): HelperRequest | undefined {
  const v = parseJson(line);
  if (!isObject(v) || v.type !== 'spawn') return undefined;
  if (!isId(v.id) || typeof v.file !== 'string' || !isStringArray(v.args) || typeof v.cwd !== 'string' || !isStringRecord(v.set) || !isStringArray(v.unset))
    return undefined;
  if (v.argv0 !== undefined && typeof v.argv0 !== 'string') return undefined;
  return v as HelperRequest;
}

/** Checks a message on the engine's side; undefined when it is not one. */
export function parseHelperMessage(line: string): HelperMessage | undefined {
  const v = parseJson(line);
  if (!isObject(v)) return undefined;
  switch (v.type) {
    case 'ready':
      return typeof v.protocolVersion === 'number' ? (v as HelperMessage) : undefined;
    case 'spawned':
      return isId(v.id) && isId(v.pid) ? (v as HelperMessage) : undefined;
    case 'gone':
      return isId(v.id) ? (v as HelperMessage) : undefined;
    case 'lines':
      return isId(v.id) && (v.stream === 'stdout' || v.stream === 'stderr') && isStringArray(v.lines) && (v.continues === undefined || v.continues === true)
        ? (v as HelperMessage)
        : undefined;
    case 'exited':
      return isId(v.id) &&
        (v.code === null || typeof v.code === 'number') &&
        (v.signal === null || typeof v.signal === 'string') &&
        (v.spawnError === undefined || typeof v.spawnError === 'string')
        ? (v as HelperMessage)
        : undefined;
    case 'error':
      return typeof v.message === 'string' ? (v as HelperMessage) : undefined;
    default:
      return undefined;
  }
}

/** The environment a request describes: the helper's own, less `unset`, plus `set`. */
export function requestEnv(base: NodeJS.ProcessEnv, request: Pick<HelperRequest, 'set' | 'unset'>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  for (const k of request.unset) delete env[k];
  return Object.assign(env, request.set);
}

/** The difference that turns `base` into `wanted`. */
export function envDifference(base: Readonly<Record<string, string>>, wanted: Readonly<Record<string, string>>): Pick<HelperRequest, 'set' | 'unset'> {
  const set: Record<string, string> = {};
  const unset: string[] = [];
  for (const k in wanted) if (base[k] !== wanted[k]) set[k] = wanted[k];
  for (const k in base) if (!(k in wanted)) unset.push(k);
  return { set, unset };
}
