// Run controls, the run picker, fit view and the node search.
import { useState } from 'react';
import type { RunControl } from '../protocol';
import { searchNodes } from '../state/navigation';
import { Button, Dropdown, SearchField, type Choice } from './toolkit';
import { useController, usePanel, usePanelStore } from './context';
import { isActiveRun } from '../../engine/runRules';

const FOLLOW = '__follow__';

const time = (t: number) => new Date(t).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function Toolbar() {
  const controller = useController();
  const store = usePanelStore();
  const trusted = usePanel((s) => s.trusted);
  const runs = usePanel((s) => s.runs);
  const runChoice = usePanel((s) => s.runChoice);
  const run = usePanel((s) => s.run);
  const graph = usePanel((s) => s.graph);
  const [search, setSearch] = useState('');
  /** Which match Enter last went to; -1 before the first Enter. */
  const [cursor, setCursor] = useState(-1);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const listed = runs.find((r) => r.runId === run?.runId);
  const live = listed?.live ?? false;
  // A run whose engine went away (a crash, a window reload) is interrupted: its log says it was still going.
  const status = listed?.status === 'interrupted' ? 'interrupted' : run?.status;
  const untrusted = trusted ? undefined : 'Trust this workspace to run workflows (Restricted Mode runs nothing)';
  const act = (action: RunControl) => {
    setBusy(action);
    setError(null);
    controller
      .control(action)
      .catch((e: Error) => setError(e.message))
      .finally(() => setBusy(null));
  };

  const choices: Choice[] = [
    { value: FOLLOW, label: runs.length ? 'Latest run (follow)' : 'No runs yet' },
    ...runs.map((r) => ({ value: r.runId, label: `${time(r.startedAt)} · ${r.status}${r.live && isActiveRun(r.status) ? ' (live)' : ''}` })),
  ];
  const matches = searchNodes(graph, search);
  const find = (backwards: boolean) => {
    if (!matches.length) return;
    const next = (cursor + (backwards ? -1 : 1) + matches.length) % matches.length;
    setCursor(next);
    store.getState().select(matches[next]);
    controller.focusNode(matches[next]);
  };

  return (
    <div className="toolbar" role="toolbar" aria-label="Run controls">
      <Button
        icon="play"
        title={untrusted ?? 'Run the workflow (saves it first)'}
        disabled={!trusted || busy !== null}
        onClick={() => act('run')}
        testId="run"
        label="Run"
      />
      <Button
        icon="run-all"
        secondary
        title={untrusted ?? 'Run with inputs…'}
        disabled={!trusted || busy !== null}
        onClick={() => act('runWithInputs')}
        testId="run-with-inputs"
        label="Inputs…"
      />
      {status === 'paused' || status === 'interrupted' ? (
        <Button
          icon="debug-continue"
          secondary
          title={untrusted ?? (status === 'paused' ? 'Resume the run' : 'Continue the interrupted run from its log')}
          disabled={!trusted || (status === 'paused' && !live)}
          onClick={() => act('resume')}
          testId="resume"
          label="Resume"
        />
      ) : (
        <Button
          icon="debug-pause"
          secondary
          title="Pause: running nodes finish, nothing new starts"
          disabled={!live || status !== 'running'}
          onClick={() => act('pause')}
          testId="pause"
          label="Pause"
        />
      )}
      <Button
        icon="debug-stop"
        secondary
        title="Cancel the run"
        disabled={!live || (status !== 'running' && status !== 'paused')}
        onClick={() => act('cancel')}
        testId="cancel"
        label="Cancel"
      />
      <Button
        icon="debug-restart"
        secondary
        title={untrusted ?? 'Run the failed, cancelled and skipped nodes again'}
        disabled={!trusted || !run || (status !== 'failed' && status !== 'cancelled' && status !== 'interrupted')}
        onClick={() => act('retryFailed')}
        testId="retry-failed"
        label="Retry failed"
      />
      <Button icon="screen-full" title="Fit the graph in view" onClick={() => controller.fitView()} testId="fit" />
      <Dropdown
        label="Run shown"
        value={runChoice ?? FOLLOW}
        choices={choices}
        onChange={(v) => controller.chooseRun(v === FOLLOW ? null : v)}
        testId="run-picker"
      />
      <div className="toolbar-spacer" />
      <SearchField
        value={search}
        placeholder="Find node"
        label="Find a node by id or name"
        onInput={(v) => {
          setSearch(v);
          setCursor(-1);
        }}
        onEnter={find}
        onEscape={() => setSearch('')}
        testId="search"
      />
      {search ? (
        <span className="toolbar-note" aria-live="polite">
          {matches.length === 0
            ? 'no match'
            : cursor >= 0
              ? `${cursor + 1} of ${matches.length}`
              : `${matches.length} match${matches.length === 1 ? '' : 'es'}`}
        </span>
      ) : null}
      {error ? (
        <span className="toolbar-error" role="alert" title={error}>
          {error}
        </span>
      ) : null}
    </div>
  );
}
