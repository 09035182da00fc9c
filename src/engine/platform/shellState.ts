// Whether a POSIX shell script may change what the shell that runs it holds for the commands after it: its folder,
// variables, options, functions, aliases, traps, limits, or whether it goes on at all (`exit`, `exec`). Where one
// shell runs several scripts that were each a process of their own (a GitHub job's steps), a script that may is run
// in a subshell. The test is of words where a command starts, not of the script's meaning: such a word in a quote,
// a comment or a pipeline counts too, which costs a subshell, never a change that leaks.

/** Builtins and keywords that change the shell's own state, or end it. */
const STATE_WORDS =
  'cd pushd popd export unset set shopt source alias unalias exit exec trap umask ulimit declare typeset readonly local eval ' +
  'function return shift enable hash read readarray mapfile getopts let builtin command';

/** Where a command starts: a line's start, after an operator or an opening, or after a keyword that a command follows. */
const COMMAND_START = String.raw`(?:^|[;&|({\x60!]|\$\(|\b(?:then|do|else|elif|if|while|until|time)\b)[ \t]*`;

const STATE_WORD = new RegExp(`${COMMAND_START}(?:${STATE_WORDS.replace(/ /g, '|')}|\\.)(?=$|[\\s;&|)}\\x60])`, 'm');

/** A variable set by the shell itself (`A=1`, `x+=y`, `arr[0]=v`), which a command after it keeps. */
const ASSIGNMENT = new RegExp(`${COMMAND_START}[A-Za-z_][A-Za-z0-9_]*(?:\\[[^\\]]*\\])?\\+?=`, 'm');

/**
 * A function defined (`name() {`), a variable set by an expansion (`${A:=x}`), by arithmetic (`(( n++ ))`,
 * `$(( n = 1 ))`) or by `printf -v`.
 */
const OTHER_CHANGES = /[A-Za-z0-9_.:-]+[ \t]*\([ \t]*\)|\$\{[^}]*:?=|\(\([^)]*(?:[^=!<>]=[^=]|\+\+|--)|printf[ \t]+-v/;

/** Whether the script may leave the shell that runs it otherwise than it found it for the commands after it. */
export function changesShellState(script: string): boolean {
  return STATE_WORD.test(script) || ASSIGNMENT.test(script) || OTHER_CHANGES.test(script);
}
