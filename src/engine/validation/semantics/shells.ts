// A node's `shell` names the program that runs its script, with options of its own, or a command where `{0}`
// stands for the script's file (as GitHub Actions writes one). What no process could start is an error here rather
// than a failure of the run.
import { SCRIPT_FILE_PLACEHOLDER, shellQuoteLeftOpen, shellSplit } from '../../platform/shells';
import type { PathSegment } from '../document';
import { rawAt, type SemanticContext } from './context';

/** What is wrong with a `shell` value, or undefined. */
function shellProblem(shell: string): string | undefined {
  const program = shellSplit(shell)[0] ?? '';
  if (program === '') return "names no program: write the one that runs the script ('bash', 'python3 -u'), or leave shell out for the default";
  if (program.includes(SCRIPT_FILE_PLACEHOLDER))
    return `starts with '${SCRIPT_FILE_PLACEHOLDER}', the script's file: the program that runs it comes first ('Rscript ${SCRIPT_FILE_PLACEHOLDER}')`;
  const open = shellQuoteLeftOpen(shell);
  if (open) return `has a ${open === '"' ? 'double' : 'single'} quote that is not closed: close it where the word it holds ends`;
  return undefined;
}

export function checkShells(ctx: SemanticContext): void {
  const paths: [PathSegment[], string][] = [[['defaults', 'shell'], 'defaults.shell']];
  for (const id of ctx.ids) paths.push([['nodes', id, 'shell'], `the shell of node '${id}'`]);
  for (const [path, what] of paths) {
    const value = rawAt(ctx, path);
    const problem = typeof value === 'string' ? shellProblem(value) : undefined;
    if (problem) ctx.report({ span: ctx.spanAt(path), severity: 'error', code: 'schema', message: `${what} ${problem}` });
  }
}
