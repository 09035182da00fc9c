// `maestro-dag edit`: the DAG panel's builder actions, for scripts. Prints the new text, or writes it with --write;
// a refused action exits 2 with the reason.
import { writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { applyEdits, parseEditAction, planEdit, type EditAction, type FieldValue, type NodeKind } from '../../engine/edits/actions';
import { renameOutput } from '../../engine/edits/outputRename';
import { notUtf8Line, readFileText } from '../../engine/fileText';
import { toLineDiagnostics, type ValidationResult } from '../../engine/validation/validate';
import { validateFile } from '../../engine/validateFile';
import { buildIndex } from '../../engine/workflowIndex';
import { parseCommandArgs, UsageError } from '../args';
import { callerEdits, scriptEdits } from './editCallers';
import type { Output } from '../output';
import { safeText } from '../terminalText';

export const EDIT_HELP = `Usage: maestro-dag edit FILE ACTION [ARGS] [--write]

Edits a workflow file as the DAG panel's builder does: the smallest change, comments and layout kept.
Prints the new text, or with --write replaces the file.

Actions:
  add-node ID [--needs A,B] [--run CMD] [--after ID] [--kind run|approval|workflow|matrix] [--workflow FILE]
                          --workflow: the file a sub-workflow node runs (relative to this one; the kind then)
  remove-node ID          removes the node and its entries in other nodes' needs
  connect FROM TO         TO needs FROM
  disconnect FROM TO      TO no longer needs FROM
  rename OLD NEW          renames the node everywhere: its key, needs entries, expressions
  set ID KEY VALUE        sets a property (VALUE is YAML: 5m, "[a, b]", true); an empty VALUE removes it
  set-workflow KEY VALUE  sets one of the workflow's own: name, description, concurrency, timeout, mutex, env,
                          or a default of every node: defaults.timeout, .retry, .shell, .cwd, .image
  set-input NAME VALUE    adds or sets an input (VALUE is YAML: "{ type: number, required: true }"); an empty
                          VALUE removes it
  rename-input OLD NEW    renames an input: its key and every inputs.OLD in expressions
  rename-output ID OLD NEW
                          renames node ID's output: in its outputs and stdoutAs, where its run writes it
                          (echo "OLD=…" >> "$MAESTRO_OUTPUT"), where a script file it runs (./release.sh,
                          python3 tools/version.py), or one that file sources, does (edited with --write, else
                          only named) and every
                          nodes.ID.outputs.OLD in expressions
    --callers DIR         and in the workflows under DIR that run FILE as a sub-workflow: the with: keys that
                          give the input, what reads the output (edited with --write, else only named)
  rename-matrix-key ID OLD NEW
                          renames a key of node ID's matrix: in the matrix, its include and exclude entries,
                          every matrix.OLD of the node and the instance ids others read its outputs by
  duplicate ID            copies the node under a new id, right after it

Exits 2, saying why, when the action is refused (a cycle, an unknown or duplicate id). Errors the edit leaves
in the file that were not there before (a timeout that is not a duration, a node left without run) are listed.
`;

const KINDS: readonly NodeKind[] = ['run', 'approval', 'workflow', 'matrix'];

/** The actions that take two names, FROM and TO or OLD and NEW. */
const NAME_PAIRS: Record<string, [type: 'connect' | 'disconnect' | 'rename' | 'renameInput', usage: string]> = {
  connect: ['connect', 'FROM and TO'],
  disconnect: ['disconnect', 'FROM and TO'],
  rename: ['rename', 'OLD and NEW'],
  'rename-input': ['renameInput', 'OLD and NEW'],
};

/** The actions that rename a name a node holds: ID, OLD and NEW. */
const NODE_NAME_RENAMES: Record<string, 'renameOutput' | 'renameMatrixKey'> = { 'rename-output': 'renameOutput', 'rename-matrix-key': 'renameMatrixKey' };

/** The action the arguments name. */
function actionOf(args: string[], flags: { needs?: string; run?: string; after?: string; kind?: string; workflow?: string }): EditAction {
  const [name, ...rest] = args;
  const want = (n: number, usage: string) => {
    if (rest.length !== n) throw new UsageError(`${name} takes ${usage}`);
    return rest;
  };
  const pair = Object.hasOwn(NAME_PAIRS, name) ? NAME_PAIRS[name] : undefined;
  if (pair) {
    const [from, to] = want(2, pair[1]);
    return { type: pair[0], from, to };
  }
  if (Object.hasOwn(NODE_NAME_RENAMES, name)) {
    const [id, from, to] = want(3, 'ID, OLD and NEW');
    return { type: NODE_NAME_RENAMES[name], id, from, to };
  }
  switch (name) {
    case 'add-node': {
      const [id] = want(1, 'an id');
      const kind = (flags.kind ?? (flags.workflow !== undefined ? 'workflow' : 'run')) as NodeKind;
      if (!KINDS.includes(kind)) throw new UsageError(`--kind must be one of ${KINDS.join(', ')}, not '${flags.kind}'`);
      if (flags.workflow !== undefined && kind !== 'workflow') throw new UsageError(`--workflow names the file of a workflow node, not of a ${kind} node`);
      const needs = flags.needs
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      return {
        type: 'addNode',
        kind,
        id,
        ...(needs?.length ? { needs } : {}),
        ...(flags.run !== undefined ? { run: flags.run } : {}),
        ...(flags.after ? { after: flags.after } : {}),
        ...(flags.workflow ? { workflow: flags.workflow } : {}),
      };
    }
    case 'remove-node':
      return { type: 'removeNode', id: want(1, 'an id')[0] };
    case 'set': {
      const [id, key, value] = want(3, 'ID, KEY and VALUE');
      return { type: 'set', id, key, ...(value === '' ? {} : { value: yamlValue(value) }) };
    }
    case 'set-workflow': {
      const [key, value] = want(2, 'KEY and VALUE');
      return { type: 'setWorkflow', key, ...(value === '' ? {} : { value: yamlValue(value) }) };
    }
    case 'set-input': {
      const [inputName, value] = want(2, 'NAME and VALUE');
      if (value === '') return { type: 'setInput', name: inputName };
      const fields = yamlValue(value);
      const checked = parseEditAction({ type: 'setInput', name: inputName, value: fields });
      if ('error' in checked) throw new UsageError('VALUE is a mapping of type (string, number or boolean), required, secret, default, description');
      return checked.action;
    }
    case 'duplicate':
      return { type: 'duplicate', id: want(1, 'an id')[0] };
    default:
      throw new UsageError(name === undefined ? 'edit takes FILE and an action' : `unknown action '${name}' (see --help)`);
  }
}

function yamlValue(text: string): FieldValue {
  try {
    return parseYaml(text) as FieldValue;
  } catch (e) {
    throw new UsageError(`VALUE is not YAML: ${(e as Error).message.split('\n')[0]}`);
  }
}

export function editCommand(argv: string[], io: Output): number {
  const { values, positionals } = parseCommandArgs(argv, {
    write: { type: 'boolean' },
    needs: { type: 'string' },
    run: { type: 'string' },
    after: { type: 'string' },
    kind: { type: 'string' },
    workflow: { type: 'string' },
    callers: { type: 'string' },
  });
  if (values.help) {
    io.out(EDIT_HELP);
    return 0;
  }
  const [file, ...args] = positionals;
  if (file === undefined) throw new UsageError('edit takes FILE and an action');
  const action = actionOf(args, values);
  if (values.callers !== undefined && action.type !== 'renameInput' && action.type !== 'renameOutput')
    throw new UsageError('--callers follows a rename-input or a rename-output into the files that run FILE');
  const text = editableText(file, io);
  if (text === undefined) return 1;
  const before = validateFile(file, text);
  const index = buildIndex(before);
  const scripts = action.type === 'renameOutput' ? scriptEdits(file, index, action) : { files: [], notes: [] };
  if ('error' in scripts) return refused(scripts.error, io);
  // An output only the node's script files write is renamed there (and in the callers), however little the file says.
  const outcome = action.type === 'renameOutput' ? renameOutput(index, action.id, action.from, action.to, scripts.files.length > 0) : planEdit(index, action);
  if ('error' in outcome) return refused(outcome.error, io);
  const callers =
    values.callers !== undefined && (action.type === 'renameInput' || action.type === 'renameOutput')
      ? callerEdits(values.callers, file, index, action)
      : { files: [], notes: [] };
  if ('error' in callers) return refused(callers.error, io);
  const edited = applyEdits(text, outcome.edits);
  for (const d of newErrors(before, validateFile(file, edited)))
    io.err(safeText(`${file}:${d.line}:${d.column}: error ${d.code}: ${d.message} (left by the edit)`) + '\n');
  // A rename that sees no write in the node's script, where a file it runs writes it, has nothing to note.
  const notes = [...(outcome.note && !scripts.files.length ? [outcome.note] : []), ...callers.notes, ...scripts.notes];
  for (const note of notes) io.err(`maestro-dag: ${safeText(note)}\n`);
  const others = [...callers.files, ...scripts.files];
  if (!values.write) {
    // Piped, the text goes out as it is; on a terminal, without what could drive it.
    io.out(io.isTTY ? safeText(edited) : edited);
    for (const caller of others) io.err(`maestro-dag: with --write, would also edit ${safeText(caller.path)}\n`);
    return 0;
  }
  writeFileSync(file, edited);
  for (const caller of others) {
    writeFileSync(caller.path, applyEdits(caller.text, caller.edits));
    io.err(`maestro-dag: also edited ${safeText(caller.path)}\n`);
  }
  return 0;
}

/** An edit refused, saying why. */
function refused(why: string, io: Output): number {
  io.err(`maestro-dag: ${safeText(why)}\n`);
  return 2;
}

/** The file's text, or undefined once told why it cannot be edited. */
function editableText(file: string, io: Output): string | undefined {
  try {
    const read = readFileText(file);
    const notUtf8 = notUtf8Line(read);
    // The edit would write U+FFFD back in place of those bytes.
    if (notUtf8 === undefined) return read.text;
    io.err(safeText(`maestro-dag: cannot edit ${file}:${notUtf8}`) + '\n');
  } catch (e) {
    io.err(`maestro-dag: cannot read ${safeText(file)}: ${safeText((e as Error).message)}\n`);
  }
  return undefined;
}

/** The errors of `after` that `before` does not have (by code and message: the edit moves what follows it). */
function newErrors(before: ValidationResult, after: ValidationResult) {
  const key = (d: { code: string; message: string }) => `${d.code}\n${d.message}`;
  const had = new Map<string, number>();
  for (const d of before.diagnostics) if (d.severity === 'error') had.set(key(d), (had.get(key(d)) ?? 0) + 1);
  return toLineDiagnostics(after.parsed.lines, after.diagnostics).filter((d) => {
    if (d.severity !== 'error') return false;
    const left = had.get(key(d)) ?? 0;
    had.set(key(d), left - 1);
    return left <= 0;
  });
}
