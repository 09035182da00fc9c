// Which file the DAG panel may open for a node's artifact. Pure of vscode: the workspace's folders come in.
import { isAbsolute, resolve } from 'node:path';
import { isInside, realPath } from '../../engine/paths';

export interface ArtifactRequest {
  /** The artifacts the run recorded for the node. */
  recorded: readonly string[];
  /** The one the panel asks for, as recorded. */
  requested: string;
  /** The folder the node ran in, as the workflow file says now. */
  nodeFolder: string;
  /** The workspace's folders. */
  roots: readonly string[];
}

/**
 * The file to open, or why not: only an artifact the run recorded for the node, and only inside the node's folder
 * or the workspace, links resolved. The panel asks for what a run record says, and a run record is a file like
 * any other: it may list `/home/user/.ssh/id_rsa` or `../../../../etc/passwd`.
 */
export function artifactToOpen(r: ArtifactRequest): { path: string } | { error: string } {
  if (!r.recorded.includes(r.requested)) return { error: `${r.requested} is not an artifact of this node in this run` };
  const path = realPath(isAbsolute(r.requested) ? r.requested : resolve(r.nodeFolder, r.requested));
  const allowed = [r.nodeFolder, ...r.roots].some((folder) => isInside(path, folder) || isInside(path, realPath(folder)));
  return allowed ? { path } : { error: `${r.requested} is outside the workspace and the node's folder: it is not opened from here` };
}
