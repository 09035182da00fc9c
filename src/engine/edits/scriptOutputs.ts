// An output a node's script gives through a script file it runs (`run: ./release.sh`, which writes
// `echo "version=$v" >> "$MAESTRO_OUTPUT"`): the edits that rename the output where such a file writes it (the files
// are those of nodeScriptFiles). Pure: the editor and the CLI read the files.
import type { TextEdit } from '../diagnostics';
import { type ScriptDialect, scriptFileWritesIn } from '../scriptDialect';

/**
 * The edits that rename output `from` to `to` where the script file at `path`, of text `text`, writes it (read in
 * the language of `reader`, the program that runs it, else its own); none where it does not; why not, where it
 * writes `to` already.
 */
export function scriptOutputEdits(path: string, text: string, from: string, to: string, reader?: ScriptDialect): { edits: TextEdit[] } | { error: string } {
  const writes = scriptFileWritesIn(path, text, reader);
  if (writes.some((w) => w.output !== from && w.output.toLowerCase() === to.toLowerCase())) return { error: `it writes an output '${to}' already` };
  return { edits: writes.filter((w) => w.output === from).map((w) => ({ span: { start: w.at, end: w.at + from.length }, newText: to })) };
}
