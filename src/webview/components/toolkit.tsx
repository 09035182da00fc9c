// The panel's controls, drawn as the workbench draws its own: plain elements styled with the theme's variables
// (styles.css), not a web-component library. The one the panel used, @vscode/webview-ui-toolkit (deprecated
// upstream), and FAST under it were 172 KB of a 589 KB script, loaded and set up before the first paint; its
// text field, badge and dropdown had already given way to plain elements for accessibility, CSP and speed.
import { useRef, type ReactNode } from 'react';
import { useNarrow } from './narrow';

/**
 * A button: with a `label`, a text button, drawn as an icon button named by its label when the panel is narrow;
 * without one, an icon button named by its `title`.
 */
export function Button(props: {
  label?: string;
  icon?: string;
  title?: string;
  disabled?: boolean;
  secondary?: boolean;
  /** A toggle's state (aria-pressed). */
  pressed?: boolean;
  onClick: (event: React.MouseEvent<HTMLElement>) => void;
  testId?: string;
}) {
  const { label, icon, title, disabled, secondary, pressed, onClick, testId } = props;
  const narrow = useNarrow();
  const text = label !== undefined && !(narrow && icon) ? label : undefined;
  const appearance = text === undefined ? 'icon' : secondary ? 'secondary' : 'primary';
  return (
    <button
      type="button"
      className={`button ${appearance}`}
      title={title ?? label}
      aria-label={text === undefined ? (label ?? title) : undefined}
      disabled={disabled}
      aria-pressed={pressed}
      data-testid={testId}
      onClick={onClick}
    >
      {icon ? <span className={`codicon codicon-${icon}`} aria-hidden="true" /> : null}
      {text}
    </button>
  );
}

export interface Choice {
  value: string;
  label: string;
}

/**
 * A drop-down list: a native `select` drawn with the workbench's dropdown colours. A list that grows as a run goes
 * (the timeline's nodes) costs an `option` per entry.
 */
export function Dropdown(props: {
  value: string;
  choices: readonly Choice[];
  onChange: (value: string) => void;
  label: string;
  disabled?: boolean;
  testId?: string;
}) {
  const { value, choices, onChange, label, disabled, testId } = props;
  return (
    <select
      className="dropdown"
      value={value}
      aria-label={label}
      title={label}
      disabled={disabled}
      data-testid={testId}
      onChange={(e) => {
        if (e.target.value !== value) onChange(e.target.value);
      }}
    >
      {choices.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </select>
  );
}

/** A search field, named by its label for a screen reader. */
export function SearchField(props: {
  value: string;
  placeholder: string;
  label: string;
  onInput: (value: string) => void;
  onEnter: (backwards: boolean) => void;
  onEscape: () => void;
  testId?: string;
}) {
  const { value, placeholder, label, onInput, onEnter, onEscape, testId } = props;
  return (
    <span className="search-field">
      <span className="codicon codicon-search" aria-hidden="true" />
      <input
        type="search"
        value={value}
        placeholder={placeholder}
        aria-label={label}
        data-testid={testId}
        onChange={(e) => onInput(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') onEnter(e.shiftKey);
          else if (e.key === 'Escape') onEscape();
        }}
      />
    </span>
  );
}

/** What went wrong with an action in the details, said at once to a screen reader; nothing when all is well. */
export function ActionError({ error }: { error: string | null }) {
  return error ? (
    <p className="details-error" role="alert">
      {error}
    </p>
  ) : null;
}

/** A count or label badge, drawn with the workbench's badge colours. */
export function Badge(props: { children: ReactNode; title?: string }) {
  return (
    <span className="badge" title={props.title}>
      {props.children}
    </span>
  );
}

export interface Tab {
  id: string;
  label: ReactNode;
  /** The label as text: the tab's accessible name. */
  name: string;
  content: ReactNode;
}

const NEXT_TAB: Record<string, (index: number, count: number) => number> = {
  ArrowRight: (i, n) => (i + 1) % n,
  ArrowLeft: (i, n) => (i - 1 + n) % n,
  Home: () => 0,
  End: (_, n) => n - 1,
};

/**
 * Tabs as the workbench's panel draws them, with the keyboard of the ARIA tabs pattern (arrows, Home, End choose the
 * tab they reach). Only the active tab's view is mounted: the inactive one costs nothing.
 */
export function Tabs(props: { tabs: readonly Tab[]; active: string; onChange: (id: string) => void; label: string }) {
  const { tabs, active, onChange, label } = props;
  const list = useRef<HTMLDivElement>(null);
  const shown = tabs.find((t) => t.id === active) ?? tabs[0];
  const choose = (id: string) => {
    if (id !== active) onChange(id);
  };
  const onKeyDown = (event: React.KeyboardEvent) => {
    const next = NEXT_TAB[event.key];
    if (!next) return;
    event.preventDefault();
    const target = tabs[next(tabs.indexOf(shown), tabs.length)];
    list.current?.querySelector<HTMLElement>(`#tab-${target.id}`)?.focus();
    choose(target.id);
  };
  return (
    <div className="tabs">
      <div className="tab-list" role="tablist" aria-label={label} ref={list} onKeyDown={onKeyDown}>
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            id={`tab-${t.id}`}
            className="tab"
            role="tab"
            aria-selected={t === shown}
            aria-controls={t === shown ? `view-${t.id}` : undefined}
            aria-label={t.name}
            tabIndex={t === shown ? 0 : -1}
            onClick={() => choose(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div className="tab-view" role="tabpanel" id={`view-${shown.id}`} aria-labelledby={`tab-${shown.id}`}>
        {shown.content}
      </div>
    </div>
  );
}
