// The validator's problems where the form shows them, each with the fixes the editor's light bulb offers for it,
// applied from here as one edit of the file.
import { createContext, useContext } from 'react';
import type { NodeProblem } from '../protocol';
import { useBuilder } from './context';

/** What the colour of a problem says, for a screen reader. */
const SEVERITY_WORD: Record<NodeProblem['severity'], string> = { error: 'Error', warning: 'Warning', info: 'Note' };

/** The node whose problems the form lists; undefined: the workflow's own settings. */
export const ProblemOwner = createContext<string | undefined>(undefined);

export function ProblemList(props: { id?: string; problems: readonly NodeProblem[]; typed?: string | null; label?: string }) {
  const { id, problems, typed, label } = props;
  const builder = useBuilder();
  const owner = useContext(ProblemOwner);
  if (!problems.length && !typed) return null;
  return (
    <ul id={id} className="form-problems" aria-label={label}>
      {typed ? <li>{typed}</li> : null}
      {problems.map((p, i) => (
        // The same message may stand twice (a misspelt name read twice): each is fixed in turn.
        <li key={`${i}:${p.message}`} className={`problem-${p.severity}`}>
          <span className="visually-hidden">{SEVERITY_WORD[p.severity]}: </span>
          {p.message}
          {p.fixes?.map((title) => (
            <button
              key={title}
              type="button"
              className="link-button problem-fix"
              onClick={(e) => {
                // The button goes with its problem: the focus stays in the form rather than falling to the page.
                e.currentTarget.closest<HTMLElement>('form')?.focus();
                builder.fix(owner, p.message, title);
              }}
            >
              <span className="codicon codicon-lightbulb" aria-hidden="true" />
              {title}
            </button>
          ))}
        </li>
      ))}
    </ul>
  );
}
