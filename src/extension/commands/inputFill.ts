import { localValueSource } from '../../engine/localRunValues';
import type { InputSpec } from '../../engine/model';

/** What an input's box starts with, and what its prompt says of it. */
export interface Filled {
  value: string;
  note?: string;
}

/** Where a box's first value can come from, besides the input's default. */
export interface FillSources {
  /** This machine's and the Git checkout's values, for the inputs that stand for what GitHub gives a run. */
  local: Readonly<Record<string, string>>;
  /** The values given at the workflow's last prompt, of inputs that have no default (secrets never among them). */
  last: Readonly<Record<string, string>>;
  /** A secret input's value given last, from the secret storage. */
  rememberedSecret?: string;
  /** For a GitHub token input, the token of the GitHub account the editor is signed in to, if this extension may read it. */
  githubSignIn?: string;
}

/**
 * A string or number input's box: its default; else this machine's or the checkout's value; else the value given last
 * time. A secret's is the value remembered in the secret storage, else the GitHub sign-in's token; never a default or
 * a local value.
 */
export function filledValue(input: InputSpec, sources: FillSources): Filled {
  if (input.secret) {
    if (sources.rememberedSecret !== undefined)
      return { value: sources.rememberedSecret, note: "secret: the value given last time, from VS Code's secret storage" };
    if (sources.githubSignIn !== undefined) return { value: sources.githubSignIn, note: 'secret: the token of the GitHub account VS Code is signed in to' };
    return { value: '', note: 'secret: masked in logs, not kept with the run' };
  }
  if (input.default !== undefined) return { value: String(input.default) };
  if (input.type === 'string' && Object.hasOwn(sources.local, input.name))
    return { value: sources.local[input.name], note: `filled in: ${localValueSource(input.name)}` };
  if (Object.hasOwn(sources.last, input.name)) return { value: sources.last[input.name], note: 'filled in: the value given last time' };
  return { value: '' };
}

/** The answers kept for the workflow's next prompt: those of inputs with no default, never a secret's. */
export function answersToKeep(
  inputs: readonly InputSpec[],
  answers: Readonly<Record<string, string>>,
  before: Readonly<Record<string, string>>,
): Record<string, string> {
  const kept = { ...before };
  for (const input of inputs) {
    if (input.secret || input.default !== undefined || input.type === 'boolean' || !Object.hasOwn(answers, input.name)) continue;
    if (answers[input.name] === '') delete kept[input.name];
    else kept[input.name] = answers[input.name];
  }
  return kept;
}

/** Answers as the workspace's state gave them back: only names with string values (any other shape is nothing). */
export function storedAnswers(v: unknown): Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
