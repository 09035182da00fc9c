/** Whether a path is absolute: a POSIX path, a Windows drive or share, or a home folder. */
export const isAbsolutePath = (path: string): boolean => path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.startsWith('\\') || path.startsWith('~');

/**
 * Why an artifact pattern cannot name a file in the node's folder, or undefined when it can: artifacts are paths
 * or globs relative to the node's cwd, and only files there are recorded.
 */
export function artifactOutsideFolder(pattern: string): string | undefined {
  if (isAbsolutePath(pattern)) return 'is absolute';
  if (pattern.split(/[/\\]/).includes('..')) return "climbs out of the node's folder with '..'";
  return undefined;
}
