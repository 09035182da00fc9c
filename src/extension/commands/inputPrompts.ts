// The prompts for a run's inputs: typed, defaults and the Git checkout's values filled in, secrets in a password box.
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { localRunValues } from '../../engine/localRunValues';
import { readInputValue } from '../../engine/inputValue';
import type { InputSpec } from '../../engine/model';
import type { WorkflowDocuments } from '../language/documents';
import type { RunActions } from '../runs/runActions';
import type { SecretInputMemory } from '../runs/secretInputMemory';
import { plainText } from '../ui/untrustedText';
import { answersToKeep, filledValue, type FillSources } from './inputFill';
import type { LastAnswers } from './lastAnswers';
import { askGithubToken, silentGithubToken } from './githubToken';
import { isGithubTokenInput } from '../../engine/formats/githubActions/contexts';

/** An input a run cannot start without: required, with no default; or a secret, which a file never holds. */
const isMissing = (input: InputSpec): boolean => input.secret === true || (input.required && input.default === undefined);

/** Whether the value given to a secret input is kept for the next prompt (`maestro.rememberSecretInputs`). */
const remembersSecrets = (uri: vscode.Uri): boolean => vscode.workspace.getConfiguration('maestro', uri).get<boolean>('rememberSecretInputs', true);

/**
 * The values this machine and a workflow file's Git checkout give the inputs that stand for what GitHub gives a run
 * (`github_sha`, `runner_os`…), by input name.
 */
function localValues(uri: vscode.Uri, inputs: readonly InputSpec[]): Promise<Record<string, string>> {
  if (uri.scheme !== 'file') return Promise.resolve({});
  return localRunValues(
    dirname(uri.fsPath),
    inputs.map((i) => i.name),
  );
}

export class InputPrompts {
  constructor(
    private readonly documents: WorkflowDocuments,
    private readonly memory: SecretInputMemory,
    /** The answers given last, per workflow file (never a secret's). */
    readonly last: LastAnswers,
  ) {}

  /** An input of the workflow was renamed: what was given to it last fills in its prompt under the new name. */
  async followRename(uri: vscode.Uri, from: string, to: string): Promise<void> {
    await this.last.followRename(uri.toString(), from, to);
    await this.memory.followRename(uri.toString(), from, to);
  }

  /**
   * Asks for each input of a workflow (those `which` picks), typed, with its default filled in; undefined when the
   * user gives up, `{}` when there is nothing to ask.
   */
  async all(uri: vscode.Uri, which: (input: InputSpec) => boolean = () => true): Promise<Record<string, string> | undefined> {
    const doc = await vscode.workspace.openTextDocument(uri);
    return this.each(uri, Object.values(this.documents.index(doc).result.workflow.inputs).filter(which));
  }

  /** Asks for these inputs of a workflow file, in turn; undefined when the user gives up. */
  async each(uri: vscode.Uri, inputs: readonly InputSpec[]): Promise<Record<string, string> | undefined> {
    const local = await localValues(uri, inputs);
    const last = this.last.get(uri.toString());
    const values: Record<string, string> = {};
    for (const [i, input] of inputs.entries()) {
      const title = `${plainText(input.name)} (${i + 1}/${inputs.length})`;
      const value = input.type === 'boolean' ? await pickBoolean(input, title) : await this.ask(uri, input, title, { local, last });
      if (value === undefined) return undefined;
      values[input.name] = value;
    }
    await this.last.set(uri.toString(), answersToKeep(inputs, values, last));
    return values;
  }

  /**
   * Asks for the inputs a run cannot start without (as GitHub's Run workflow form does); `{}` when there are none,
   * and when the run would be refused anyway (Restricted Mode, a workflow with errors), so that it is refused first.
   */
  async missing(actions: RunActions, uri: vscode.Uri): Promise<Record<string, string> | undefined> {
    return (await actions.wouldRefuse(uri)) ? {} : this.all(uri, isMissing);
  }

  /** Forgets the secret inputs' remembered values; says how many. */
  forgetSecrets(): Promise<number> {
    return this.memory.forgetAll();
  }

  private async ask(uri: vscode.Uri, input: InputSpec, title: string, sources: Pick<FillSources, 'local' | 'last'>): Promise<string | undefined> {
    const remembers = input.secret === true && remembersSecrets(uri);
    const rememberedSecret = remembers ? await this.memory.get(uri.toString(), input.name) : undefined;
    const githubToken = input.secret === true && isGithubTokenInput(input.name);
    const githubSignIn = githubToken && rememberedSecret === undefined ? await silentGithubToken() : undefined;
    const filled = filledValue(input, {
      ...sources,
      ...(rememberedSecret !== undefined ? { rememberedSecret } : {}),
      ...(githubSignIn ? { githubSignIn } : {}),
    });
    const described = input.description ?? `Value of ${input.name} (${input.type})`;
    const prompt = plainText(filled.note ? `${described} (${filled.note})` : described);
    const validate = (v: string) => {
      const read = readInputValue(input, v);
      return 'error' in read ? plainText(read.error) : input.required && v === '' ? plainText(`${input.name} is required`) : undefined;
    };
    if (githubToken) {
      const answer = await askGithubToken({
        title,
        prompt: `${prompt}. The GitHub button: the token of the account VS Code is signed in to`,
        value: filled.value,
        validate,
      });
      // The sign-in's token is VS Code's to keep: a value remembered before would fill the box over it next time.
      const fromSignIn = answer !== undefined && (answer.fromSignIn || answer.value === githubSignIn);
      if (answer && remembers) await this.memory.remember(uri.toString(), input.name, fromSignIn ? '' : answer.value);
      return answer?.value;
    }
    const value = await vscode.window.showInputBox({ title, prompt, password: input.secret === true, value: filled.value, validateInput: validate });
    if (value !== undefined && remembers) await this.memory.remember(uri.toString(), input.name, value);
    return value;
  }
}

async function pickBoolean(input: InputSpec, title: string): Promise<string | undefined> {
  const items = ['true', 'false'].map((v) => ({ label: v, description: String(input.default ?? false) === v ? 'default' : undefined }));
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: plainText(input.description ?? `Value of ${input.name}`) });
  return picked?.label;
}
