// The builder's form: a node's properties as the file writes them, each change one edit of the YAML (committed on
// Enter or when the field loses focus), the validator's problems shown under the property they are in.
import { useEffect, useState } from 'react';
import type { FieldValue } from '../../engine/edits/action';
import { DEFAULT_IMAGE, imageForShell } from '../../engine/formats/argo/images';
import { DEFAULT_SHELL_TEXT, SHELL_CHOICES } from '../../engine/shellChoices';
import type { DagNode, NodeProblem } from '../protocol';
import { useBuilder, useController, usePanel } from './context';
import { asCount, asDuration, asLines, asList, asNames, asPairs, asPositiveCount, asScript, asText, Checkbox, Field, pairsText } from './formFields';
import { axesText, parseAxes, renamedMatrixKey, type Axes } from '../state/matrixText';
import { joinNames } from '../state/nameList';
import { renamedOutput } from '../state/outputsChange';
import { ProblemList, ProblemOwner } from './ProblemList';
import { Button } from './toolkit';

/** What the parts of the form share: the node, its problems by property, and the edit of a property. */
interface FormPart {
  node: DagNode;
  problemsOf: (field: string) => NodeProblem[];
  set: (key: string) => (value: FieldValue | undefined) => void;
}

/** The properties whose problems the node's form shows at their field; the others' are listed below the form. */
function fieldsShown(node: DagNode): string[] {
  return [
    ...['name', 'description', 'phase', 'if'],
    ...(node.kind === 'run' ? ['run', 'shell', 'mutex', 'artifacts', 'cwd', 'image'] : []),
    ...(node.kind === 'approval' ? ['approval'] : ['retry', 'timeout', 'outputs', 'env']),
    ...(node.kind === 'workflow' ? ['workflow', 'with'] : []),
    ...(node.kind !== 'approval' && typeof node.fields.continueOnError === 'string' ? ['continueOnError'] : []),
    ...(node.kind !== 'approval' && node.matrix ? ['maxParallel'] : []),
    ...(node.kind !== 'approval' && node.fields.matrixAxes ? ['matrix'] : []),
  ];
}

export function NodeForm({ node }: { node: DagNode }) {
  const builder = useBuilder();
  const f = node.fields;
  const part: FormPart = {
    node,
    problemsOf: (field) => node.problems.filter((p) => p.field === field),
    set: (key) => (value) => builder.set(node.id, key, value),
  };
  // One name changed in a step's outputs renames that output where its script writes it and where it is read.
  const setOutputs = (value: FieldValue | undefined) => {
    const renamed = node.kind === 'run' ? renamedOutput(f.outputs, Array.isArray(value) ? value.map(String) : undefined) : undefined;
    if (renamed) builder.renameOutput(node.id, renamed.from, renamed.to);
    else builder.set(node.id, 'outputs', value);
  };
  const shown = fieldsShown(node);
  const other = node.problems.filter((p) => p.field === undefined || !shown.includes(p.field));
  return (
    <ProblemOwner.Provider value={node.id}>
      <form className="node-form" tabIndex={-1} aria-label={`Properties of ${node.id}`} onSubmit={(e) => e.preventDefault()}>
        <NamingFields {...part} />
        {node.kind === 'run' ? <ScriptField {...part} /> : null}
        {node.kind === 'approval' ? <ApprovalFields {...part} /> : null}
        {node.kind === 'workflow' ? <WorkflowFields {...part} /> : null}
        <Field
          label="Condition (if)"
          name="if"
          initial={f.if ?? ''}
          placeholder="success()"
          parse={asText}
          commit={part.set('if')}
          problems={part.problemsOf('if')}
        />
        {node.kind !== 'approval' ? <StepFields {...part} setOutputs={setOutputs} /> : null}
        {node.kind === 'run' ? <PlaceFields {...part} /> : null}
        {node.matrix && node.kind !== 'approval' ? <MatrixFields {...part} /> : null}
        <ProblemList problems={other} label="Other problems" />
      </form>
    </ProblemOwner.Provider>
  );
}

/** What every node has first: its id, name, description and phase. */
function NamingFields({ node, problemsOf, set }: FormPart) {
  const builder = useBuilder();
  const f = node.fields;
  return (
    <>
      <Field label="Id" name="id" initial={node.id} parse={asText} commit={(v) => typeof v === 'string' && builder.rename(node.id, v.trim())} problems={[]} />
      <Field label="Name" name="name" initial={f.name ?? ''} placeholder={node.id} parse={asText} commit={set('name')} problems={problemsOf('name')} />
      <Field
        label="Description"
        name="description"
        initial={f.description ?? ''}
        parse={asScript}
        commit={set('description')}
        problems={problemsOf('description')}
        multiline="prose"
      />
      <Field
        label="Phase"
        name="phase"
        initial={f.phase ?? ''}
        placeholder="design, testing…"
        parse={asText}
        commit={set('phase')}
        problems={problemsOf('phase')}
      />
    </>
  );
}

