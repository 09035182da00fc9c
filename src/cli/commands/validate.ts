import { relative } from 'node:path';
import { type FileText, readFileText } from '../../engine/fileText';
import { toLineDiagnostics } from '../../engine/validation/validate';
import { validateFile } from '../../engine/validateFile';
import { oneOf, parseCommandArgs, UsageError } from '../args';
import type { Output } from '../output';
import { safeText, terminalJson } from '../terminalText';

export const VALIDATE_HELP = `Usage: maestro-dag validate [--format text|json] FILE...

Checks workflow files: YAML syntax, the schema, dependencies, cycles and expressions.

Options:
  --format text|json  text (default): file:line:col: severity code: message
                      json: a list of { file, line, column, endLine, endColumn, severity, code, message }
  -h, --help          show this help

Exit status: 0 when no file has errors, 1 when any has, 2 on a usage error.
`;

export function validateCommand(argv: string[], io: Output): number {
  const { values, positionals } = parseCommandArgs(argv, { format: { type: 'string' } });
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
