// The workflow snippets, offered where what they write belongs: a new workflow at the top of a file that has none,
// a node among the nodes, a retry policy among a node's keys (or the defaults'). Not in an expression or a value,
// where a snippet's lines would break the file. Pure.
import type { CompletionItem } from './completion';
import type { CursorContext } from './cursorContext';

type SnippetPlace = 'workflow' | 'node' | 'nodeKey';

interface WorkflowSnippet {
  name: string;
  prefixes: string[];
  description: string;
  place: SnippetPlace;
  body: string[];
}

const SNIPPETS: readonly WorkflowSnippet[] = [
  {
    name: 'New workflow',
    prefixes: ['workflow', 'version'],
    description: 'A new workflow with two nodes',
    place: 'workflow',
    body: [
      'version: 1',
      'name: ${1:My workflow}',
      'description: ${2:What it does}',
      'nodes:',
      '  ${3:build}:',
      '    run: ${4:echo build}',
      '  ${5:test}:',
      '    needs: [${3:build}]',
      '    run: ${6:echo test}',
      '$0',
    ],
  },
  {
    name: 'Node',
    prefixes: ['node', 'run'],
    description: 'A node that runs a shell script',
    place: 'node',
    body: ['${1:id}:', '  needs: [${2}]', '  run: ${3:echo ${1:id}}', '$0'],
  },
  {
    name: 'Node with outputs',
    prefixes: ['outputs'],
    description: 'A node that writes an output for the nodes after it',
    place: 'node',
    body: ['${1:id}:', '  run: echo "${2:name}=${3:value}" >> "\\$MAESTRO_OUTPUT"', '  outputs: [${2:name}]', '$0'],
  },
  {
    name: 'Approval gate',
    prefixes: ['approval', 'gate'],
    description: 'A manual gate: the run waits until someone approves or rejects it',
    place: 'node',
    body: ['${1:approve}:', '  needs: [${2}]', '  approval:', '    prompt: ${3:Ship it?}', '    timeout: ${4:1h}', '$0'],
  },
  {
    name: 'Matrix node',
    prefixes: ['matrix'],
    description: 'A node that fans out into one instance per combination',
    place: 'node',
    body: ['${1:test}:', '  needs: [${2}]', '  matrix:', '    ${3:shard}: [${4:1, 2, 3}]', '  run: ${5:echo shard \\${{ matrix.${3:shard} }}}', '$0'],
  },
  {
    name: 'Retry',
    prefixes: ['retry'],
    description: 'Retries with exponential backoff',
    place: 'nodeKey',
    body: ['retry:', '  max: ${1:3}', '  backoff: ${2|exponential,linear,fixed|}', '  delay: ${3:1s}', '  maxDelay: ${4:30s}'],
  },
];

/** Where a key being written is, for the snippets: undefined where none belongs (a flow mapping's key among them). */
function placeOf(ctx: Extract<CursorContext, { kind: 'key' }>): SnippetPlace | undefined {
  if (ctx.flow) return undefined;
  const [first, second, ...rest] = ctx.path;
  if (first === undefined) return ctx.siblings.some((k) => k === 'version' || k === 'nodes') ? undefined : 'workflow';
  if (first === 'nodes' && second === undefined) return 'node';
  if ((first === 'nodes' && second !== undefined && !rest.length) || (first === 'defaults' && second === undefined))
    return ctx.siblings.includes('retry') ? undefined : 'nodeKey';
  return undefined;
}

/** The snippets for a key being written, one item for each of their prefixes, after the keys themselves. */
export function snippetItems(ctx: Extract<CursorContext, { kind: 'key' }>): CompletionItem[] {
  const place = placeOf(ctx);
  return SNIPPETS.filter((s) => s.place === place).flatMap((s) =>
    s.prefixes.map((prefix) => ({
      label: prefix,
      kind: 'snippet' as const,
      detail: s.name,
      documentation: s.description,
      insertText: s.body.join('\n'),
      snippet: true,
      replaceStart: ctx.start,
      sortText: `~${prefix}`,
    })),
  );
}
