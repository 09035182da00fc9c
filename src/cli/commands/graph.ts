import { readFileSync } from 'node:fs';
import { graphJson, toDot, toMermaid } from '../../engine/graphExport';
import { toLineDiagnostics } from '../../engine/validation/validate';
import { validateFile } from '../../engine/validateFile';
import { oneOf, parseCommandArgs, UsageError } from '../args';
import type { Output } from '../output';
import { safeText, terminalJson } from '../terminalText';

export const GRAPH_HELP = `Usage: maestro-dag graph [--format mermaid|dot|json] FILE

Prints the workflow's DAG, for documentation and other tools.

Options:
  --format mermaid|dot|json  mermaid (default): a Mermaid flowchart; dot: Graphviz; json: nodes and edges
  -h, --help                 show this help

Exit status: 0 on success, 1 when the file has errors, 2 on a usage error.
`;

export function graphCommand(argv: string[], io: Output): number {
  const { values, positionals } = parseCommandArgs(argv, { format: { type: 'string' } });
  if (values.help) {
    io.out(GRAPH_HELP);
    return 0;
  }
  const format = oneOf('format', values.format, ['mermaid', 'dot', 'json'] as const, 'mermaid');
  if (positionals.length !== 1) throw new UsageError('graph takes exactly one workflow file');
  const file = positionals[0];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    io.err(`${file}: cannot read the file: ${(e as Error).message}\n`);
    return 1;
  }
  const result = validateFile(file, text);
  const errors = toLineDiagnostics(result.parsed.lines, result.diagnostics).filter((d) => d.severity === 'error');
  if (errors.length) {
    for (const d of errors) io.err(safeText(`${file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`) + '\n');
    return 1;
  }
  const wf = result.workflow;
  io.out(format === 'json' ? terminalJson(JSON.stringify(graphJson(wf), null, 2)) + '\n' : safeText(format === 'dot' ? toDot(wf) : toMermaid(wf)));
  return 0;
}
