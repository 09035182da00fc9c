// Context names between our expressions and GitHub Actions': `nodes.X.outputs` is `needs.X.outputs`, `run.id` is
// `github.run_id`, `workflow.name` is `github.workflow`; `inputs`, `env` and `matrix` are the same on both sides.
import { callsFileFunction, type RefMapper, rewriteExpressions } from '../expressionMap';
import { unusedName } from '../importTypes';
import { withNodeStatuses } from './jobResults';

/**
 * The repository secret a secret input is on GitHub: its name, less the `secrets_` an import gave it, with `-` as `_`
 * (a secret's name is letters, digits and `_`).
 */
export function githubSecretName(input: string): string {
  const name = /^secrets_./i.test(input) ? input.slice('secrets_'.length) : input;
  return name.replace(/-/g, '_');
}

/**
 * Whether an input stands for a GitHub token: the one an import makes of `secrets.GITHUB_TOKEN` or `github.token`
 * (`secrets_GITHUB_TOKEN`, `github_token`), or one named so by hand (`GH_TOKEN`). A run may take it from the GitHub
 * account the editor is signed in to.
 */
export const isGithubTokenInput = (name: string): boolean => /^(secrets_)?(github|gh)_token$/i.test(name);

/**
 * Our references in GitHub's words; records the nodes read through `needs` (GitHub's has only direct needs). A secret
 * input (of `secretInputs`) is read as a repository secret.
 */
export function toGithubContexts(readsNode: (id: string) => string | undefined, secretInputs: readonly string[] = []): RefMapper {
  const secrets = new Map(secretInputs.map((name) => [name.toLowerCase(), name]));
  return (segments) => {
    const [root, second, third] = segments.map((s) => s.toLowerCase());
    const secret = root === 'inputs' && second !== undefined ? secrets.get(second) : undefined;
    if (secret !== undefined) return { length: 2, text: `secrets.${githubSecretName(secret)}` };
    if (root === 'nodes') {
      if (second === '*') return { problem: `'nodes.*' has no GitHub Actions equivalent` };
      if (third === 'outputs') {
        const problem = readsNode(segments[1]);
        return problem ? { problem } : { length: 1, text: 'needs' };
      }
      return { problem: `'nodes.${segments[1]}.${segments[2] ?? ''}' has no exact GitHub Actions equivalent (needs.<id>.result has other values)` };
    }
    if (root === 'run' && second === 'id') return { length: 2, text: 'github.run_id' };
    if (root === 'workflow' && second === 'name') return { length: 2, text: 'github.workflow' };
    return undefined;
  };
}

/** Contexts of GitHub Actions with no local counterpart, and what to do instead. */
const NOT_LOCAL: Record<string, string> = {
  runner: "use the environment of the machine that runs it (runner.os and runner.arch are asked for, filled in with this machine's)",
  steps: "a step's values are kept by GitHub's runner: pass a value to a later step in a file",
  job: 'use the environment of the machine that runs it',
  strategy: 'use the matrix values',
  jobs: 'read nodes.<id>.outputs',
};

/** What GitHub keeps out of logs: a repository's secrets and the run's token. */
const isSecretReference = (root: string, second: string | undefined): boolean => root === 'secrets' || (root === 'github' && second === 'token');

