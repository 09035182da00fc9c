// What the window remembers per workflow file (the inputs last given, secret values, the DAG's layout) is keyed by
// the file's URI: when files are renamed, moved or deleted in the workspace, it follows them or goes with them.
// Pure: URIs as strings.

/** A file or folder renamed or moved: its URI before and after. */
export interface UriMove {
  from: string;
  to: string;
}

/** Whether `uri` is `at`, or below it when `at` is a folder. */
export const isAtOrBelow = (uri: string, at: string): boolean => uri === at || uri.startsWith(at.endsWith('/') ? at : `${at}/`);

/** Where a URI is after the moves (itself moved, or below a folder that moved); undefined when none touches it. */
export function movedUri(uri: string, moves: readonly UriMove[]): string | undefined {
  const move = moves.find((m) => isAtOrBelow(uri, m.from));
  return move && move.to + uri.slice(move.from.length);
}

/** Whether a URI is one of those deleted, or below one of them. */
export const isGone = (uri: string, gone: readonly string[]): boolean => gone.some((g) => isAtOrBelow(uri, g));

/** What keeps state by workflow file. */
export interface FollowsWorkflowFiles {
  followMoves(moves: readonly UriMove[]): Promise<void>;
  forgetGone(gone: readonly string[]): Promise<void>;
}
