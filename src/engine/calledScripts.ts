// The script files a node's `run` runs (`./release.sh`, `bash scripts/ship.sh`), as far as the text tells: where an
// output a node gives may be written outside the workflow. Pure.
import { basename, join } from 'node:path';
import type { NodeSpec } from './model';
import type { ProgramLanguage } from './programWrites';
import { interpreterLanguage, type ScriptDialect } from './scriptDialect';

/** A script file a `run` runs, and the language it is read in there. */
export interface ScriptCall {
  /** As written, or placed from a folder where the caller says so. */
  path: string;
  /**
   * The language of the program that reads it (`bash x`, `. x`: the shell's; `python3 x`: Python's); undefined where
   * the file is run itself (`./x`), and its `#!` line or extension says (see scriptDialect).
   */
  reader?: ScriptDialect;
}

/** A relative path with a `/` in it (`./release.sh`, `scripts/ship.sh`), nothing a shell would expand. */
const SCRIPT_PATH = /^(?:\.{1,2}\/|[A-Za-z0-9_][A-Za-z0-9_.-]*\/)[A-Za-z0-9_./-]*[A-Za-z0-9_]$/;
/** A file in the working folder, named with an extension (`release.sh`): a path where a shell reads a file. */
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\.[A-Za-z0-9]+$/;
/** Words that run the file named after them (their options skipped) in the shell that reads the script. */
const RUNNERS = new Set(['bash', 'sh', 'zsh', 'dash', 'source', '.', 'exec']);

/**
 * The script files a `run` runs, as written, each with the language it is read in: a line's first word with a `/` in
 * it, or the first after bash, sh, source or `.`, or an interpreter (`python3`, `node`), and their options (there a
 * file of the working folder too: `bash release.sh`, `python3 version.py`).
 */
export function calledScripts(run: string): ScriptCall[] {
  const out: ScriptCall[] = [];
  for (const line of run.split('\n')) {
    const words = line.trim().split(/[ \t]+/);
    const named = lineCall(words);
    if (named?.word === undefined || out.some((c) => c.path === named.word && c.reader === named.reader)) continue;
    if (SCRIPT_PATH.test(named.word) || (named.bare && FILE_NAME.test(named.word)))
      out.push(named.reader ? { path: named.word, reader: named.reader } : { path: named.word });
  }
  return out;
}

/** The file a line's words run, whether a bare file name there is one, and what reads it (see ScriptCall). */
function lineCall(words: string[]): { word: string | undefined; bare: boolean; reader?: ScriptDialect } {
  const language = interpreterLanguage(words[0]);
  if (language) return { word: programFile(language, words), bare: true, reader: language };
  if (!RUNNERS.has(words[0])) return { word: words[0], bare: false };
  const file = runnersFile(words);
  // exec runs the file itself, as the first word would.
  return words[0] === 'exec' ? file : { ...file, reader: 'shell' };
}

/**
 * The word a runner runs after its options (`bash -o pipefail x.sh`: an option's argument is not it), and whether a
 * bare file name there is a file (not where it is a command: `bash -c release.sh` looks it up on the PATH).
 */
function runnersFile(words: string[]): { word: string | undefined; bare: boolean } {
  const [runner] = words;
  let command = false;
  let i = 1;
  for (; i < words.length && /^[-+]./.test(words[i]); i++) {
    const option = words[i];
    if (option === '--') {
      i++;
      break;
    }
    if (runner !== 'exec' && /^-[A-Za-z]*c/.test(option)) command = true;
    if (takesArgument(runner, option)) i++;
  }
  return { word: words[i], bare: !command };
}

/**
 * The file an interpreter runs (`python3 -u tools/version.py`, `node --require ./r.js x.mjs`, `deno run x.ts`), past
 * its options; none where it runs code given on the line or a module (`python3 -c …`, `-m`, `node -e`, `-p`).
 */
function programFile(language: ProgramLanguage, words: string[]): string | undefined {
  let i = words[1] === 'run' && /^(?:deno|bun)$/.test(basename(words[0])) ? 2 : 1;
  for (; i < words.length && words[i].startsWith('-'); i++) {
    const option = words[i];
    if (option === '--') return words[i + 1];
    if (option === '-' || CODE_OPTION[language].test(option)) return undefined;
    if (ARGUMENT_OPTION[language].test(option)) i++;
  }
  return words[i];
}

/** Options after which the interpreter runs code or a module, not a file (also in a cluster: `-uc`). */
const CODE_OPTION: Record<ProgramLanguage, RegExp> = { python: /^-[A-Za-z]*[cm]/, javascript: /^(?:-[A-Za-z]*[ep]$|--eval$|--print$|--eval=|--print=)/ };
/** Options that take the next word: Python's `-W arg`, `-X opt`; Node's `-r mod`, `--import mod`, `-C cond`… */
const ARGUMENT_OPTION: Record<ProgramLanguage, RegExp> = {
  python: /^(?:-[A-Za-z]*[WX]|--check-hash-based-pycs)$/,
  javascript: /^(?:-[rC]|--(?:require|import|loader|experimental-loader|conditions|input-type|env-file|title|config))$/,
};

/** Whether a runner's option takes the next word: a shell's `-o name`, `-O name` (also in a cluster, `-eo`), `--rcfile file`; exec's `-a name`. */
const takesArgument = (runner: string, option: string): boolean =>
  runner === 'exec' ? /^-[cl]*a$/.test(option) : /^[-+][A-Za-z]*[oO]$/.test(option) || option === '--rcfile' || option === '--init-file';

/** The script files a node runs, with its working folder, both as paths from its workflow's folder. */
export interface NodeScripts {
  cwd: string;
  scripts: ScriptCall[];
}

/**
 * The script files a node runs and its working folder, as paths from its workflow's folder; undefined when where they
 * are cannot be known: the working folder is an expression.
 */
export function nodeScriptsOf(node: Pick<NodeSpec, 'kind' | 'run' | 'cwd'>): NodeScripts | undefined {
  const cwd = node.cwd ?? '.';
  if (node.kind !== 'run' || node.run === undefined) return { cwd, scripts: [] };
  const scripts = calledScripts(node.run);
  if (!scripts.length) return { cwd, scripts: [] };
  if (cwd.includes('${{')) return undefined;
  return { cwd, scripts: scripts.map((c) => ({ ...c, path: join(cwd, c.path) })) };
}
