// Reading a command's input file and writing its output, each failure said once with the file's name.
import { writeFileSync } from 'node:fs';
import { notUtf8Line, readFileText } from '../engine/fileText';
import type { Output } from './output';
import { safeText } from './terminalText';

/** The file's text, or undefined once the reason it cannot be read (or is not UTF-8, and where) is said. */
export function readInput(file: string, io: Output): string | undefined {
  try {
    const read = readFileText(file);
    const notUtf8 = notUtf8Line(read);
    if (notUtf8 === undefined) return read.text;
    io.err(safeText(`${file}:${notUtf8}`) + '\n');
    return undefined;
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
