// The approval gates waiting in a `workflow` node's sub-run, each with its prompt and its answer: a gate two levels
// down is answered from the node the graph shows.
import { useState } from 'react';
import type { GateInside } from '../state/runView';
import { useController, useShownRunLive } from './context';
import { ActionError, Button } from './toolkit';

export function GatesInside({ gates }: { gates: readonly GateInside[] }) {
  const controller = useController();
  const live = useShownRunLive();
  const [error, setError] = useState<string | null>(null);
  if (gates.length === 0) return null;
  const answer = (id: string, approved: boolean) => {
    setError(null);
    controller.approve(id, approved).catch((e: Error) => setError(e.message));
  };
  return (
    <section className="gates-inside" data-testid="details-gates-inside">
      <h3>Waiting in its sub-run</h3>
      {gates.map((gate) => (
        <div key={gate.id} className="gate-inside">
          <code>{gate.id}</code>
          <p className="details-prompt">{gate.prompt}</p>
          {live ? (
            // Text buttons, even in a narrow panel, as at a gate of the run itself.
            <div className="details-actions">
              <Button onClick={() => answer(gate.id, true)} title={`Approve ${gate.id}`} testId="approve-inside" label="Approve" />
              <Button secondary onClick={() => answer(gate.id, false)} title={`Reject ${gate.id}`} testId="reject-inside" label="Reject" />
            </div>
          ) : null}
        </div>
      ))}
      <ActionError error={error} />
    </section>
  );
}
