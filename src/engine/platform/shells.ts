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

/**
 * The option before a script given as text, by the program that runs it: `-c` for shells and Python, `-e` where
 * `-c` means something else (Node's and Ruby's is a syntax check, Perl's compiles only), deno's `eval`.
 */
export function codeOption(program: string): string {
  // Either separator: the Windows platform names its programs by their Windows paths.
  const name = (program.split(/[\\/]/).pop() ?? '').toLowerCase().replace(/\.exe$/, '');
  if (/^(?:node|nodejs|bun|ruby|perl)$/.test(name)) return '-e';
  return name === 'deno' ? 'eval' : '-c';
}

/** Whether a node's `shell` (undefined: the default bash) is a POSIX shell. */
export const isPosixShell = (shell: string | undefined): boolean => POSIX_SHELLS.has(basename(shellWords(shell)[0]));

/** The node's `shell` from the words that start it, as shellWords makes them (undefined for the default bash). */
export function shellFromWords(words: string): string | undefined {
  const parts = words.trim().split(/\s+/);
  if (POSIX_SHELLS.has(basename(parts[0])) && parts[parts.length - 1] === '-e') parts.pop();
  const shell = parts.join(' ');
  return shell === 'bash' ? undefined : shell;
}
