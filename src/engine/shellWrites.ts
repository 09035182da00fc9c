// Where a shell script writes an output to `$MAESTRO_OUTPUT`: with `echo` or `printf` (`echo "name=value"`,
// `echo "name<<EOF"`, `printf '%s\n' "name=$v"`), in a here-document appended to it, or through a function of its
// own given the name (`set_output version "$v"`). Pure.
import { setterWrites } from './shellSetters';

/** The outputs a shell script's source writes to `$MAESTRO_OUTPUT`, each with its offset (in no order). */
export function writesIn(source: string): { output: string; at: number }[] {
  return [...source.matchAll(WRITE)].map((m) => ({ output: m[2], at: m.indices![2][0] })).concat(heredocWrites(source), setterWrites(source));
}

/**
 * The `name=` and `name<<` lines of a here-document appended to `$MAESTRO_OUTPUT` (`cat >> "$MAESTRO_OUTPUT" <<EOF`),
 * with their offsets in `source`: lines of the source, as a block or plain YAML value has them.
 */
function heredocWrites(source: string): { output: string; at: number }[] {
  const out: { output: string; at: number }[] = [];
  const lines = source.split('\n');
  let offset = 0;
  let delimiter: string | undefined;
  let valueEnd: string | undefined;
  for (const line of lines) {
    const trimmed = line.trim();
    if (valueEnd !== undefined) valueEnd = trimmed === valueEnd ? undefined : valueEnd;
    else if (delimiter !== undefined && trimmed === delimiter) delimiter = undefined;
    else if (delimiter !== undefined) {
      const m = /^(\s*)([A-Za-z_][A-Za-z0-9_-]*)(=|<<(.+))/.exec(line);
      if (m) out.push({ output: m[2], at: offset + m[1].length });
      if (m?.[4] !== undefined) valueEnd = m[4].trim();
    } else if (line.includes('MAESTRO_OUTPUT')) delimiter = HEREDOC.exec(line)?.[2];
    offset += line.length + 1;
  }
  return out;
}

/** A here-document's start, `<<EOF`, `<<-'EOF'`: not an output's `name<<EOF`, which has a word before it. */
const HEREDOC = /(?<![\w-])<<-?[ \t]*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/;

/**
 * `echo` or `printf` (with options, and printf's format) followed by the word `name=` or `name<<`, in YAML's source:
 * after a line break or `\n`, a quote may be `\"` or `''`.
 */
const WRITE =
  /(?:(?<=\\[nt])|(?<![\w-]))(?:echo|printf)(?:[ \t]+-[A-Za-z]+)*(?:[ \t]+(\\"|''|["'])%[^"'\n]*?\1)?[ \t]+(?:\\"|''|["'])?([A-Za-z_][A-Za-z0-9_-]*)(?:=|<<)/dg;
