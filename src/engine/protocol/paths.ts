/**
 * Every path an engine message carries, in one place. A served engine names a file of its workspace relative to the
 * workspace (its own folders are not told); a window attached to it places that path in its own copy of the
 * workspace. A node's problem names its file relative to the workflow's folder, on both sides alike.
 */
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { EngineEvent } from './events';
import type { EngineRequestType, RequestParams, RequestResult } from './requests';

export type PathMap = (path: string) => string;

/** How paths change on the way: `file` for workflows and folders; `problem` for a node problem's file, given the run's workflow. */
export interface PathMaps {
  file: PathMap;
  problem?: (file: string, workflowPath: string) => string;
}

const inside = (root: string, path: string): string | undefined => {
  const rel = relative(root, path);
  return rel === '' || rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel) ? undefined : rel;
};

/** A path as a served engine names it: relative to its workspace, with '/', when inside it; else unchanged. */
export function servedPath(workspace: string, path: string): string {
  const rel = isAbsolute(path) ? inside(workspace, path) : undefined;
  return rel === undefined ? path : rel.split(sep).join('/');
}

/** A served path placed in a window's copy of the workspace (an absolute one is left as it is). */
export const localPath = (root: string, served: string): string => (isAbsolute(served) ? served : join(root, ...served.split('/')));

/** A local file as a served engine would name it, or undefined when it is not in the workspace folder `root`. */
export function workspaceRelative(root: string, path: string): string | undefined {
  const rel = inside(root, path);
  return rel?.split(sep).join('/');
}

/** A problem's absolute file inside the workspace, made relative to the workflow's folder (as nodes name files). */
export function servedProblemFile(workspace: string, file: string, workflowPath: string): string {
  if (!isAbsolute(file) || inside(workspace, file) === undefined) return file;
  return relative(dirname(workflowPath), file).split(sep).join('/');
}

export function mapEventPaths(e: EngineEvent, maps: PathMaps, workflowPath?: string): EngineEvent {
  switch (e.type) {
    case 'workflow:started':
      return { ...e, workflow: { ...e.workflow, path: maps.file(e.workflow.path) } };
    case 'node:completed':
      return e.artifactsDir === undefined ? e : { ...e, artifactsDir: maps.file(e.artifactsDir) };
    case 'node:diagnostic':
      return e.file === undefined || !maps.problem || workflowPath === undefined ? e : { ...e, file: maps.problem(e.file, workflowPath) };
    default:
      return e;
  }
}

type Mapper<K extends EngineRequestType> = (result: RequestResult<K>, maps: PathMaps) => RequestResult<K>;

const RESULT_MAPPERS: { [K in EngineRequestType]?: Mapper<K> } = {
  listRuns: (r, m) => ({ ...r, runs: r.runs.map((x) => ({ ...x, workflowPath: m.file(x.workflowPath) })) }),
  getRun: (r, m) => ({
    run: { ...r.run, workflowPath: m.file(r.run.workflowPath) },
    ...(r.state
      ? {
          state: {
            ...r.state,
            workflowPath: m.file(r.state.workflowPath),
            nodes: r.state.nodes.map((n) => (n.artifactsDir === undefined ? n : { ...n, artifactsDir: m.file(n.artifactsDir) })),
          },
        }
      : {}),
  }),
  insights: (r, m) => ({
    ...r,
    report: { ...r.report, workflowPath: m.file(r.report.workflowPath) },
    ...(r.lastRun ? { lastRun: { ...r.lastRun, workflowPath: m.file(r.lastRun.workflowPath) } } : {}),
  }),
};

/**
 * A request's result with its paths mapped. `getEvents` is mapped by the caller, who knows the run's workflow (for
 * its problems' files), with `mapEventPaths`.
 */
export function mapResultPaths<K extends EngineRequestType>(type: K, result: RequestResult<K>, maps: PathMaps): RequestResult<K> {
  const mapper = RESULT_MAPPERS[type];
  return mapper ? mapper(result, maps) : result;
}

/** Requests that name a workflow by its file. */
const WITH_WORKFLOW = new Set<EngineRequestType>(['start', 'listRuns', 'insights', 'pruneRuns', 'forgetResults']);

/** A request's parameters with the workflow file it names mapped (`map` may throw when the file cannot be named). */
export function mapParamPaths<K extends EngineRequestType>(type: K, params: RequestParams<K>, map: PathMap): RequestParams<K> {
  if (!WITH_WORKFLOW.has(type)) return params;
  const named = params as { workflowPath?: string };
  return named.workflowPath === undefined ? params : { ...params, workflowPath: map(named.workflowPath) };
}
