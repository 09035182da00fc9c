// An inputs file for `run --input-file`: one `name=value` a line, as a `.env` file and act's --input-file write them.

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A value in double quotes: `\n`, `\"` and `\\` are read as a line break, a quote and a backslash. */
function unescapeDoubleQuoted(text: string): string {
  return text.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function valueOf(raw: string): { value: string } | { error: string } {
  const text = raw.trim();
  const quote = text[0];
  if (quote !== '"' && quote !== "'") return { value: text };
  if (text.length < 2 || !text.endsWith(quote))
    return { error: `the value opens a ${quote === '"' ? 'double' : 'single'} quote that does not close on its line` };
  const inner = text.slice(1, -1);
  return { value: quote === '"' ? unescapeDoubleQuoted(inner) : inner };
}

/**
 * The inputs a file gives: blank lines and lines starting with `#` are left out, `export ` before a name is allowed,
 * a value may be quoted (in single quotes as it is written; in double quotes with `\n`, `\"` and `\\`), an unquoted
 * one is taken up to the end of its line, blanks around it left out. Errors say the file, the line and what is wrong.
 */
export function parseInputFile(text: string, file: string): { given: Record<string, string>; errors: string[] } {
  const given = new Map<string, string>();
  const lineOf = new Map<string, number>();
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const at = `${file}:${i + 1}`;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const entry = trimmed.replace(/^export\s+/, '');
    const eq = entry.indexOf('=');
    const name = eq < 0 ? '' : entry.slice(0, eq).trim();
    if (!NAME.test(name)) return void errors.push(`${at}: expected name=value, where a name is letters, digits, _ and -, not '${trimmed.slice(0, 80)}'`);
    if (lineOf.has(name)) return void errors.push(`${at}: '${name}' is given on line ${lineOf.get(name)} already`);
    const read = valueOf(entry.slice(eq + 1));
    if ('error' in read) return void errors.push(`${at}: ${read.error}`);
    given.set(name, read.value);
    lineOf.set(name, i + 1);
  });
  // Own properties whatever the names (`__proto__` too).
  return { given: Object.fromEntries(given), errors };
}
