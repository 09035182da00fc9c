// The command a node's script runs to read hashFiles() itself (`$MAESTRO_HASH_FILES`): a small POSIX shell script in
// the run's scratch folder that starts the engine's own Node.js on the bundled helper (`dist/hashFiles.js`), or on its
// source when the engine runs from source (the tests). One per run: the paths it names are this engine's.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shellWord } from '../../platform/shells';

const BUNDLED = join(__dirname, 'hashFiles.js');
const SOURCE = join(__dirname, 'hashFilesMain.ts');

/** How to start the helper: Node.js and its arguments; undefined when neither its bundle nor its source is here. */
function helperCommand(): string[] | undefined {
  if (existsSync(BUNDLED)) return [process.execPath, BUNDLED];
  if (!existsSync(SOURCE)) return undefined;
  // From source, under a TypeScript loader the tests have.
  try {
    return [process.execPath, '-r', require.resolve('tsx/cjs'), SOURCE];
  } catch {
    return undefined;
  }
}

/** The script's text: the helper started on the arguments it is given, as plain Node.js inside the editor too. */
export function hashFilesScript(command: readonly string[], electron: boolean): string {
  const words = command.map(shellWord).join(' ');
  return ['#!/bin/sh', `${electron ? 'ELECTRON_RUN_AS_NODE=1 ' : ''}exec ${words} "$@"`, ''].join('\n');
}

/** Writes the command into `folder`; its path, or undefined where the helper cannot be found. */
export function writeHashFilesCommand(folder: string): string | undefined {
  const command = helperCommand();
  if (!command) return undefined;
  const path = join(folder, 'hash-files');
  writeFileSync(path, hashFilesScript(command, process.versions.electron !== undefined), { mode: 0o755 });
  return path;
}
