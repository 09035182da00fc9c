import { oneOf, parseCommandArgs } from '../args';
import type { Output } from '../output';
import { exportCommand } from './export';

export const GRAPH_HELP = `Usage: maestro-dag graph [--format mermaid|dot|json] FILE [-o OUT]

Prints the workflow's DAG, for documentation and other tools: 'maestro-dag export' with a drawing format.

Options:
  --format mermaid|dot|json  mermaid (default): a Mermaid flowchart; dot: Graphviz; json: nodes and edges
  -o, --out OUT              write to OUT instead of printing
  -h, --help                 show this help

Exit status: 0 on success, 1 when the file has errors, 2 on a usage error.
`;

export function graphCommand(argv: string[], io: Output): number {
  const { values } = parseCommandArgs(argv, { format: { type: 'string' }, out: { type: 'string', short: 'o' } });
  if (values.help) {
    io.out(GRAPH_HELP);
    return 0;
  }
  const format = oneOf('format', values.format, ['mermaid', 'dot', 'json'] as const, 'mermaid');
  const rest = argv.filter((a, i) => a !== '--format' && argv[i - 1] !== '--format' && !a.startsWith('--format='));
  return exportCommand([...rest, '--to', format], io);
}