/** The input a value GitHub gives a run is asked for as (`github.sha` → `github_sha`, `secrets.NPM_TOKEN` → `secrets_NPM_TOKEN`), before any `_2`. */
export function valueInputName(segments: readonly string[]): string {
  const [root, ...rest] = segments;
  const words = [root.toLowerCase(), ...(root.toLowerCase() === 'github' ? rest.map((s) => s.toLowerCase()) : rest)];
  return words.join('_').replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * The values GitHub gives a run (`github.sha`, `github.ref_name`, a repository variable `vars.NAME`, a secret
 * `secrets.NAME`, the token…), asked for here as required string inputs, one per value: an imported workflow
 * validates, and its run asks for what GitHub would have filled in. A secret's or the token's input is secret: masked
 * in the run's logs and events, and not kept with the run.
 */
export class GithubValueInputs {
  private readonly byRef = new Map<string, { name: string; written: string; line: number; secret: boolean }>();

  /** `taken`: the names of the inputs the workflow declares itself. */
  constructor(private readonly taken: ReadonlySet<string>) {}

  /** The input's name for a reference (its segments as written), made once per value. */
  nameFor(segments: readonly string[], line: number): string {
    const key = segments.map((s) => s.toLowerCase()).join('.');
    const known = this.byRef.get(key);
    if (known) return known.name;
    const name = unusedName(new Set([...this.taken, ...[...this.byRef.values()].map((v) => v.name)]), valueInputName(segments));
    const [root, second] = segments.map((s) => s.toLowerCase());
    this.byRef.set(key, { name, written: segments.join('.'), line, secret: isSecretReference(root, second) });
    return name;
  }

  /** Whether the workflow declares an input of this name itself. */
  declares(name: string): boolean {
    return this.taken.has(name);
  }

  /** The value GitHub gives a run that an input made here stands for, as written (`github.sha`); undefined for any other. */
  madeFor(name: string): string | undefined {
    return [...this.byRef.values()].find((v) => v.name.toLowerCase() === name.toLowerCase())?.written;
  }

  /** The inputs to declare, in the order their values were first met. */
  declarations(): Record<string, { type: 'string'; required: true; secret?: true; description: string }> {
    return Object.fromEntries(
      [...this.byRef.values()].map(({ name, written, line, secret }) => [
        name,
        {
          type: 'string',
          required: true,
          ...(secret ? { secret: true } : {}),
          description: `${written} (line ${line}), which GitHub gives a run: give its value when you run this one`,
        },
      ]),
    );
  }

  /** `github.sha as github_sha, …` for the file's header. */
  summary(): string {
    return [...this.byRef.values()].map(({ name, written, secret }) => `${written} as ${name}${secret ? ' (secret)' : ''}`).join(', ');
  }
}

/** A reference written with dots, nothing more read of its value: one string an input can stand for. */
const isWholeValue = (at: { written: string; followedBy: string }): boolean => !at.written.includes('[') && at.followedBy !== '[' && at.followedBy !== '.';

/**
 * GitHub's references in our words; a value GitHub gives a run becomes an input of `asked`, and a reference with no
 * local counterpart is reported through `unknown`.
 */
export function fromGithubContexts(unknown: (reference: string, advice: string) => void, asked?: { inputs: GithubValueInputs; line: number }): RefMapper {
  return (segments, at) => {
    const [root, second, third, fourth] = segments.map((s) => s.toLowerCase());
    if (root === 'needs' && third === 'outputs') return { length: 1, text: 'nodes' };
    if (root === 'github' && second === 'run_id') return { length: 2, text: 'run.id' };
    if (root === 'github' && second === 'workflow') return { length: 2, text: 'workflow.name' };
    if (root === 'github' && second === 'event' && third === 'inputs' && fourth) return { length: 3, text: 'inputs' };
    const written = segments.join('.');
    const machine = root === 'runner' && (second === 'os' || second === 'arch') && segments.length === 2;
    if ((root === 'github' || root === 'vars' || root === 'secrets' || machine) && second && asked && isWholeValue(at))
      return { length: segments.length, text: `inputs.${asked.inputs.nameFor(segments, asked.line)}` };
    else if (root === 'needs')
      unknown(
        written,
        "a job's result translates where it is compared with a result or looked for with contains(): use nodes.<id>.status ('completed' for success)",
      );
    else if (NOT_LOCAL[root]) unknown(written, NOT_LOCAL[root]);
    else if (root === 'github' || root === 'vars' || root === 'secrets')
      unknown(written, 'use an input or an environment variable (an input is one string: give what is read of it, written with dots)');
    return undefined;
  };
}

/** Where a value's rewrite notes what has no local value, and asks for what GitHub gives a run as inputs. */
export interface ValueSink {
  notes: string[];
  inputs?: GithubValueInputs;
  /** What to do about a reference with no local value, where the caller knows better than the context's advice. */
  advice?: (reference: string) => string | undefined;
  /** The needs of the job the value is in, which `needs.*` reads. */
  needs?: readonly string[];
  /** The value is a step's, after steps that run commands, and the engine reads it as the job starts. */
  readAtJobStart?: boolean;
}

/** Rewrites a value's expressions into our contexts, noting those that have none. */
export function fromGithubValue(value: string, isCondition: boolean, sink: ValueSink, line: number): string {
  const unknown = (ref: string, advice: string) => sink.notes.push(`'${ref}' (line ${line}) has no local value: ${sink.advice?.(ref) ?? advice}`);
  const result = rewriteExpressions(
    withNodeStatuses(value, isCondition, sink.needs),
    isCondition,
    fromGithubContexts(unknown, sink.inputs && { inputs: sink.inputs, line }),
  );
  for (const problem of result.problems) sink.notes.push(`${problem} (line ${line})`);
  if (sink.readAtJobStart && callsFileFunction(value, isCondition))
    sink.notes.push(`'hashFiles()' (line ${line}) is read as the job starts, not when its step runs: what the steps before it write or change is not hashed`);
  return result.text;
}
