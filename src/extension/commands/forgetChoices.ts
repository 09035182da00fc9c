// What *Forget Kept Results* offers: the workflow in view's kept results, with the team's when this window's runs
// write a shared cache, or all the workspace's. Pure: no vscode import.
import { plainText } from '../ui/untrustedText';

/** Whose kept results to forget: a workflow's or all the workspace's; with `shared`, the team's too. */
export interface ForgetScope<U> {
  uri?: U;
  of: string;
  shared?: boolean;
}

export interface ForgetChoice<U> {
  label: string;
  description?: string;
  detail?: string;
  scope: ForgetScope<U>;
}

/**
 * The choices, for the workflow `uri` (named `name`, as the workspace names it) if there is one in view. `team`:
 * this window's runs write a shared cache. `served`: the window uses a served engine, whose runs folder is the
 * server's, and whose shared cache, if any, the server's environment names (not this window's settings): the
 * team's results are not offered.
 */
export function forgetChoices<U>(o: { uri?: U; name?: string; team: boolean; served: boolean }): ForgetChoice<U>[] {
  const team = o.team && !o.served;
  const whose = o.served ? { description: "the served engine's" } : team ? { description: 'yours' } : {};
  const choices: ForgetChoice<U>[] = [];
  if (o.uri !== undefined && o.name !== undefined) {
    const of = ` of ${o.name}`;
    choices.push({ label: `Kept results of ${plainText(o.name)}`, ...whose, scope: { uri: o.uri, of } });
    if (team)
      choices.push({
        label: `Kept results of ${plainText(o.name)}, in the team's shared cache too`,
        detail: "Every teammate's next run of its cached nodes runs them again",
        scope: { uri: o.uri, of, shared: true },
      });
  }
  choices.push({ label: 'All kept results in the workspace', ...(o.served ? whose : {}), scope: { of: '' } });
  return choices;
}
