// The graph's keyboard: arrows move between cards (or pick the node a new connection goes to), Enter shows the
// definition, and the builder's actions have keys of their own. One handler, for the one tab stop the graph is.
import type { KeyboardEvent } from 'react';
import type { Controller } from '../controller';
import type { Builder } from '../state/builderIntents';
import { neighbourOf, type Direction } from '../state/navigation';
import type { PanelStore } from '../state/store';
import { focusField } from './BuildMenu';
import { cardDomId, problemsMark } from './status';
import { groupId, isGroupId } from '../state/phaseGroups';

const ARROWS: Record<string, Direction> = { ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'left', ArrowRight: 'right' };

/** Where a menu opened from the keyboard goes: under the selected card, or at the graph's top left. */
function menuPlace(nodeId: string | null): { x: number; y: number } {
  const card = nodeId ? document.getElementById(cardDomId(nodeId))?.getBoundingClientRect() : undefined;
  const canvas = document.querySelector('.canvas')?.getBoundingClientRect();
  if (card) return { x: card.left + 12, y: card.bottom - 8 };
  return { x: (canvas?.left ?? 0) + 12, y: (canvas?.top ?? 0) + 12 };
}

interface Panel {
  store: PanelStore;
  controller: Controller;
  builder: Builder;
}

/** Each handles some keys and says whether it did. */
type Keys = (p: Panel, e: KeyboardEvent) => boolean;

/** While connecting: the arrows pick the node that will need the one connected from; Enter connects. */
const connectingKeys: Keys = ({ store, controller, builder }, e) => {
  const s = store.getState();
  const c = s.connecting;
  if (!c || !s.graph || !s.layout) return false;
  const direction = ARROWS[e.key];
  if (direction) {
    const target = neighbourOf(
      s.view.units.filter((u) => !isGroupId(u.id)),
      s.layout,
      c.target ?? c.from,
      direction,
    );
    if (target) {
      s.setConnecting({ ...c, target });
      controller.focusNode(target);
      s.announce(target === c.from ? `${target}: the node connecting from` : `${target} would need ${c.from}`);
    }
  } else if (e.key === 'Enter') builder.finishConnect();
  else if (e.key === 'Escape') builder.cancelConnect();
  else return false;
  return true;
};

const clipboardKeys: Keys = ({ store, controller, builder }, e) => {
  const s = store.getState();
  if (!(e.ctrlKey || e.metaKey)) return false;
  const key = e.key.toLowerCase();
  if (key === 'z' || key === 'y') void controller.undo(key === 'y' || e.shiftKey).catch((err: Error) => s.setNotice(err.message));
  else if (key === 'v') builder.paste();
  else if (key === 'c' && s.selected) builder.copy(s.selected);
  else if (key === 'x' && s.selected) builder.cut(s.selected);
  else return false;
  return true;
};

const actionKeys: Keys = ({ store, controller, builder }, e) => {
  const s = store.getState();
  const selected = s.selected;
  const remove = e.key === 'Delete' || e.key === 'Backspace';
  if (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey))
    s.openMenu({ target: selected ? { kind: 'node', id: selected } : { kind: 'add' }, ...menuPlace(selected) });
  else if (remove && s.selectedEdge) builder.disconnect(s.selectedEdge.from, s.selectedEdge.to);
  else if (remove && selected) builder.remove(selected);
  else if (e.key === 'a' || e.key === 'Insert') s.openMenu({ target: { kind: 'add' }, ...menuPlace(selected) });
  else if (e.key === 'c' && selected) builder.startConnect(selected);
  else if (e.key === 'F2' && selected) focusField('id');
  else if (e.key === 'F8') goToProblem(store, controller, e.shiftKey);
  else return false;
  return true;
};

/** F8 (Shift+F8 back), as in the editor: the next node in file order with errors or warnings, selected and said. */
function goToProblem(store: PanelStore, controller: Controller, back: boolean): void {
  const s = store.getState();
  const withProblems = (s.graph?.nodes ?? []).filter((n) => problemsMark(n.problems));
  if (!withProblems.length) return s.announce('No node has problems');
  const at = withProblems.findIndex((n) => n.id === s.selected);
  const step = back ? -1 : 1;
  const index = at < 0 ? (back ? withProblems.length - 1 : 0) : (at + step + withProblems.length) % withProblems.length;
  const node = withProblems[index];
  s.select(node.id);
  controller.focusNode(node.id);
  s.announce(`${node.id}: ${problemsMark(node.problems)!.text}, node ${index + 1} of ${withProblems.length} with problems`);
}

/** Expands a collapsed phase where it stands, its first node with problems selected, else its first node. */
export function expandGroup(store: PanelStore, phase: string): void {
  const s = store.getState();
  const group = s.view.groups[groupId(phase)];
  const members = group?.members ?? [];
  const withProblems = group?.withProblems ?? [];
  s.expandPhase(phase);
  const first = withProblems[0] ?? members[0];
  if (first !== undefined) s.select(first);
  const problems = withProblems.length ? `, ${withProblems.length} with problems (F8 goes to each); ${first} selected` : '';
  s.announce(`Phase ${phase} expanded: ${members.length} node${members.length === 1 ? '' : 's'}${problems}`);
}

const moveKeys: Keys = ({ store, controller }, e) => {
  const s = store.getState();
  if (!s.graph || !s.layout) return false;
  const direction = ARROWS[e.key];
  const group = s.selected ? s.view.groups[s.selected] : undefined;
  if (group && e.key === 'Enter') expandGroup(store, group.phase);
  else if (direction) {
    const next = neighbourOf(s.view.units, s.layout, s.selected, direction);
    if (next) {
      s.select(next);
      controller.focusNode(next);
    }
  } else if (e.key === 'Enter' && s.selected) {
    if (e.shiftKey) void controller.openLog(s.selected).catch(() => undefined);
    else controller.reveal(s.selected);
  } else if (e.key === 'Escape') {
    s.select(null);
    s.selectEdge(null);
  } else return false;
  return true;
};

export function canvasKeyHandler(store: PanelStore, controller: Controller, builder: Builder): (e: KeyboardEvent) => void {
  const panel = { store, controller, builder };
  return (e) => {
    if (e.altKey) return;
    if ([connectingKeys, clipboardKeys, actionKeys, moveKeys].some((keys) => keys(panel, e))) e.preventDefault();
  };
}
