/**
 * Parses the `$MAESTRO_OUTPUT` file: `name=value` lines, and `name<<DELIM` … `DELIM` blocks for multi-line values.
 * Later values replace earlier ones. Returns the problems it found, with their line numbers, instead of throwing.
 */
export function parseOutputsFile(text: string): { outputs: Record<string, string>; problems: string[] } {
  const outputs: Record<string, string> = {};
  const problems: string[] = [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const heredoc = /^([A-Za-z_][A-Za-z0-9_-]*)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const end = lines.indexOf(delimiter, i + 1);
      if (end < 0) {
        problems.push(`line ${i + 1}: '${name}<<${delimiter}' is not closed by a line '${delimiter}'`);
        break;
      }
      outputs[name] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    const eq = line.indexOf('=');
    const name = eq > 0 ? line.slice(0, eq) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) {
      problems.push(`line ${i + 1}: expected 'name=value' or 'name<<DELIMITER', found '${line.slice(0, 60)}'`);
      continue;
    }
    outputs[name] = line.slice(eq + 1);
  }
  return { outputs, problems };
}
