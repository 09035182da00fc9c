// What a node's details and the workflow's settings share where they are docked: a header with an icon, a title and
// a close button, and Escape to close (once nothing inside has taken the key).
import type { ReactNode } from 'react';
import { Button } from './toolkit';

export function DetailsFrame(props: {
  label: string;
  testId: string;
  icon: string;
  iconTitle?: string;
  title: string;
  heading: string;
  closeTitle: string;
  close: () => void;
  children: ReactNode;
}) {
  const { label, testId, icon, iconTitle, title, heading, closeTitle, close, children } = props;
  return (
    <aside
      className="details"
      aria-label={label}
      data-testid={testId}
      onKeyDown={(e) => {
        if (e.key !== 'Escape' || e.defaultPrevented) return;
        e.preventDefault();
        close();
      }}
    >
      <header className="details-header">
        <span className={`codicon codicon-${icon}`} title={iconTitle} aria-hidden="true" />
        <h2 title={title}>{heading}</h2>
        <Button icon="close" title={closeTitle} onClick={close} />
      </header>
      {children}
    </aside>
  );
}
