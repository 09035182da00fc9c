// A shell function that writes to `$MAESTRO_OUTPUT` the output named by one of its arguments
// (`set_output() { echo "$1=$2" >> "$MAESTRO_OUTPUT"; }`), and the names its calls give it there
// (`set_output version "$v"`). Pure.

/** `name() {`, `function name {`, `function name() {`, first in a command; the brace may open the next line. */
const DEFINITION = /(?:^|[\n;&|])[ \t]*(?:function[ \t]+([A-Za-z_][\w-]*)(?:[ \t]*\([ \t]*\))?|([A-Za-z_][\w-]*)[ \t]*\([ \t]*\))[ \t]*(?:\n[ \t]*)?\{/g;
/** A body's end: `}` after `;` or first on a line. */
const BODY_END = /(?:;|\n)[ \t]*\}/g;
/** A setter is short: a longer body is not read for what it writes. */
const MAX_BODY = 4096;
/** `echo "$1=…"`, `echo "${2}<<EOF"`: the argument written as the name. */
const ARGUMENT_ECHOED = /(?:echo|printf)(?:[ \t]+-[A-Za-z]+)*[ \t]+(?:\\"|["'])?\$\{?([1-9])\}?(?:=|<<)/g;
/** `printf '%s=%s\n' "$1" "$2"`: the argument the format's first `%s` is. */
const ARGUMENT_FORMATTED = /printf[ \t]+(\\"|''|["'])%s(?:=|<<)[^"'\n]*?\1[ \t]+(?:\\"|["'])?\$\{?([1-9])\}?/g;
/** A command's first word (after `then`, `do`…) and the rest of it, to its end (`;`, `&`, `|`, `)` or the line's end). */
const COMMAND = /(?:^|[\n;&|(`{])[ \t]*(?:(?:then|do|else|!)[ \t]+)?([A-Za-z_][\w-]*)([ \t][^\n;&|)`]*)?/g;
/** A word of a command: quoted parts (`"…"`, `'…'`, a YAML value's `\"…\"`) and plain ones. */
const WORD = /(?:\\"(?:[^"\\\n]|\\[^"\n])*\\"|"[^"\n]*"|'[^'\n]*'|[^\s"'])+/g;
/** A word that is an output's name, quoted or not. */
const NAME_WORD = /^(\\"|["'])?([A-Za-z_][A-Za-z0-9_-]*)\1$/;

/** The names a script's calls give its functions that write the name they are given, each with its offset. */
export function setterWrites(source: string): { output: string; at: number }[] {
  const setters = settersIn(source);
  if (!setters.size) return [];
  const out: { output: string; at: number }[] = [];
  for (const m of source.matchAll(COMMAND)) {
    const argument = setters.get(m[1]);
    const rest = m[2];
    if (argument === undefined || rest === undefined) continue;
    const word = [...rest.matchAll(WORD)][argument - 1];
    const name = word && NAME_WORD.exec(word[0]);
    if (name) out.push({ output: name[2], at: m.index + m[0].length - rest.length + word.index + (name[1]?.length ?? 0) });
  }
  return out;
}

/**
 * The script's functions that write to `$MAESTRO_OUTPUT` the name they are given: which argument that is. Every
 * pattern is found once in the whole text and the bodies look up what lies within them, so that no text (a thousand
 * definitions one inside another) is read more than a few times over.
 */
function settersIn(source: string): Map<string, number> {
  const setters = new Map<string, number>();
  const definitions = [...source.matchAll(DEFINITION)];
  if (!definitions.length) return setters;
  const ends = [...source.matchAll(BODY_END)].map((m) => m.index);
  const outputs = [...source.matchAll(/MAESTRO_OUTPUT/g)].map((m) => m.index);
  const writes = [...source.matchAll(ARGUMENT_ECHOED)]
    .map((m) => ({ at: m.index, argument: m[1] }))
    .concat([...source.matchAll(ARGUMENT_FORMATTED)].map((m) => ({ at: m.index, argument: m[2] })))
    .sort((a, b) => a.at - b.at);
  const writeAts = writes.map((w) => w.at);
  for (const m of definitions) {
    const start = m.index + m[0].length;
    const end = ends[firstFrom(ends, start)];
    if (end === undefined || end - start > MAX_BODY || !(outputs[firstFrom(outputs, start)] < end)) continue;
    const write = writes[firstFrom(writeAts, start)];
    if (write && write.at < end) setters.set(m[1] ?? m[2], Number(write.argument));
  }
  return setters;
}

/** The index of the first of the sorted numbers at or after `at` (their length when none is). */
function firstFrom(sorted: number[], at: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid] < at) low = mid + 1;
    else high = mid;
  }
  return low;
}