interface OwnSettingProps {
  part: FormPart;
  name: 'shell' | 'cwd' | 'image';
  label: string;
  /** What applies where neither the node nor the workflow's defaults give the setting. */
  otherwise: string;
  choices?: readonly string[];
}

/** A setting of where a node's script runs, empty where the node has none of its own: the default shows in its place. */
function OwnSetting({ part, name, label, otherwise, choices }: OwnSettingProps) {
  const given = usePanel((s) => s.graph?.settings?.defaults?.[name]);
  return (
    <Field
      label={label}
      name={name}
      initial={part.node.fields[name] ?? ''}
      placeholder={given !== undefined ? `${given} (the workflow's default)` : otherwise}
      choices={choices}
      parse={asText}
      commit={part.set(name)}
      problems={part.problemsOf(name)}
    />
  );
}

function ScriptField(part: FormPart) {
  const { node, problemsOf, set } = part;
  const controller = useController();
  return (
    <>
      <Field
        label="Script (Ctrl+Enter to apply)"
        name="run"
        initial={node.fields.run ?? ''}
        parse={asScript}
        commit={set('run')}
        problems={problemsOf('run')}
        multiline
      >
        <Button icon="go-to-file" secondary label="Edit in the editor" onClick={() => void controller.openScript(node.id).catch(() => undefined)} />
      </Field>
      <OwnSetting part={part} name="shell" label="Shell" otherwise={DEFAULT_SHELL_TEXT} choices={SHELL_CHOICES} />
    </>
  );
}

/** What a node's script leaves and where it runs: its artifacts, its working folder, its image in an Argo Workflows export. */
function PlaceFields(part: FormPart) {
  const workflowShell = usePanel((s) => s.graph?.settings?.defaults?.shell);
  // Where neither the node nor the workflow names an image, the export takes one that has the shell's program.
  const exportImage = imageForShell(part.node.fields.shell ?? workflowShell) ?? DEFAULT_IMAGE;
  return (
    <>
      <Field
        label="Artifacts (a path or glob a line, from its working folder)"
        name="artifacts"
        initial={(part.node.fields.artifacts ?? []).join('\n')}
        placeholder="dist/**"
        parse={asLines}
        commit={part.set('artifacts')}
        problems={part.problemsOf('artifacts')}
        multiline
      />
      <OwnSetting part={part} name="cwd" label="Working folder" otherwise="the workflow file's folder" />
      <OwnSetting part={part} name="image" label="Container image (Argo Workflows export)" otherwise={exportImage} />
    </>
  );
}

function ApprovalFields({ node, problemsOf, set }: FormPart) {
  const f = node.fields;
  // The gate's settings are one mapping: a change to one part writes the mapping with the other kept.
  const setPart = (part: 'prompt' | 'timeout') => (value: FieldValue | undefined) => {
    const approval: Record<string, FieldValue> = {
      ...(f.prompt !== undefined ? { prompt: f.prompt } : {}),
      ...(f.approvalTimeout !== undefined ? { timeout: f.approvalTimeout } : {}),
    };
    if (value === undefined) delete approval[part];
    else approval[part] = value;
    set('approval')(approval);
  };
  return (
    <>
      <Field label="Prompt" name="prompt" initial={f.prompt ?? ''} parse={asText} commit={setPart('prompt')} problems={problemsOf('approval')} />
      <Field
        label="Waits at most"
        name="approvalTimeout"
        initial={f.approvalTimeout ?? ''}
        placeholder="1h (empty: until answered)"
        parse={asDuration}
        commit={setPart('timeout')}
        problems={[]}
      />
    </>
  );
}

/** The workflow files a sub-workflow node may run, asked of the host when the form shows one. */
function useWorkflowFiles(): string[] {
  const controller = useController();
  const [files, setFiles] = useState<string[]>([]);
  useEffect(() => {
    let shown = true;
    controller
      .workflowFiles()
      .then((f) => shown && setFiles(f))
      .catch(() => undefined);
    return () => {
      shown = false;
    };
  }, [controller]);
  return files;
}

function WorkflowFields({ node, problemsOf, set }: FormPart) {
  const files = useWorkflowFiles();
  return (
    <>
      <Field
        label="Workflow file"
        name="workflow"
        initial={node.fields.workflow ?? ''}
        parse={asText}
        commit={set('workflow')}
        problems={problemsOf('workflow')}
        placeholder="./deploy.workflow.yaml"
        choices={files}
      />
      <Field
        label="Inputs (NAME=value per line)"
        name="with"
        initial={pairsText(node.fields.with)}
        parse={asPairs}
        commit={set('with')}
        problems={problemsOf('with')}
        multiline
      />
    </>
  );
}

