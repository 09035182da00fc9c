// The `workflow:` paths a rename or move breaks, and what they become: a path to a file (or into a folder) that
// moves, and every relative path of a workflow file that moves itself. Pure: files are absolute paths.
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Span, TextEdit } from '../diagnostics';
import type { WorkflowIndex } from '../workflowIndex';

export interface FileMove {
  from: string;
  to: string;
}

/** Where a path is after the moves: the moved file itself, or a file inside a moved folder. */
export function movedPath(path: string, moves: readonly FileMove[]): string {
  for (const m of moves) {
    if (path === m.from) return m.to;
    if (path.startsWith(m.from + sep)) return m.to + path.slice(m.from.length);
  }
  return path;
}

/** Where a path was before the moves (the inverse of movedPath). */
export function unmovedPath(path: string, moves: readonly FileMove[]): string {
  return movedPath(
    path,
    moves.map((m) => ({ from: m.to, to: m.from })),
  );
}

/** A path as `workflow:` writes it, from a folder: `./` below it, `../` above it. */
const written = (fromFolder: string, target: string): string => {
  const rel = relative(fromFolder, target).split(sep).join('/');
  return rel.startsWith('../') ? rel : `./${rel}`;
};

/** A path as a YAML scalar: plain when YAML reads it back as it in a block or a flow mapping, else quoted. */
export const pathScalar = (path: string): string => (/^[\w./-]+$/.test(path) ? path : JSON.stringify(path));

/** A path as the text of the scalar it replaces: between the same quotes, or as pathScalar writes it. */
function asWritten(text: string, span: Span, path: string): string {
  const quote = text[span.start - 1];
  if (quote === '"' && text[span.end] === '"') return JSON.stringify(path).slice(1, -1);
  if (quote === "'" && text[span.end] === "'") return path.replace(/'/g, "''");
  return pathScalar(path);
}

/** The edits that keep the `workflow:` paths of the workflow at `file` (its index) right once the moves are made. */
export function subWorkflowPathEdits(index: WorkflowIndex, file: string, moves: readonly FileMove[]): TextEdit[] {
  const folder = dirname(file);
  const newFolder = dirname(movedPath(file, moves));
  const edits: TextEdit[] = [];
  for (const node of index.nodes) {
    const path = node.spec?.workflow;
    if (path === undefined || !node.workflowSpan || isAbsolute(path)) continue;
    const target = resolve(folder, path);
    const newTarget = movedPath(target, moves);
    if (target === newTarget && folder === newFolder) continue;
    const newText = written(newFolder, newTarget);
    // A path written as `deploy.workflow.yaml` names the same file as `./deploy.workflow.yaml`: left as it is.
    if (resolve(newFolder, newText) === resolve(newFolder, path)) continue;
    edits.push({ span: node.workflowSpan, newText: asWritten(index.result.parsed.text, node.workflowSpan, newText) });
  }
  return edits;
}
