// What a builder action is, as it crosses from the DAG panel to the host: types and the guard, nothing heavier, so
// that the panel's bundle can name them.
import { isObject, isString, isStringArray, type Json } from '../json';

export type NodeKind = 'run' | 'approval' | 'workflow' | 'matrix';

/** A JSON value as a node property takes it. */
export type FieldValue = string | number | boolean | null | FieldValue[] | { [key: string]: FieldValue };

/** What names an input, as the schema's `inputs` has it. */
export const INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Why a text cannot name an input: what a name is made of. */
export const INPUT_NAME_RULE = 'a letter or _, then letters, digits, _ or -';

/** An input as the builder writes it (see the schema's `input`). */
export interface InputFields {
  type?: 'string' | 'number' | 'boolean';
  required?: boolean;
  secret?: boolean;
  default?: string | number | boolean;
  description?: string;
}

const optionalOf = (v: unknown, type: 'string' | 'boolean') => v === undefined || typeof v === type;
const isInputFields = (v: unknown): boolean =>
  isObject(v) &&
  (v.type === undefined || v.type === 'string' || v.type === 'number' || v.type === 'boolean') &&
  optionalOf(v.required, 'boolean') &&
  optionalOf(v.secret, 'boolean') &&
  (v.default === undefined || ['string', 'number', 'boolean'].includes(typeof v.default)) &&
  optionalOf(v.description, 'string');

export type EditAction =
  /** `workflow`: the file a sub-workflow node runs (else a placeholder to fill in). */
  | { type: 'addNode'; kind: NodeKind; id?: string; needs?: string[]; after?: string; run?: string; workflow?: string }
  | { type: 'removeNode'; id: string }
  | { type: 'connect'; from: string; to: string }
  | { type: 'disconnect'; from: string; to: string }
  | { type: 'rename'; from: string; to: string }
  /** `value` undefined removes the property. */
  | { type: 'set'; id: string; key: string; value?: FieldValue }
  /** One of the workflow's own settings (see WORKFLOW_SETTINGS); `value` undefined removes it. */
  | { type: 'setWorkflow'; key: string; value?: FieldValue }
  /** One of the workflow's inputs, added or changed as a whole; `value` undefined removes it. */
  | { type: 'setInput'; name: string; value?: InputFields }
  /** An input renamed with every `inputs.<name>` that reads it. */
  | { type: 'renameInput'; from: string; to: string }
  /** A node's output renamed where it is declared, written by its script and read. */
  | { type: 'renameOutput'; id: string; from: string; to: string }
  /** A key of a node's matrix renamed where the matrix writes it, where the node reads it and in instance ids. */
  | { type: 'renameMatrixKey'; id: string; from: string; to: string }
  /** The axes of a node's matrix, each key with its values; its include, exclude and comments kept. */
  | { type: 'setMatrixAxes'; id: string; axes: Record<string, FieldValue[]> }
  | { type: 'duplicate'; id: string }
  | { type: 'paste'; text: string; after?: string }
  /** The validator's fix `title` of the problem `message` of node `id` (of the workflow's own settings, without one). */
  | { type: 'fix'; id?: string; message: string; title: string };

const KINDS: readonly string[] = ['run', 'approval', 'workflow', 'matrix'] satisfies NodeKind[];
const optionalText = (v: unknown) => v === undefined || isString(v);

/** Checks an action that crossed a boundary (the panel's message); what is wrong with it otherwise. */
export function parseEditAction(v: unknown): { action: EditAction } | { error: string } {
  if (!isObject(v) || !isString(v.type)) return { error: 'an action is an object with a type' };
  const checks: Record<EditAction['type'], (a: Json) => boolean> = {
    addNode: (a) =>
      isString(a.kind) &&
      KINDS.includes(a.kind) &&
      optionalText(a.id) &&
      optionalText(a.after) &&
      optionalText(a.run) &&
      optionalText(a.workflow) &&
      (a.needs === undefined || isStringArray(a.needs)),
    removeNode: (a) => isString(a.id),
    connect: (a) => isString(a.from) && isString(a.to),
    disconnect: (a) => isString(a.from) && isString(a.to),
    rename: (a) => isString(a.from) && isString(a.to),
    set: (a) => isString(a.id) && isString(a.key),
    setWorkflow: (a) => isString(a.key),
    setInput: (a) => isString(a.name) && (a.value === undefined || isInputFields(a.value)),
    renameInput: (a) => isString(a.from) && isString(a.to),
    renameOutput: (a) => isString(a.id) && isString(a.from) && isString(a.to),
    renameMatrixKey: (a) => isString(a.id) && isString(a.from) && isString(a.to),
    setMatrixAxes: (a) => isString(a.id) && isObject(a.axes) && Object.values(a.axes).every(Array.isArray),
    duplicate: (a) => isString(a.id),
    paste: (a) => isString(a.text) && optionalText(a.after),
    fix: (a) => optionalText(a.id) && isString(a.message) && isString(a.title),
  };
  const check = (checks as Record<string, ((a: Json) => boolean) | undefined>)[v.type];
  if (!check) return { error: `unknown action '${v.type}'` };
  return check(v) ? { action: v as EditAction } : { error: `${v.type}: missing or mistyped fields` };
}
