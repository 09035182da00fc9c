import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { type FileText, notUtf8Line, readFileText } from '../../engine/fileText';
import { fixText } from '../../engine/validation/fixAll';
import { toLineDiagnostics } from '../../engine/validation/validate';
import { validateFile } from '../../engine/validateFile';
import { oneOf, parseCommandArgs, UsageError } from '../args';
import type { Output } from '../output';
import { safeText, terminalJson } from '../terminalText';

export const VALIDATE_HELP = `Usage: maestro-dag validate [--format text|json] [--fix] FILE...

Checks workflow files: YAML syntax, the schema, dependencies, cycles and expressions.

Options:
  --format text|json  text (default): file:line:col: severity code: message
                      json: a list of { file, line, column, endLine, endColumn, severity, code, message }
  --fix               fix in place every problem that has one fix (the editor's quick fixes: a typo in
                      needs, another tool's property name…), then report what is left
  -h, --help          show this help

Exit status: 0 when no file has errors, 1 when any has, 2 on a usage error.
`;

export function validateCommand(argv: string[], io: Output): number {
  const { values, positionals } = parseCommandArgs(argv, { format: { type: 'string' }, fix: { type: 'boolean' } });
  if (values.help) {
    io.out(VALIDATE_HELP);
    return 0;
  }
  const format = oneOf('format', values.format, ['text', 'json'] as const, 'text');
  if (positionals.length === 0) throw new UsageError('validate needs at least one workflow file');
  const all: ({ file: string } & ReturnType<typeof toLineDiagnostics>[number])[] = [];
  let errors = 0;
  for (const file of positionals) {
    let text: FileText;
    try {
      text = readFileText(file);
    } catch (e) {
      const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
      all.push({ file, line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', code: 'unreadable', message: `cannot read the file: ${reason}` });
      errors++;
      continue;
    }
    if (values.fix) text = fixFile(file, text, io);
    const result = validateFile(file, text);
    for (const d of toLineDiagnostics(result.parsed.lines, result.diagnostics)) {
      all.push({ file, ...d });
      if (d.severity === 'error') errors++;
    }
  }
  if (format === 'json') io.out(terminalJson(JSON.stringify(all, null, 2)) + '\n');
  else {
    for (const d of all) io.out(safeText(`${relative(process.cwd(), d.file) || d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`) + '\n');
    const warnings = all.filter((d) => d.severity === 'warning').length;
    if (io.isTTY || all.length)
      io.err(
        `${positionals.length} file${positionals.length === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`,
      );
  }
  return errors > 0 ? 1 : 0;
}

/** The file with its problems that have one fix fixed, written back when any was; a file not UTF-8 is left alone. */
function fixFile(file: string, read: FileText, io: Output): FileText {
  const notUtf8 = notUtf8Line(read);
  if (notUtf8 !== undefined) {
    // The fixes would write U+FFFD back in place of those bytes.
    io.err(safeText(`maestro-dag: ${file} is not fixed: ${notUtf8}`) + '\n');
    return read;
  }
  const { text, fixed } = fixText(read.text, (t) => validateFile(file, t).diagnostics);
  if (fixed === 0) return read;
  writeFileSync(file, text);
  io.err(safeText(`${relative(process.cwd(), file) || file}: fixed ${fixed} problem${fixed === 1 ? '' : 's'}`) + '\n');
  return { text };
}
