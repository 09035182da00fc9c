// Every use of @vscode/webview-ui-toolkit goes through this module. The toolkit was deprecated upstream on
// 2025-01-01; moving to its maintained successor (@vscode-elements/react-elements) is a change to this file alone.
import type { ReactNode } from 'react';
import { VSCodeButton, VSCodeDropdown, VSCodeOption, VSCodePanels, VSCodePanelTab, VSCodePanelView, VSCodeTextField } from '@vscode/webview-ui-toolkit/react';

export function Button(props: { children?: ReactNode; icon?: string; title?: string; disabled?: boolean; secondary?: boolean; iconOnly?: boolean; onClick: () => void; testId?: string }) {
  const { children, icon, title, disabled, secondary, iconOnly, onClick, testId } = props;
  return (
    <VSCodeButton
      appearance={iconOnly ? 'icon' : secondary ? 'secondary' : 'primary'}
      title={title}
      aria-label={iconOnly ? title : undefined}
      disabled={disabled}
      data-testid={testId}
      onClick={() => {
        if (!disabled) onClick();
      }}
    >
      {icon ? <span slot={iconOnly ? undefined : 'start'} className={`codicon codicon-${icon}`} aria-hidden="true" /> : null}
      {iconOnly ? null : children}
    </VSCodeButton>
  );
}

export interface Choice {
  value: string;
  label: string;
}

export function Dropdown(props: { value: string; choices: readonly Choice[]; onChange: (value: string) => void; label: string; disabled?: boolean; testId?: string }) {
  const { value, choices, onChange, label, disabled, testId } = props;
  return (
    <VSCodeDropdown
      value={value}
      aria-label={label}
      title={label}
      disabled={disabled}
      data-testid={testId}
      onChange={(e: unknown) => {
        const target = (e as { target?: { value?: unknown } }).target;
        if (typeof target?.value === 'string' && target.value !== value) onChange(target.value);
      }}
    >
      {choices.map((c) => (
        <VSCodeOption key={c.value} value={c.value} selected={c.value === value}>
          {c.label}
        </VSCodeOption>
      ))}
    </VSCodeDropdown>
  );
}

export function SearchField(props: { value: string; placeholder: string; label: string; onInput: (value: string) => void; onEnter: (backwards: boolean) => void; onEscape: () => void; testId?: string }) {
  const { value, placeholder, label, onInput, onEnter, onEscape, testId } = props;
  return (
    <VSCodeTextField
      value={value}
      placeholder={placeholder}
      aria-label={label}
      data-testid={testId}
      onInput={(e: unknown) => {
        const target = (e as { target?: { value?: unknown } }).target;
        onInput(typeof target?.value === 'string' ? target.value : '');
      }}
      onKeyDown={(e: React.KeyboardEvent) => {
        if (e.key === 'Enter') onEnter(e.shiftKey);
        else if (e.key === 'Escape') onEscape();
      }}
    >
      <span slot="start" className="codicon codicon-search" aria-hidden="true" />
    </VSCodeTextField>
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
        <VSCodePanelTab key={t.id} id={`tab-${t.id}`}>
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
