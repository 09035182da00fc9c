// What the builder's controls do: each turns a user's intent into an action for the host, and says what happened
// (to screen readers, and in place when it is refused). The canvas, the menus, the toolbar and the form share them.
import type { EditAction, FieldValue, InputFields, NodeKind } from '../../engine/edits/action';
import type { Controller } from '../controller';
import { connectionProblem } from './connections';
import type { PanelStore } from './store';

export interface Builder {
  add(kind: NodeKind): void;
  remove(id: string): void;
  duplicate(id: string): void;
  connect(from: string, to: string): void;
  disconnect(from: string, to: string): void;
  rename(from: string, to: string): void;
  set(id: string, key: string, value: FieldValue | undefined): void;
  /** Sets one of the workflow's own settings (removes it when `value` is undefined). */
  setSetting(key: string, value: FieldValue | undefined): void;
  /** Adds or sets one of the workflow's inputs, whole (removes it when `fields` is undefined). */
  setInput(name: string, fields: InputFields | undefined): void;
  /** Renames an input, the expressions that read it following. */
  renameInput(from: string, to: string): void;
  /** Renames a node's output, its script's writes and the expressions that read it following. */
  renameOutput(id: string, from: string, to: string): void;
  /** Renames a key of a node's matrix, the node's reads and the instance ids others read it by following. */
  renameMatrixKey(id: string, from: string, to: string): void;
  /** Sets the axes of a node's matrix, its include and exclude kept. */
  setMatrixAxes(id: string, axes: Record<string, FieldValue[]>): void;
  /** Applies the validator's fix `title` of a problem of node `id` (of the workflow's settings, without one). */
  fix(id: string | undefined, message: string, title: string): void;
  copy(id: string): void;
  cut(id: string): void;
  paste(): void;
  /** Pastes the nodes of a template the user picks after the selected node. */
  insertTemplate(): void;
  /** Starts connecting from the keyboard: the arrows pick the node that will need `from`, Enter connects. */
  startConnect(from: string): void;
  finishConnect(): void;
  cancelConnect(): void;
}

type Say = (text: string) => void;
type Run = (action: EditAction, done: string) => void;

/** Copy, cut and paste: nodes travel as YAML text through the host's clipboard; a template's nodes the same way. */
function clipboardIntents(
  store: PanelStore,
  controller: Controller,
  run: Run,
  say: Say,
  fail: (e: Error) => void,
): Pick<Builder, 'copy' | 'cut' | 'paste' | 'insertTemplate'> {
  return {
    copy: (id) =>
      void controller
        .copyNodes([id])
        .then(() => say(`Copied ${id}`))
        .catch(fail),
    cut: (id) =>
      void controller
        .copyNodes([id])
        .then(() => run({ type: 'removeNode', id }, `Cut ${id}`))
        .catch(fail),
    paste: () =>
      void controller
        .pasteNodes(store.getState().selected ?? undefined)
        .then(() => say('Pasted'))
        .catch(fail),
    insertTemplate: () =>
      void controller
        .insertTemplate(store.getState().selected ?? undefined)
        .then((applied) => applied && say('Template inserted'))
        .catch(fail),
  };
}

/** Connecting from the keyboard: start, then Enter on the node that is to need the first one, or Escape. */
function connectingIntents(store: PanelStore, connect: Builder['connect'], say: Say): Pick<Builder, 'startConnect' | 'finishConnect' | 'cancelConnect'> {
  return {
    startConnect(from) {
      store.getState().setConnecting({ from, target: null });
      say(`Connecting from ${from}: move to the node that needs it with the arrow keys, then press Enter. Escape cancels.`);
    },
    finishConnect() {
      const c = store.getState().connecting;
      store.getState().setConnecting(null);
      if (c?.target) connect(c.from, c.target);
      else say('Not connected: no node chosen');
    },
    cancelConnect() {
      store.getState().setConnecting(null);
      say('Connecting cancelled');
    },
  };
}

export function createBuilder(store: PanelStore, controller: Controller): Builder {
  const say = (text: string) => store.getState().announce(text);
  const fail = (e: Error) => {
    store.getState().setNotice(e.message);
    say(e.message);
  };
  const run: Run = (action, done) =>
    void controller
      .edit(action)
      .then((r) => {
        if (!r.applied) return;
        say(r.note ? `${done}. ${r.note}` : done);
        if (r.note) store.getState().setNotice(r.note);
      })
      .catch(fail);
  const connect: Builder['connect'] = (from, to) => {
    const problem = connectionProblem(store.getState().graph, from, to);
    if (problem) return fail(new Error(`Not connected: ${problem}`));
    run({ type: 'connect', from, to }, `${to} now needs ${from}`);
  };
  return {
    add(kind) {
      const selected = store.getState().selected;
      run({ type: 'addNode', kind, ...(selected ? { after: selected, needs: [selected] } : {}) }, selected ? `Added a node after ${selected}` : 'Added a node');
    },
    remove: (id) => run({ type: 'removeNode', id }, `Deleted ${id}`),
    duplicate: (id) => run({ type: 'duplicate', id }, `Duplicated ${id}`),
    connect,
    disconnect(from, to) {
      store.getState().selectEdge(null);
      run({ type: 'disconnect', from, to }, `${to} no longer needs ${from}`);
    },
    rename: (from, to) => run({ type: 'rename', from, to }, `Renamed ${from} to ${to}`),
    set: (id, key, value) =>
      run({ type: 'set', id, key, ...(value === undefined ? {} : { value }) }, value === undefined ? `Removed ${key} of ${id}` : `Set ${key} of ${id}`),
    setSetting: (key, value) =>
      run(
        { type: 'setWorkflow', key, ...(value === undefined ? {} : { value }) },
        value === undefined ? `Removed the workflow's ${key}` : `Set the workflow's ${key}`,
      ),
    setInput: (name, fields) =>
      run(
        { type: 'setInput', name, ...(fields === undefined ? {} : { value: fields }) },
        fields === undefined ? `Removed the input ${name}` : `Set the input ${name}`,
      ),
    renameInput: (from, to) => run({ type: 'renameInput', from, to }, `Renamed the input ${from} to ${to}`),
    renameOutput: (id, from, to) => run({ type: 'renameOutput', id, from, to }, `Renamed the output ${from} of ${id} to ${to}`),
    renameMatrixKey: (id, from, to) => run({ type: 'renameMatrixKey', id, from, to }, `Renamed the matrix key ${from} of ${id} to ${to}`),
    setMatrixAxes: (id, axes) => run({ type: 'setMatrixAxes', id, axes }, `Set the matrix of ${id}`),
    fix: (id, message, title) => run({ type: 'fix', ...(id === undefined ? {} : { id }), message, title }, `Fixed: ${title}`),
    ...clipboardIntents(store, controller, run, say, fail),
    ...connectingIntents(store, connect, say),
  };
}
