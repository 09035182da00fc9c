// Folders of a run, named relative to the workflow's folder.

/** `relative` against `base`, unless it is absolute (a POSIX path, or a Windows drive or share). */
export function joinPath(base: string, relative: string): string {
  if (relative.startsWith('/') || /^[A-Za-z]:[\\/]/.test(relative) || relative.startsWith('\\\\')) return relative;
  const rest = relative.replace(/^(?:\.\/+)+/, '');
  return rest === '' || rest === '.' ? base : `${base.replace(/\/+$/, '')}/${rest}`;
}
