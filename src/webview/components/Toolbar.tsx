// Run controls, the run picker, fit view and the node search.
import { useState } from 'react';
import type { RunControl } from '../protocol';
import { searchNodes } from '../state/navigation';
import { Button, Dropdown, SearchField, type Choice } from './toolkit';
import { useController, usePanel, usePanelStore } from './context';
import { HistoryControls } from './HistoryControls';
import { isActiveRun, shownRunStatus } from '../../engine/runRules';
import { when } from '../dateTime';

const FOLLOW = '__follow__';

export function Toolbar() {
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="toolbar" role="toolbar" aria-label="Run controls">
      <RunControls onError={setError} />
      <AddNodeButton />
      <SettingsButton />
      <RunPicker />
      <HistoryControls />
      <CollapsePhasesButton />
      <div className="toolbar-spacer" />
      <NodeSearch />
      {error ? (
        <span className="toolbar-error" role="alert" title={error}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** The run shown as the controls see it: its status (interrupted when its engine went away) and whether it is live. */
function useShownRun() {
  const runs = usePanel((s) => s.runs);
  const run = usePanel((s) => s.run);
  const listed = runs.find((r) => r.runId === run?.runId);
  // A run whose engine went away (a crash, a window reload) is interrupted: its log says it was still going.
  return { run, live: listed?.live ?? false, status: listed?.status === 'interrupted' ? 'interrupted' : run && shownRunStatus(run) };
}

/** Run, run with inputs, pause or resume, cancel, retry the failed nodes, and fit the graph in view. */
function RunControls({ onError }: { onError: (error: string | null) => void }) {
  const controller = useController();
  const trusted = usePanel((s) => s.trusted);
  const { run, live, status } = useShownRun();
  const [busy, setBusy] = useState<string | null>(null);
  const untrusted = trusted ? undefined : 'Trust this workspace to run workflows (Restricted Mode runs nothing)';
  const act = (action: RunControl) => {
    setBusy(action);
    onError(null);
    controller
      .control(action)
      .catch((e: Error) => onError(e.message))
      .finally(() => setBusy(null));
  };
  const idle = !trusted || busy !== null;
  const ended = status === 'failed' || status === 'cancelled' || status === 'interrupted';
  const control = (action: RunControl, icon: string, label: string, title: string, disabled: boolean) => (
    <Button icon={icon} secondary={action !== 'run'} title={title} disabled={disabled} onClick={() => act(action)} testId={TEST_IDS[action]} label={label} />
  );
  return (
    <>
      {control('run', 'play', 'Run', untrusted ?? 'Run the workflow (saves it first)', idle)}
      {control('runWithInputs', 'run-all', 'Inputs…', untrusted ?? 'Run with inputs…', idle)}
      {status === 'paused' || status === 'pausing' || status === 'interrupted'
        ? control('resume', 'debug-continue', 'Resume', untrusted ?? RESUME_TITLES[status], !trusted || (status !== 'interrupted' && !live))
        : control('pause', 'debug-pause', 'Pause', 'Pause: running nodes finish, nothing new starts', !live || status !== 'running')}
      {control('cancel', 'debug-stop', 'Cancel', 'Cancel the run', !live || !run || !isActiveRun(run.status))}
      {control('retryFailed', 'debug-restart', 'Retry failed', untrusted ?? 'Run the failed, cancelled and skipped nodes again', !trusted || !run || !ended)}
      <Button icon="screen-full" title="Fit the graph in view" onClick={() => controller.fitView()} testId="fit" />
    </>
  );
}

const RESUME_TITLES = {
  paused: 'Resume the run',
  pausing: 'Call the pause off: the run goes on (it waits for its running nodes to finish)',
  interrupted: 'Continue the interrupted run from its log',
};

const TEST_IDS: Record<RunControl, string> = {
  run: 'run',
  runWithInputs: 'run-with-inputs',
  pause: 'pause',
  resume: 'resume',
  cancel: 'cancel',
  retryFailed: 'retry-failed',
};

function RunPicker() {
  const controller = useController();
  const runs = usePanel((s) => s.runs);
  const runChoice = usePanel((s) => s.runChoice);
  const choices: Choice[] = [
    { value: FOLLOW, label: runs.length ? 'Latest run (follow)' : 'No runs yet' },
    ...runs.map((r) => ({ value: r.runId, label: `${when(r.startedAt)} · ${shownRunStatus(r)}${r.live && isActiveRun(r.status) ? ' (live)' : ''}` })),
  ];
  return (
    <Dropdown
      label="Run shown"
      value={runChoice ?? FOLLOW}
      choices={choices}
      onChange={(v) => controller.chooseRun(v === FOLLOW ? null : v)}
      testId="run-picker"
    />
  );
}

/** Finds nodes by id or name: Enter goes to the next match, Shift+Enter to the one before. */
function NodeSearch() {
  const controller = useController();
  const store = usePanelStore();
  const graph = usePanel((s) => s.graph);
  const [search, setSearch] = useState('');
  /** Which match Enter last went to; -1 before the first Enter. */
  const [cursor, setCursor] = useState(-1);
  const matches = searchNodes(graph, search);
  const find = (backwards: boolean) => {
    if (!matches.length) return;
    const next = (cursor + (backwards ? -1 : 1) + matches.length) % matches.length;
    setCursor(next);
    store.getState().select(matches[next]);
    controller.focusNode(matches[next]);
  };
  return (
    <>
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
    </>
  );
}

/** In a graph big enough to collapse, folds the phases the user expanded back into their group cards. */
function CollapsePhasesButton() {
  const store = usePanelStore();
  const expanded = usePanel((s) => (s.view.collapsible ? s.expandedPhases.length : 0));
  if (!expanded) return null;
  return (
    <Button
      icon="fold"
      secondary
      title={`Collapse the ${expanded} expanded phase${expanded === 1 ? '' : 's'} into group cards`}
      onClick={() => store.getState().collapsePhases()}
      testId="collapse-phases"
      label="Collapse phases"
    />
  );
}

/** Shows the workflow's own settings where a node's details would be, or closes them. */
function SettingsButton() {
  const store = usePanelStore();
  const open = usePanel((s) => s.settingsOpen);
  const has = usePanel((s) => s.graph?.settings !== undefined);
  return (
    <Button
      icon="settings-gear"
      secondary
      disabled={!has}
      pressed={open}
      title={open ? 'Close the workflow settings' : 'Workflow settings: name, description, concurrency, timeout, mutex, inputs'}
      onClick={() => store.getState().openSettings(!open)}
      testId="workflow-settings-button"
      label="Settings"
    />
  );
}

/** Opens the menu of node kinds under the button; the new node goes after the selected one, needing it. */
function AddNodeButton() {
  const store = usePanelStore();
  const selected = usePanel((s) => s.selected);
  return (
    <Button
      icon="add"
      secondary
      title={selected ? `Add a node after ${selected} (A)` : 'Add a node (A)'}
      onClick={(e) => {
        const r = e.currentTarget.getBoundingClientRect();
        store.getState().openMenu({ target: { kind: 'add' }, x: r.left, y: r.bottom + 2 });
      }}
      testId="add-node"
      label="Add node"
    />
  );
}
