import { basename, dirname, relative, resolve } from 'node:path';
import type { CalledWorkflow } from '../../engine/formats';
import { shellWord } from '../../engine/platform/shells';
import { parseCommandArgs, UsageError, oneOf } from '../args';
import { formatsModule } from '../bundledModule';
import { readInput, writeOutput } from '../fileIo';
import type { Output } from '../output';
import { safeText } from '../terminalText';

export const IMPORT_HELP = `Usage: maestro-dag import FILE [-o OUT] [--from github-actions|argo]

Reads a GitHub Actions workflow or an Argo Workflows Workflow/WorkflowTemplate and writes it as a Maestro workflow.

Options:
  -o, --out OUT   write to OUT (a .workflow.yaml file) instead of printing
  --from FORMAT   github-actions or argo (default: Argo when the file's apiVersion is argoproj.io, else GitHub Actions)
  -h, --help      show this help

What cannot run locally (a 'uses:' action, the secrets context…) stays in the new file as a '# not imported:'
comment, which validation reports until it is dealt with; each is also listed here.

Exit status: 0 on success, 1 when the file cannot be imported, 2 on a usage error.
`;

export async function importCommand(argv: string[], io: Output): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { out: { type: 'string', short: 'o' }, from: { type: 'string' } });
  if (values.help) {
    io.out(IMPORT_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('import takes exactly one file');
  const { IMPORT_FORMATS, ImportError, importWorkflow, localActionsOf, repositoryRelative } = formatsModule();
  const format = values.from === undefined ? undefined : oneOf('from', values.from, IMPORT_FORMATS, 'github-actions');
  const file = positionals[0];
  const text = readInput(file, io);
  if (text === undefined) return 1;
  const baseDir = repositoryRelative(values.out ? dirname(resolve(values.out)) : process.cwd());
  let result;
  try {
    const localActions = await localActionsOf(file, text);
    result = await importWorkflow(text, file, { format, baseDir, localActions });
  } catch (e) {
    if (!(e instanceof ImportError)) throw e;
    io.err(safeText(e.message) + '\n');
    return 1;
  }
  for (const note of result.notImported) io.err(safeText(`${file}: not imported: ${note}`) + '\n');
  if (!writeOutput(result.text, values.out, io)) return 1;
  for (const line of callHints(file, values.out, result.calls ?? [])) io.err(safeText(line) + '\n');
  return 0;
}

/** For each workflow of the repository the imported one calls, the command that imports it where its node expects it. */
function callHints(file: string, out: string | undefined, calls: readonly CalledWorkflow[]): string[] {
  const { calledFiles } = formatsModule();
  const target = resolve(out ?? 'imported.workflow.yaml');
  return calledFiles(resolve(file), target, calls).map(({ source, target: into }) => {
    const command = `maestro-dag import ${shellWord(relative(process.cwd(), source))} -o ${shellWord(relative(process.cwd(), into))}`;
    return `${file}: calls ${relative(process.cwd(), source)}, run as ${basename(into)} beside the new file: ${command}`;
  });
}
