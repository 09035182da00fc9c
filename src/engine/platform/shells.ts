import { basename } from 'node:path';

/** Shells that take `-e`, which stops a script at its first failing command, as CI runners do. */
export const POSIX_SHELLS: ReadonlySet<string> = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh']);

/** Text a POSIX shell reads as one word: in single quotes, a quote in it closed, escaped and reopened. */
export const shellQuoted = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** A word as a POSIX shell reads it: as it is when it has only characters the shell takes as they are, else quoted. */
export const shellWord = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : shellQuoted(word));

/** The words that start a node's `shell` (default bash) before the script: `bash -e`, `bash -x -e`, `python3 -u`. */
export function shellWords(shell: string | undefined): string[] {
  const [file, ...own] = (shell ?? 'bash').trim().split(/\s+/);
  return [file, ...own, ...(POSIX_SHELLS.has(basename(file)) ? ['-e'] : [])];
}

/** The node's `shell` from the words that start it, as shellWords makes them (undefined for the default bash). */
export function shellFromWords(words: string): string | undefined {
  const parts = words.trim().split(/\s+/);
  if (POSIX_SHELLS.has(basename(parts[0])) && parts[parts.length - 1] === '-e') parts.pop();
  const shell = parts.join(' ');
  return shell === 'bash' ? undefined : shell;
}

/**
 * The shell's quoting at an offset of a script: inside single quotes, double quotes, or none. A comment (`#` where a
 * word starts) runs to the end of its line, its quotes none.
 */
export function quotingAt(script: string, offset: number): 'single' | 'double' | 'none' {
  let state: 'single' | 'double' | 'none' = 'none';
  for (let i = 0; i < offset; i++) {
    const c = script[i];
    if (state === 'single') {
      if (c === "'") state = 'none';
    } else if (c === '\\') i++;
    else if (c === '"') state = state === 'double' ? 'none' : 'double';
    else if (c === "'" && state === 'none') state = 'single';
    else if (c === '#' && state === 'none' && (i === 0 || /\s/.test(script[i - 1]))) {
      const end = script.indexOf('\n', i);
      i = end < 0 ? script.length : end;
    }
  }
  return state;
}

/** `"$NAME"`, written so that the shell reads it as one word where the quoting is `quoting`. */
export function variableUse(name: string, quoting: ReturnType<typeof quotingAt>): string {
  if (quoting === 'double') return `\${${name}}`;
  if (quoting === 'single') return `'"$${name}"'`;
  return `"$${name}"`;
}
