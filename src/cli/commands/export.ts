import { dirname } from 'node:path';
import type { ExportFormat } from '../../engine/formats';
import { toLineDiagnostics } from '../../engine/validation/validate';
import { validateFile } from '../../engine/validateFile';
import { oneOf, parseCommandArgs, UsageError } from '../args';
import { formatsModule } from '../bundledModule';
import { readInput, writeOutput } from '../fileIo';
import type { Output } from '../output';
import { safeText } from '../terminalText';

export const EXPORT_HELP = `Usage: maestro-dag export --to FORMAT FILE [-o OUT] [--lenient] [--template] [--image IMAGE]

Writes a workflow in another format: to run it on GitHub Actions or Argo Workflows, or to draw it.

Options:
  --to FORMAT     github-actions, argo, mermaid, dot or json
  -o, --out OUT   write to OUT instead of printing
  --lenient       write what cannot be translated as comments instead of failing
  --template      argo: a WorkflowTemplate instead of a Workflow
  --image IMAGE   argo: the container image of nodes that name none (default: one that has the node's shell's
                  program, bash:5, python:3, node:lts…)
  -h, --help      show this help

What cannot be translated (a function the target lacks, a sub-workflow for GitHub Actions…) is an error naming the
node and the construct; see docs/import-export.md for what maps to what.

Exit status: 0 on success, 1 when the file has errors or cannot be translated, 2 on a usage error.
`;

export function exportCommand(argv: string[], io: Output, fixedFormat?: ExportFormat): number {
  const { values, positionals } = parseCommandArgs(argv, {
    to: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string', short: 'o' },
    lenient: { type: 'boolean' },
    template: { type: 'boolean' },
    image: { type: 'string' },
  });
  if (values.help) {
    io.out(EXPORT_HELP);
    return 0;
  }
  const { ConversionError, EXPORT_FORMATS, exportWorkflow, repositoryRelative } = formatsModule();
  const given = values.to ?? values.format;
  if (given === undefined && !fixedFormat) throw new UsageError('export needs --to github-actions|argo|mermaid|dot|json');
  const format = oneOf(values.to !== undefined ? 'to' : 'format', given, EXPORT_FORMATS, fixedFormat ?? 'mermaid');
  if (positionals.length !== 1) throw new UsageError('export takes exactly one workflow file');
  if (values.image !== undefined && values.image.trim() === '') throw new UsageError('--image needs a container image, such as bash:5');
  const file = positionals[0];
  const text = readInput(file, io);
  if (text === undefined) return 1;
  const result = validateFile(file, text);
  const errors = toLineDiagnostics(result.parsed.lines, result.diagnostics).filter((d) => d.severity === 'error');
  if (errors.length) {
    for (const d of errors) io.err(safeText(`${file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`) + '\n');
    return 1;
  }
  let output: string;
  try {
    output = exportWorkflow(result.workflow, format, {
      lenient: values.lenient,
      template: values.template,
      image: values.image,
      baseDir: repositoryRelative(dirname(file)),
    });
  } catch (e) {
    if (!(e instanceof ConversionError)) throw e;
    io.err(safeText(`${file}: ${e.message}\n(--lenient writes them as comments instead)`) + '\n');
    return 1;
  }
  return writeOutput(output, values.out, io) ? 0 : 1;
}
