// A GitHub token input's box: a password box with a button that takes the token of the GitHub account VS Code is
// signed in to (VS Code asks the user's consent the first time), instead of a token pasted in.
import * as vscode from 'vscode';
import { plainText } from '../ui/untrustedText';

/** What a workflow's GITHUB_TOKEN may do on GitHub: its repository's contents, issues, pull requests, releases. */
const SCOPES = ['repo'];
const PROVIDER = 'github';

/** The sign-in's token if this extension may already read it (no prompt, no consent asked); else undefined. */
export async function silentGithubToken(): Promise<string | undefined> {
  try {
    return (await vscode.authentication.getSession(PROVIDER, SCOPES, { silent: true }))?.accessToken;
  } catch {
    return undefined;
  }
}

export interface TokenBoxOptions {
  title: string;
  prompt: string;
  value: string;
  /** Why a value cannot be taken (shown under the box), or undefined. */
  validate: (value: string) => string | undefined;
}

/** What the box gave: a token typed (or left as filled in), or the sign-in's. */
export type TokenAnswer = { value: string; fromSignIn: boolean };

const SIGN_IN_BUTTON: vscode.QuickInputButton = {
  iconPath: new vscode.ThemeIcon('github'),
  tooltip: 'Use the GitHub account VS Code is signed in to',
};

/** Asks for a GitHub token; undefined when the user gives up. */
export function askGithubToken(o: TokenBoxOptions): Promise<TokenAnswer | undefined> {
  const box = vscode.window.createInputBox();
  Object.assign(box, { title: o.title, prompt: o.prompt, value: o.value, password: true, buttons: [SIGN_IN_BUTTON] });
  return new Promise<TokenAnswer | undefined>((resolve) => {
    let answer: TokenAnswer | undefined;
    const done = (a: TokenAnswer | undefined) => {
      answer = a;
      box.hide();
    };
    const subscriptions = [
      box.onDidChangeValue((v) => (box.validationMessage = o.validate(v))),
      box.onDidAccept(() => {
        const problem = o.validate(box.value);
        if (problem) box.validationMessage = problem;
        else done({ value: box.value, fromSignIn: false });
      }),
      box.onDidTriggerButton(async () => {
        const token = await signIn(box);
        if (token !== undefined) done({ value: token, fromSignIn: true });
      }),
      box.onDidHide(() => {
        for (const s of subscriptions) s.dispose();
        box.dispose();
        resolve(answer);
      }),
    ];
    box.show();
  });
}

/** The sign-in's token, VS Code asking the user's consent if it must; on failure the box says why and stays open. */
async function signIn(box: vscode.InputBox): Promise<string | undefined> {
  // VS Code's consent dialog takes the focus, which would close the box.
  box.ignoreFocusOut = true;
  box.busy = true;
  box.validationMessage = undefined;
  try {
    return (await vscode.authentication.getSession(PROVIDER, SCOPES, { createIfNone: true })).accessToken;
  } catch (e) {
    box.validationMessage = plainText(`No token from the GitHub sign-in (${(e as Error).message}): paste a token instead`);
    return undefined;
  } finally {
    box.busy = false;
    box.ignoreFocusOut = false;
  }
}