/** A matrix node's axes (written out), and how its instances run: how many at once, whether a failure cancels the others. */
function MatrixFields({ node, problemsOf, set }: FormPart) {
  const builder = useBuilder();
  const f = node.fields;
  const axes = f.matrixAxes;
  // One key changed in place renames it where the node reads it and in the instance ids others read it by.
  const setAxes = (value: FieldValue | undefined) => {
    const next = (value ?? {}) as Axes;
    const renamed = axes && renamedMatrixKey(axes, next);
    if (renamed) builder.renameMatrixKey(node.id, renamed.from, renamed.to);
    else builder.setMatrixAxes(node.id, next);
  };
  return (
    <>
      {axes ? (
        <Field
          label="Matrix (key: values per line)"
          name="matrix"
          multiline
          initial={axesText(axes)}
          placeholder="os: linux, macos"
          parse={parseAxes}
          commit={setAxes}
          problems={problemsOf('matrix')}
        />
      ) : null}
      <Field
        label="Instances at once (maxParallel)"
        name="maxParallel"
        initial={f.maxParallel === undefined ? '' : String(f.maxParallel)}
        placeholder="as many as concurrency allows"
        parse={asPositiveCount}
        commit={set('maxParallel')}
        problems={problemsOf('maxParallel')}
      />
      <Checkbox
        label="Fail fast (a failed instance cancels the others)"
        field="failFast"
        checked={f.failFast}
        commit={(v) => builder.set(node.id, 'failFast', v ? true : undefined)}
      />
    </>
  );
}

/** A checkbox; where the file decides it by an expression, the expression's text. */
function ContinueOnErrorField({ node, problemsOf, set }: FormPart) {
  const builder = useBuilder();
  const value = node.fields.continueOnError;
  if (typeof value === 'string')
    return (
      <Field
        label="Continue on error when"
        name="continueOnError"
        initial={value}
        placeholder="${{ matrix.experimental }}"
        parse={asText}
        commit={set('continueOnError')}
        problems={problemsOf('continueOnError')}
      />
    );
  return (
    <Checkbox label="Continue on error" field="continueOnError" checked={value} commit={(v) => builder.set(node.id, 'continueOnError', v ? true : undefined)} />
  );
}

/** What only a node that runs a script has: a kept result to reuse, mutexes. */
function ScriptOnlyFields({ node, problemsOf, set }: FormPart) {
  const builder = useBuilder();
  return (
    <>
      <Checkbox
        label="Reuse a kept result (cache)"
        field="cache"
        checked={node.fields.cache === true}
        title="Not run when an earlier run kept a result for the same script and settings; files and ttl are set in the YAML, and go when this is cleared"
        commit={(v) => builder.set(node.id, 'cache', v ? true : undefined)}
      />
      <Field
        label="Mutex (nodes that name one run one at a time)"
        name="mutex"
        initial={joinNames(node.fields.mutex ?? [])}
        placeholder="port-5432, deploy-staging"
        parse={asNames}
        commit={set('mutex')}
        problems={problemsOf('mutex')}
      />
    </>
  );
}

/** What a step and a sub-workflow have: retries, a timeout, continueOnError, outputs, environment. */
function StepFields({ node, problemsOf, set, setOutputs }: FormPart & { setOutputs: (value: FieldValue | undefined) => void }) {
  const f = node.fields;
  return (
    <>
      <Field
        label="Retries"
        name="retry"
        initial={f.retry === undefined ? '' : String(f.retry)}
        placeholder="0"
        parse={asCount}
        commit={set('retry')}
        problems={problemsOf('retry')}
      />
      <Field
        label="Timeout"
        name="timeout"
        initial={f.timeout ?? ''}
        placeholder="5m, 90s…"
        parse={asDuration}
        commit={set('timeout')}
        problems={problemsOf('timeout')}
      />
      <ContinueOnErrorField node={node} problemsOf={problemsOf} set={set} />
      {node.kind === 'run' ? <ScriptOnlyFields node={node} problemsOf={problemsOf} set={set} /> : null}
      <Field
        label="Outputs"
        name="outputs"
        initial={f.outputs.join(', ')}
        placeholder="version, url"
        parse={asList}
        commit={setOutputs}
        problems={problemsOf('outputs')}
      />
      <Field
        label="Environment (NAME=value per line)"
        name="env"
        initial={pairsText(f.env)}
        parse={asPairs}
        commit={set('env')}
        problems={problemsOf('env')}
        multiline
      />
    </>
  );
}
