// The builder's part of the panel's state: the menu that is open, a connection being made from the keyboard, the
// edge selected, and what the screen reader is told.
import type { NodeKind } from '../../engine/edits/action';

/** What a menu acts on: a node, an edge, or the graph (adding a node). */
export type MenuTarget = { kind: 'node'; id: string } | { kind: 'edge'; from: string; to: string } | { kind: 'add' };

export interface MenuState {
  target: MenuTarget;
  /** Where it opens, in the panel's coordinates. */
  x: number;
  y: number;
}

export interface BuilderState {
  menu: MenuState | null;
  /** Connecting from the keyboard: the node the new edge comes from, and the node the arrows are on. */
  connecting: { from: string; target: string | null } | null;
  selectedEdge: { from: string; to: string } | null;
  /** The last thing said to screen readers (a live region reads it). */
  announcement: string;
}

export interface BuilderActions {
  openMenu(menu: MenuState | null): void;
  setConnecting(connecting: BuilderState['connecting']): void;
  selectEdge(edge: BuilderState['selectedEdge']): void;
  announce(text: string): void;
}

export const ADD_KINDS: { kind: NodeKind; label: string; icon: string }[] = [
  { kind: 'run', label: 'Shell step', icon: 'terminal' },
  { kind: 'approval', label: 'Approval gate', icon: 'person' },
  { kind: 'workflow', label: 'Sub-workflow', icon: 'references' },
  { kind: 'matrix', label: 'Matrix step', icon: 'layers' },
];

type Set = (partial: Partial<BuilderState>) => void;

export function builderActions(set: Set, get: () => BuilderState): BuilderActions {
  return {
    openMenu: (menu) => set({ menu }),
    setConnecting: (connecting) => set({ connecting }),
    selectEdge: (selectedEdge) => set({ selectedEdge }),
    // The same words twice in a row would not be read again: a zero-width space tells them apart.
    announce: (text) => set({ announcement: get().announcement === text ? `${text}\u200b` : text }),
  };
}
