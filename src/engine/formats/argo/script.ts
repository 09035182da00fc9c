// A node's script in an Argo script template. Outputs: the script appends `name=value` lines (or `name<<DELIM`
// blocks) to $MAESTRO_OUTPUT as it does locally; on exit, a trap writes each to the file Argo reads the output
// parameter from. The script itself sits between two marker lines, which an import looks for.
import { OUTPUTS_DIR } from './names';

export const SCRIPT_BEGIN = "# --- the node's script ---";
export const SCRIPT_END = "# --- end of the node's script ---";

/** Splits $MAESTRO_OUTPUT into one file per output, the way the engine reads it. */
const SPLIT_OUTPUTS = [
  `awk -v dir="${OUTPUTS_DIR}" '`,
  '  function put(n, v) { f = dir "/" n; printf "%s", v > f; close(f) }',
  '  delim != "" { if ($0 == delim) { put(name, value); delim = "" } else { value = first ? $0 : value "\\n" $0; first = 0 } next }',
  '  /^[A-Za-z_][A-Za-z0-9_-]*<</ { i = index($0, "<<"); name = substr($0, 1, i - 1); delim = substr($0, i + 2); value = ""; first = 1; next }',
  '  /^[A-Za-z_][A-Za-z0-9_-]*=/ { i = index($0, "="); put(substr($0, 1, i - 1), substr($0, i + 1)) }',
  `' "$MAESTRO_OUTPUT"`,
].join('\n');

/** The template's source: the script, with what outputs need around it when the node has any. */
export function argoSource(script: string, outputs: readonly string[]): string {
  if (!outputs.length) return script;
  const prelude = [
    `mkdir -p ${OUTPUTS_DIR}`,
    `export MAESTRO_OUTPUT=${OUTPUTS_DIR}/.all`,
    `: > "$MAESTRO_OUTPUT"`,
    ...outputs.map((o) => `: > ${OUTPUTS_DIR}/${o}`),
    `trap 'status=$?; ${SPLIT_OUTPUTS.replace(/'/g, `'\\''`)}; exit $status' EXIT`,
  ];
  return [...prelude, SCRIPT_BEGIN, script.replace(/\n$/, ''), SCRIPT_END, ''].join('\n');
}

/** The node's own script inside a template source made by argoSource (the source itself otherwise). */
export function scriptFromSource(source: string): string {
  const begin = source.indexOf(`\n${SCRIPT_BEGIN}\n`);
  const end = source.lastIndexOf(`\n${SCRIPT_END}\n`);
  if (begin < 0 || end < begin) return source;
  return source.slice(begin + SCRIPT_BEGIN.length + 2, end + 1);
}
