// The workflow's own settings, where a node's details would be: its name and description, how many nodes run at once,
// how long a run may take, the mutexes a run holds, the environment and defaults of every node, and its inputs. Each
// change is one edit at the top of the file.
import type { FieldValue } from '../../engine/edits/action';
import { DEFAULT_IMAGE } from '../../engine/formats/argo/images';
import { DEFAULT_SHELL_TEXT, SHELL_CHOICES } from '../../engine/shellChoices';
import type { WorkflowSettings } from '../protocol';
import type { Parse } from './formFields';
import { asCount, asDuration, asNames, asPairs, asPositiveCount, asScript, asText, Field, pairsText } from './formFields';
import { useBuilder, useController, usePanel, usePanelStore } from './context';
import { SettingsInputs } from './SettingsInputs';
import { DetailsFrame } from './DetailsFrame';
import { joinNames } from '../state/nameList';
import { ProblemList } from './ProblemList';

/** The settings the form has a field for; a problem in another is listed below it. */
const SHOWN = ['name', 'description', 'concurrency', 'timeout', 'mutex', 'env', 'defaults', 'inputs'];

const asName: Parse = (t) => (t.trim() === '' ? { error: 'a workflow needs its name' } : { value: t.trim() });

export function WorkflowSettingsPanel() {
  const settings = usePanel((s) => s.graph?.settings);
  const name = usePanel((s) => s.graph?.name ?? '');
  const store = usePanelStore();
  const controller = useController();
  if (!settings) return null;
  const close = () => {
    store.getState().openSettings(false);
    controller.focusCanvas();
  };
  return (
    <DetailsFrame
      label="Workflow settings"
      testId="workflow-settings"
      icon="settings-gear"
      title={name}
      heading={name}
      closeTitle="Close the settings (Escape)"
      close={close}
    >
      <div className="details-sub">
        <span>Workflow settings</span>
      </div>
      <SettingsForm settings={settings} />
    </DetailsFrame>
  );
}

function SettingsForm({ settings }: { settings: WorkflowSettings }) {
  const builder = useBuilder();
  const problemsOf = (field: string) => settings.problems.filter((p) => p.field === field);
  const field = (key: string, label: string, parse: Parse, initial: string, more: { placeholder?: string; multiline?: boolean | 'prose' } = {}) => ({
    label,
    name: key,
    initial,
    parse,
    commit: (value: FieldValue | undefined) => builder.setSetting(key, value),
    problems: problemsOf(key),
    ...more,
  });
  const other = settings.problems.filter((p) => p.field === undefined || !SHOWN.includes(p.field.replace(/^(inputs|defaults)\..*/, '$1')));
  const defaults = settings.defaults ?? {};
  const fallback = (key: string, label: string, parse: Parse, placeholder: string) =>
    field(`defaults.${key}`, label, parse, defaults[key] ?? '', { placeholder });
  return (
    <form className="node-form" tabIndex={-1} aria-label="Settings of the workflow" onSubmit={(e) => e.preventDefault()}>
      <Field {...field('name', 'Name', asName, settings.name ?? '')} />
      <Field {...field('description', 'Description', asScript, settings.description ?? '', { multiline: 'prose' })} />
      <Field {...field('concurrency', 'Concurrency', asPositiveCount, settings.concurrency ?? '', { placeholder: 'the number of CPU cores' })} />
      <Field {...field('timeout', 'Timeout of a run', asDuration, settings.timeout ?? '', { placeholder: 'none: 30m, 2h' })} />
      <Field {...field('mutex', 'Mutex', asNames, joinNames(settings.mutex ?? []), { placeholder: 'deploy-prod' })}>
        <p className="form-hint">Held by a run from before its first node to its end: runs that name it on this machine take turns.</p>
      </Field>
      <Field {...field('env', 'Environment of every node (NAME=value per line)', asPairs, pairsText(settings.env ?? {}), { multiline: true })} />
      <section className="settings-section" aria-label="Defaults of every node">
        <h3>Defaults of every node</h3>
        <p className="form-hint">A node that sets its own keeps it.</p>
        <Field {...fallback('timeout', 'Timeout of an attempt', asDuration, 'none: 5m, 90s')} />
        <Field {...fallback('retry', 'Retries', asCount, '0')} />
        <Field {...fallback('shell', 'Shell', asText, DEFAULT_SHELL_TEXT)} choices={SHELL_CHOICES} />
        <Field {...fallback('cwd', 'Working folder', asText, "the workflow file's folder")} />
        <Field {...fallback('image', 'Container image (Argo Workflows export)', asText, `by each node's shell: ${DEFAULT_IMAGE}, python:3…`)} />
      </section>
      <SettingsInputs inputs={settings.inputs} problemsOf={problemsOf} />
      <ProblemList problems={other} label="Other problems" />
    </form>
  );
}
