// What reaches a process as text (a node's script, its environment, its folder and shell) cannot hold a NUL
// character: no operating system passes one in an argument, a variable or a path. YAML can write one (`"\0"`).
import { isObject } from '../../json';
import type { PathSegment } from '../document';
import { rawAt, type SemanticContext } from './context';

/** Whether the text can write a NUL at all: a YAML escape of one (`\0`, `\x00`, `\u0000`, `\U…`), or the character. */
const mayWriteNul = (text: string): boolean => /\\[0xuU]|\0/.test(text);

/** The places whose text a node's process is given, each with how to name it (env names are the schema's to check). */
function processTextPaths(ctx: SemanticContext): [PathSegment[], string][] {
  const paths: [PathSegment[], string][] = [];
  const envOf = (base: PathSegment[], owner: string) => {
    const env = rawAt(ctx, [...base, 'env']);
    if (isObject(env)) for (const name of Object.keys(env)) paths.push([[...base, 'env', name], `the env value '${name}' of ${owner}`]);
  };
  envOf([], 'the workflow');
  for (const field of ['cwd', 'shell']) paths.push([['defaults', field], `defaults.${field}`]);
  for (const id of ctx.ids) {
    const node = `node '${id}'`;
    for (const field of ['run', 'cwd', 'shell']) paths.push([['nodes', id, field], `the ${field} of ${node}`]);
    envOf(['nodes', id], node);
  }
  return paths;
}

export function checkProcessText(ctx: SemanticContext): void {
  if (!mayWriteNul(ctx.parsed.text)) return;
  for (const [path, what] of processTextPaths(ctx)) {
    const value = rawAt(ctx, path);
    if (typeof value !== 'string' || !value.includes('\0')) continue;
    ctx.report({
      span: ctx.spanAt(path),
      severity: 'error',
      code: 'schema',
      message: `${what} holds a NUL character (written \\0 in YAML), which no process can be given: remove it`,
    });
  }
}
