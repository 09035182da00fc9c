// Every use of @vscode/webview-ui-toolkit goes through this module. The toolkit was deprecated upstream on
// 2025-01-01; moving to its maintained successor (@vscode-elements/react-elements) is a change to this file alone.
// Where the toolkit cannot be made accessible here, a plain element styled as the workbench's stands in.
import type { ReactNode } from 'react';
import { VSCodeButton, VSCodePanels, VSCodePanelTab, VSCodePanelView } from '@vscode/webview-ui-toolkit/react';
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
  onClick: (event: React.MouseEvent<HTMLElement>) => void;
  testId?: string;
}) {
  const { label, icon, title, disabled, secondary, onClick, testId } = props;
  const narrow = useNarrow();
  const text = label !== undefined && !(narrow && icon) ? label : undefined;
  return (
    <VSCodeButton
      appearance={text === undefined ? 'icon' : secondary ? 'secondary' : 'primary'}
      title={title ?? label}
      aria-label={text === undefined ? (label ?? title) : undefined}
      disabled={disabled}
      data-testid={testId}
      onClick={(e: React.MouseEvent<HTMLElement>) => {
        if (!disabled) onClick(e);
      }}
    >
      {icon ? <span slot={text === undefined ? undefined : 'start'} className={`codicon codicon-${icon}`} aria-hidden="true" /> : null}
      {text}
    </VSCodeButton>
  );
}

export interface Choice {
  value: string;
  label: string;
}

/**
 * A drop-down list: a native `select` drawn with the workbench's dropdown tokens, not `vscode-dropdown`. That one
 * makes every option a custom element and walks them all whenever one is added, so a list that grows as a run goes
 * (the timeline's nodes) cost more than the rest of the panel; the native one costs an `option` each.
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

/**
 * A search field. A plain input styled as the workbench's, not `vscode-text-field`: that one replaces the label it is
 * given with "Text field", so a screen reader never hears what the field is for.
 */
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

/**
 * A count or label badge, drawn with the toolkit's badge tokens. Not `vscode-badge` (nor `vscode-tag`, built on
 * it): its template binds an inline `style` attribute, which the panel's CSP (no 'unsafe-inline') blocks and
 * reports as a violation on every page. The successor's badge has no such binding.
 */
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
  /** The label as text: the tab's accessible name, kept up to date (the toolkit copies the text only once). */
  name: string;
  content: ReactNode;
}

/** Tabs whose views stay mounted only while active (the inactive one costs nothing). */
export function Tabs(props: { tabs: readonly Tab[]; active: string; onChange: (id: string) => void; label: string }) {
  const { tabs, active, onChange, label } = props;
  return (
    <VSCodePanels
      activeid={`tab-${active}`}
      aria-label={label}
      onChange={(e: unknown) => {
        const id = (e as { target?: { activeid?: unknown } }).target?.activeid;
        if (typeof id === 'string' && id.startsWith('tab-') && id.slice(4) !== active) onChange(id.slice(4));
      }}
    >
      {tabs.map((t) => (
        <VSCodePanelTab key={t.id} id={`tab-${t.id}`} aria-label={t.name}>
          {t.label}
        </VSCodePanelTab>
      ))}
      {tabs.map((t) => (
        <VSCodePanelView key={t.id} id={`view-${t.id}`}>
          {t.id === active ? t.content : null}
        </VSCodePanelView>
      ))}
    </VSCodePanels>
  );
}
