// The builder's menu: on a card (right click, the context-menu key, Shift+F10), on an edge, or for adding a node.
// A WAI-ARIA menu: arrows move, Enter acts, Escape or Tab closes and gives the graph its focus back.
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { ADD_KINDS, type MenuState, type MenuTarget } from '../state/builder';
import { useBuilder, useController, usePanel, usePanelStore } from './context';

interface Item {
  label: string;
  icon: string;
  shortcut?: string;
  run: () => void;
  danger?: boolean;
}

function useItems(target: MenuTarget | undefined): Item[] {
  const builder = useBuilder();
  const controller = useController();
  const store = usePanelStore();
  const node = usePanel((s) => (target?.kind === 'node' ? s.graph?.nodes.find((n) => n.id === target.id) : undefined));
  const hasRun = usePanel((s) => s.run !== undefined);
  if (!target) return [];
  if (target.kind === 'add') {
    const kinds = ADD_KINDS.map((k) => ({ label: `Add ${k.label.toLowerCase()}`, icon: k.icon, run: () => builder.add(k.kind) }));
    return [...kinds, { label: 'Insert template…', icon: 'library', run: () => builder.insertTemplate() }];
  }
  if (target.kind === 'edge') {
    const { from, to } = target;
    return [
      { label: `Delete connection: ${to} needs ${from}`, icon: 'trash', shortcut: 'Delete', run: () => builder.disconnect(from, to), danger: true },
      { label: `Select ${from}`, icon: 'arrow-up', run: () => store.getState().select(from) },
      { label: `Select ${to}`, icon: 'arrow-down', run: () => store.getState().select(to) },
    ];
  }
  if (!node) return [];
  const id = node.id;
  return [
    { label: 'Show definition', icon: 'go-to-file', shortcut: 'Enter', run: () => controller.reveal(id) },
    ...(hasRun ? [{ label: 'Open log', icon: 'output', shortcut: 'Shift+Enter', run: () => void controller.openLog(id).catch(() => undefined) }] : []),
    { label: 'Add shell step after', icon: 'add', shortcut: 'A', run: () => builder.add('run') },
    { label: 'Connect to…', icon: 'arrow-right', shortcut: 'C', run: () => builder.startConnect(id) },
    ...node.needs.map((d) => ({ label: `Stop needing ${d}`, icon: 'debug-disconnect', run: () => builder.disconnect(d, id) })),
    {
      label: 'Rename…',
      icon: 'edit',
      shortcut: 'F2',
      run: () => {
        store.getState().select(id);
        focusField('id');
      },
    },
    { label: 'Duplicate', icon: 'copy', run: () => builder.duplicate(id) },
    { label: 'Copy', icon: 'clippy', shortcut: 'Ctrl+C', run: () => builder.copy(id) },
    { label: 'Cut', icon: 'discard', shortcut: 'Ctrl+X', run: () => builder.cut(id) },
    { label: 'Paste after', icon: 'clippy', shortcut: 'Ctrl+V', run: () => builder.paste() },
    { label: 'Delete…', icon: 'trash', shortcut: 'Delete', run: () => builder.remove(id), danger: true },
  ];
}

/** Moves the focus to a field of the details' form (after it has rendered). */
export function focusField(name: string): void {
  requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-field="${name}"]`)?.focus());
}

/** Where the menu goes (kept inside the panel) and which item has the focus. */
function useMenuFocus(menu: MenuState | null, count: number) {
  const [active, setActive] = useState(0);
  const list = useRef<HTMLUListElement>(null);
  const [position, setPosition] = useState<{ left: number; top: number } | null>(null);
  useEffect(() => setActive(0), [menu]);
  useLayoutEffect(() => {
    if (!menu || !list.current) return setPosition(null);
    const { width, height } = list.current.getBoundingClientRect();
    setPosition({ left: Math.max(4, Math.min(menu.x, window.innerWidth - width - 4)), top: Math.max(4, Math.min(menu.y, window.innerHeight - height - 4)) });
  }, [menu, count]);
  useEffect(() => {
    list.current?.querySelectorAll<HTMLElement>('[role="menuitem"]')[active]?.focus();
  }, [active, menu, position]);
  return { active, setActive, list, position };
}

export function BuildMenu() {
  const menu = usePanel((s) => s.menu);
  const store = usePanelStore();
  const controller = useController();
  const items = useItems(menu?.target);
  const { active, setActive, list, position } = useMenuFocus(menu, items.length);
  if (!menu || items.length === 0) return null;
  const close = () => {
    store.getState().openMenu(null);
    controller.focusCanvas();
  };
  const act = (item: Item) => {
    close();
    item.run();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const moves: Record<string, number> = { ArrowDown: active + 1, ArrowUp: active - 1, Home: 0, End: items.length - 1 };
    if (e.key in moves) {
      e.preventDefault();
      setActive((moves[e.key] + items.length) % items.length);
    } else if (e.key === 'Escape' || e.key === 'Tab') {
      e.preventDefault();
      close();
    }
  };
  const label = menu.target.kind === 'node' ? `Actions on ${menu.target.id}` : menu.target.kind === 'edge' ? 'Actions on the connection' : 'Add a node';
  return (
    <>
      <div className="menu-scrim" onMouseDown={close} onContextMenu={(e) => (e.preventDefault(), close())} />
      <ul
        ref={list}
        className="build-menu"
        role="menu"
        aria-label={label}
        onKeyDown={onKeyDown}
        style={position ?? { left: menu.x, top: menu.y, visibility: 'hidden' }}
        data-testid="build-menu"
      >
        {items.map((item, i) => (
          <MenuItem key={item.label} item={item} focused={i === active} onPick={() => act(item)} onHover={() => setActive(i)} />
        ))}
      </ul>
    </>
  );
}

function MenuItem({ item, focused, onPick, onHover }: { item: Item; focused: boolean; onPick: () => void; onHover: () => void }) {
  return (
    <li role="none">
      <button type="button" role="menuitem" tabIndex={focused ? 0 : -1} className={item.danger ? 'danger' : undefined} onClick={onPick} onMouseEnter={onHover}>
        <span className={`codicon codicon-${item.icon}`} aria-hidden="true" />
        <span className="menu-label">{item.label}</span>
        {item.shortcut ? <kbd aria-hidden="true">{item.shortcut}</kbd> : null}
      </button>
    </li>
  );
}
