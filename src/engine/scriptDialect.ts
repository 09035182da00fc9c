// The language a script is written in, as far as it tells (the shell's, Python or JavaScript), and the outputs it
// writes to `$MAESTRO_OUTPUT` read in that language. Pure: the checks, the editor and the CLI share it.
import { basename, extname } from 'node:path';
import { writesIn } from './shellWrites';
import { shellSplit } from './platform/shells';
import { type ProgramLanguage, programWrites } from './programWrites';

export type ScriptDialect = 'shell' | ProgramLanguage;

/** A command that runs Python or JavaScript programs, by any path: `python3`, `/usr/bin/python3.12`, `node`, `deno`. */
const INTERPRETER = /(?:^|\/)(?:(python(?:\d+(?:\.\d+)*)?|pypy\d*)|node|nodejs|deno|bun)$/;
const EXTENSIONS: Record<string, ProgramLanguage> = {
  '.py': 'python',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.ts': 'javascript',
  '.mts': 'javascript',
  '.cts': 'javascript',
};

/** The language of the programs a command runs (`python3`, `/usr/bin/node`), if it is an interpreter of one. */
export function interpreterLanguage(command: string): ProgramLanguage | undefined {
  const m = INTERPRETER.exec(command);
  return m ? (m[1] ? 'python' : 'javascript') : undefined;
}

/** The language of a node's inline `run`, by its `shell` (`python3 -u`, `node`): the shell's unless an interpreter is named. */
export function shellDialect(shell: string | undefined): ScriptDialect {
  const command = shell === undefined ? undefined : shellSplit(shell)[0];
  return (command && interpreterLanguage(command)) || 'shell';
}

/**
 * The language of a script file: by its `#!` line's interpreter (`#!/usr/bin/env python3`, `#!/usr/bin/env -S node
 * --no-warnings`), else by its extension (`.py`; `.js`, `.mjs`, `.ts`…), else the shell's.
 */
export function scriptDialect(path: string, text: string): ScriptDialect {
  const shebang = /^#!\s*(\S+)([^\n]*)/.exec(text);
  if (shebang) {
    const [, program, rest] = shebang;
    // env runs the first word after its options and settings.
    const command =
      basename(program) === 'env'
        ? rest
            .trim()
            .split(/\s+/)
            .find((w) => !w.startsWith('-') && !w.includes('='))
        : program;
    return (command && interpreterLanguage(command)) || 'shell';
  }
  return EXTENSIONS[extname(path).toLowerCase()] ?? 'shell';
}

/**
 * The outputs a script's text writes to `$MAESTRO_OUTPUT` in its language, first write first, each with its offset;
 * `indent`, the indentation of a YAML block the text is the source of (see literalLines).
 */
export function writesInDialect(text: string, dialect: ScriptDialect, indent = 0): { output: string; at: number }[] {
  if (!text.includes('MAESTRO_OUTPUT')) return [];
  return dialect === 'shell' ? writesIn(text).sort((a, b) => a.at - b.at) : programWrites(text, dialect, indent);
}

/**
 * The outputs the script file at `path`, whose text is `text`, writes (see writesInDialect), read by `reader` (the
 * program that runs it: `bash x`, `python3 x`), else in the language the file says.
 */
export const scriptFileWritesIn = (path: string, text: string, reader?: ScriptDialect): { output: string; at: number }[] =>
  writesInDialect(text, reader ?? scriptDialect(path, text));
