/** The last part of a program's path, by either separator (pure: the DAG panel's page uses these too). */
const basename = (path: string): string => path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);

/** Shells that take `-e`, which stops a script at its first failing command, as CI runners do. */
export const POSIX_SHELLS: ReadonlySet<string> = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh']);

/** Text a POSIX shell reads as one word: in single quotes, a quote in it closed, escaped and reopened. */
export const shellQuoted = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** A word as a POSIX shell reads it: as it is when it has only characters the shell takes as they are, else quoted. */
export const shellWord = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : shellQuoted(word));

/**
 * A `shell`'s words: parted by spaces and tabs, a part in double or single quotes kept whole without its quotes
 * (`"/opt/my tools/bash" -x`, `pwsh -command ". '{0}'"`). No backslash escapes: a Windows path keeps its backslashes.
 * A quote left open runs to the end (see shellQuoteLeftOpen).
 */
export const shellSplit = (shell: string): string[] => scanShell(shell).words;

/** The quote a `shell` leaves open, if any: its words then run to its end, which is seldom what was meant. */
export const shellQuoteLeftOpen = (shell: string): string | undefined => scanShell(shell).open;

function scanShell(shell: string): { words: string[]; open?: string } {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (const c of shell) {
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return quote === undefined ? { words } : { words, open: quote };
}

/** Words as a `shell` writes them: each with spaces or quotes in quotes (`"C:\\Program Files\\…\\bash.exe" -x`). */
export function shellText(words: readonly string[]): string {
  const quoted = (w: string) => (w.includes('"') ? `'${w}'` : `"${w}"`);
  return words.map((w) => (w === '' || /[\s"']/.test(w) ? quoted(w) : w)).join(' ');
}

/** Where a `shell` names the script's file, as in GitHub Actions (`Rscript {0}`); the command then runs as written. */
export const SCRIPT_FILE_PLACEHOLDER = '{0}';

/** Whether a node's `shell` is a command that runs the script's file, `{0}`, rather than a shell given its text. */
export const takesScriptFile = (shell: string | undefined): boolean => shell !== undefined && shell.includes(SCRIPT_FILE_PLACEHOLDER);

/** The shell's words with `{0}` in each replaced by the script's file. */
export const withScriptFile = (words: readonly string[], file: string): string[] => words.map((w) => w.split(SCRIPT_FILE_PLACEHOLDER).join(file));

/**
 * The words that start a node's `shell` (default bash) before the script: `bash -e`, `bash -x -e`, `python3 -u`;
 * a command with `{0}` as written, `{0}` kept.
 */
export function shellWords(shell: string | undefined): string[] {
  const [file = '', ...own] = shellSplit(shell ?? 'bash');
  return [file, ...own, ...(POSIX_SHELLS.has(basename(file)) && !takesScriptFile(shell) ? ['-e'] : [])];
}

/**
 * The words that run the script's file given after them, for a target that appends the file (Argo's script
 * template): `shellWords`, less a last word `{0}`; undefined where `{0}` stands elsewhere (`pwsh -File={0}`).
 */
export function wordsBeforeScriptFile(shell: string | undefined): string[] | undefined {
  const words = shellWords(shell);
  if (!takesScriptFile(shell)) return words;
  const before = words.slice(0, -1);
  return words[words.length - 1] === SCRIPT_FILE_PLACEHOLDER && !before.some((w) => w.includes(SCRIPT_FILE_PLACEHOLDER)) ? before : undefined;
}

/** A program's name as a `shell` gives it, on either platform: `/usr/bin/python3` and `C:\\…\\pwsh.exe` name `python3`, `pwsh`. */
export const programName = (program: string): string => (program.replace(/^"|"$/g, '').split(/[\\/]/).pop() ?? '').toLowerCase().replace(/\.exe$/, '');

/**
 * The option before a script given as text, by the program that runs it: `-c` for shells and Python, `-e` where
 * `-c` means something else or nothing (Node's and Ruby's is a syntax check, Perl's compiles only; Rscript, Julia,
 * Lua…), PHP's `-r`, deno's `eval`.
 */
export function codeOption(program: string): string {
  const name = programName(program);
  if (/^(?:node|nodejs|bun|ruby|perl|rscript|julia|lua|luajit|osascript|elixir|groovy)$/.test(name)) return '-e';
  if (name === 'php') return '-r';
  return name === 'deno' ? 'eval' : '-c';
}

/** Extensions of script files by program: PowerShell runs only a `.ps1` file, cmd only a batch file by its extension. */
const SCRIPT_EXTENSIONS: ReadonlyArray<[RegExp, string]> = [
  [/^(?:pwsh|powershell)$/, '.ps1'],
  [/^cmd$/, '.cmd'],
  [/^(?:bash|sh|zsh|dash|ksh)$/, '.sh'],
  [/^(?:python|python\d[\d.]*|pypy\d*)$/, '.py'],
  [/^(?:node|nodejs)$/, '.js'],
  [/^(?:deno|bun)$/, '.ts'],
  [/^ruby$/, '.rb'],
  [/^perl$/, '.pl'],
  [/^php$/, '.php'],
  [/^rscript$/, '.R'],
  [/^julia$/, '.jl'],
  [/^(?:lua|luajit)$/, '.lua'],
  [/^fish$/, '.fish'],
];

/** The extension a file holding a script for this program is given (`.script` where the program is not one we know). */
export function scriptFileExtension(program: string): string {
  const name = programName(program);
  return SCRIPT_EXTENSIONS.find(([pattern]) => pattern.test(name))?.[1] ?? '.script';
}

/** Whether a node's `shell` (undefined: the default bash) is a POSIX shell. */
export const isPosixShell = (shell: string | undefined): boolean => POSIX_SHELLS.has(basename(shellWords(shell)[0]));

/**
 * Whether a POSIX shell's words stop it at a failing command: the last of `-e` (alone or in a cluster, `-eo`, `-xe`)
 * or `-o errexit`, and `+e` or `+o errexit`, that they hold sets it.
 */
export function stopsAtFailure(words: readonly string[]): boolean {
  let stops = false;
  for (const [i, w] of words.entries()) {
    if (/^[-+][A-Za-z]*e[A-Za-z]*$/.test(w) || (/^[-+][A-Za-z]*o$/.test(w) && words[i + 1] === 'errexit')) stops = w.startsWith('-');
  }
  return stops;
}

/**
 * Whether a script run in `shell` goes on past a failing command: a POSIX shell given the script's file (`bash {0}`,
 * `sh -x {0}`) with no `-e`, as in the engine, GitHub Actions (whose named `bash` and `sh` have it) and Argo alike.
 */
export const runsPastFailures = (shell: string | undefined): boolean =>
  shell !== undefined && takesScriptFile(shell) && isPosixShell(shell) && !stopsAtFailure(shellSplit(shell));

/** The node's `shell` from the words that start it, as shellWords makes them (undefined for the default bash). */
export function shellFromWords(words: string): string | undefined {
  const parts = shellSplit(words);
  if (POSIX_SHELLS.has(basename(parts[0] ?? '')) && parts[parts.length - 1] === '-e') parts.pop();
  const shell = shellText(parts);
  return shell === 'bash' ? undefined : shell;
}
