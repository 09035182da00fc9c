// Reading a command's input file and writing its output, each failure said once with the file's name.
import { writeFileSync } from 'node:fs';
import { readRegularText } from '../engine/regularFile';
import type { Output } from './output';
import { safeText } from './terminalText';

/** The file's text, or undefined once the reason it cannot be read is said. */
export function readInput(file: string, io: Output): string | undefined {
  try {
    return readRegularText(file);
  } catch (e) {
    io.err(`${file}: cannot read the file: ${(e as Error).message}\n`);
    return undefined;
  }
}

/** Writes the output to `out` (saying so), or prints it; false once the reason it cannot be written is said. */
export function writeOutput(text: string, out: string | undefined, io: Output): boolean {
  if (out === undefined) {
    io.out(safeText(text));
    return true;
  }
  try {
    writeFileSync(out, text);
  } catch (e) {
    io.err(`${out}: cannot write the file: ${(e as Error).message}\n`);
    return false;
  }
  io.err(`wrote ${out}\n`);
  return true;
}
