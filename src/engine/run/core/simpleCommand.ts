// A `run` that is one simple command is executed without a shell, as make does, where that changes nothing a
// script can observe. Pure: the rule, and the environment bash would give the command (the file system is asked
// through `FileProbe`). Anything the rule cannot vouch for runs in the shell as before.

/**
 * A word that means the same to the shell as it reads: letters, digits and `_ . / : = @ % + , -`. No quotes,
 * escapes, `$` or backquotes, globs (`* ? [`), `~`, `#`, braces, `!`, redirections, pipes, `;`, `&` or parentheses.
 */
const PLAIN_WORD = /^[A-Za-z0-9_./:=@%+,-]+$/;

/** Words the shell runs itself (builtins, keywords): a program of the same name would behave differently, or none exists. */
const SHELL_WORDS: ReadonlySet<string> = new Set(
  (
    '. : alias bg bind break builtin caller case cd command compgen complete compopt continue coproc declare dirs disown do done ' +
    'echo elif else enable esac eval exec exit export false fc fg fi for function getopts hash help history if in jobs kill let ' +
    'local logout mapfile popd printf pushd pwd read readarray readonly return select set shift shopt source suspend test then ' +
    'time times trap true type typeset ulimit umask unalias unset until wait while'
  ).split(' '),
);

/** `true` and `false` alone do what the programs do (with arguments, `/bin/true --help` prints its help). */
const SAME_ALONE: ReadonlySet<string> = new Set(['true', 'false']);

/** The command's words when the script is one simple command, else undefined (the shell runs it). */
export function simpleCommandWords(script: string): string[] | undefined {
  const text = script.replace(/^[ \t\n]+|[ \t\n]+$/g, '');
  if (text === '' || text.includes('\n')) return undefined;
  const words = text.split(/[ \t]+/);
  if (!words.every((w) => PLAIN_WORD.test(w))) return undefined;
  const [program] = words;
  // `NAME=value cmd` sets a variable for the command.
  if (program.includes('=')) return undefined;
  if (SHELL_WORDS.has(program) && !(SAME_ALONE.has(program) && words.length === 1)) return undefined;
  return words;
}

/** What the rule needs to know of the file system. */
export interface FileProbe {
  /** An executable regular file at this absolute path. */
  isExecutable(path: string): boolean;
  /** The directory's identity (device and inode), or undefined when it is not a directory. */
  directory(path: string): { dev: number; ino: number } | undefined;
  /** The directory's path with its links resolved. */
  realPath(path: string): string;
}

/** Variables that make bash run something before the command, or change how it runs it. */
const SHELL_SETUP = /^(BASH_ENV|ENV|SHELLOPTS|BASHOPTS|BASH_XTRACEFD|POSIXLY_CORRECT|BASH_FUNC_.*)$/;

export interface DirectCommand {
  /** The program's absolute path. */
  file: string;
  args: string[];
  /** The environment bash would have given it. */
  env: Record<string, string>;
}

/**
 * How to execute `words` without a shell so that the program sees what it would under `bash -c`: found on PATH as
 * bash finds it, with the variables bash sets (PWD, SHLVL, `_`) and drops (an OLDPWD that is not a directory).
 * Undefined when bash would do something else: a program it cannot find or run (its own message and status are
 * wanted), a PATH it would replace, variables that make it run code first, a shell level it would reset.
 */
export function directCommand(words: readonly string[], env: Readonly<Record<string, string>>, cwd: string, probe: FileProbe): DirectCommand | undefined {
  if (Object.keys(env).some((k) => SHELL_SETUP.test(k))) return undefined;
  if (env.PATH === undefined) return undefined;
  const [program, ...args] = words;
  const found = findProgram(program, env.PATH, cwd, probe);
  if (!found) return undefined;
  const shellLevel = env.SHLVL ?? '0';
  // bash adds one and takes it back as it execs the command; a level it would reset (with a warning) is left to it.
  if (!/^(0|[1-9][0-9]{0,2})$/.test(shellLevel) || Number(shellLevel) >= 999) return undefined;
  // A working folder that is not there is reported as the shell's start fails.
  const here = probe.directory(cwd);
  if (!here) return undefined;
  const out: Record<string, string> = { ...env, SHLVL: shellLevel, _: found.named };
  const kept = env.PWD?.startsWith('/') ? probe.directory(env.PWD) : undefined;
  out.PWD = kept && kept.dev === here.dev && kept.ino === here.ino ? env.PWD : probe.realPath(cwd);
  if (env.OLDPWD !== undefined && !probe.directory(env.OLDPWD.startsWith('/') ? env.OLDPWD : `${cwd}/${env.OLDPWD}`)) delete out.OLDPWD;
  return { file: found.file, args, env: out };
}

/** The program as bash finds it: a name with a slash as it is (from `cwd`); else the first PATH entry that has it. */
function findProgram(program: string, path: string, cwd: string, probe: FileProbe): { file: string; named: string } | undefined {
  const absolute = (p: string) => (p.startsWith('/') ? p : `${cwd}/${p}`);
  if (program.includes('/')) return probe.isExecutable(absolute(program)) ? { file: absolute(program), named: program } : undefined;
  for (const dir of path.split(':')) {
    // An empty entry is the current folder.
    const named = `${dir === '' ? '.' : dir}/${program}`;
    if (probe.isExecutable(absolute(named))) return { file: absolute(named), named };
  }
  return undefined;
}
