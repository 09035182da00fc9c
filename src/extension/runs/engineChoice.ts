// Which engine the window uses: its own process, or one served elsewhere (`maestro.engine.url`, its token in VS
// Code's secret storage). Nothing is sent to a served engine from an untrusted workspace: its token is not even read.
// The status bar says which engine is in use and how the connection stands.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { isActiveRun } from '../../engine/runRules';
import type { Ctx } from '../ctx';
import { plainText } from '../ui/untrustedText';
import { parseEngineUrl } from './engineConnection';
import { ActionRefused } from './runActions';
import type * as ServedModule from './servedEngine';

const secretKey = (url: string) => `maestro.engine.token ${url}`;
const configuredUrl = (): string => vscode.workspace.getConfiguration('maestro').get<string>('engine.url', '').trim();
const setServed = (served: boolean) => void vscode.commands.executeCommand('setContext', 'maestro.engineServed', served);

let served: typeof ServedModule | undefined;

function servedModule(extensionPath: string): typeof ServedModule {
  // A path known only at run time: the bundler leaves this require to Node.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a bundle of its own, loaded on first use
  served ??= require(join(extensionPath, 'dist', 'servedEngine.js')) as typeof ServedModule;
  return served;
}

/** What a script (or a test) may pass to the connect command instead of being asked. */
export interface ConnectArguments {
  url?: string;
  token?: string;
}

export class EngineChoice implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('maestro.engine', vscode.StatusBarAlignment.Left, 39);
  private attached: { url: string; engine: ServedModule.ServedEngine; watch: { dispose(): void } } | undefined;
  private readonly disposables: vscode.Disposable[];

  constructor(private readonly ctx: Ctx) {
    this.item.name = 'Maestro Engine';
    this.item.command = 'maestro.connectEngine';
    this.disposables = [
      this.item,
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.followSetting()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('maestro.engine.url') && void this.followSetting()),
    ];
    setServed(false);
    this.show();
  }

  /** The served engine in use, if any. */
  get engine(): ServedModule.ServedEngine | undefined {
    return this.attached?.engine;
  }

  /** Attaches to the engine `maestro.engine.url` names, when the workspace is trusted and a token is saved for it. */
  async followSetting(): Promise<void> {
    const parsed = parseEngineUrl(configuredUrl());
    const url = 'url' in parsed ? parsed.url : undefined;
    if (!url || !vscode.workspace.isTrusted) {
      if (this.attached && !url) await this.useLocal();
      return;
    }
    if (this.attached?.url === url) return;
    const token = await this.ctx.extension.secrets.get(secretKey(url));
    if (!token) {
      const choice = await vscode.window.showWarningMessage(
        `Maestro: maestro.engine.url names ${new URL(url).host}, but this machine keeps no token for it. This window uses its own engine.`,
        'Connect to Engine…',
      );
      if (choice) await vscode.commands.executeCommand('maestro.connectEngine', { url });
      return;
    }
    await this.attach(url, token).catch((e: unknown) => {
      this.ctx.log.warn(`could not attach to ${url}: ${(e as Error).message}`);
      void vscode.window
        .showWarningMessage(`Maestro: ${plainText((e as Error).message, 300)}. This window uses its own engine.`, 'Connect to Engine…')
        .then((choice) => choice && vscode.commands.executeCommand('maestro.connectEngine', { url }));
    });
  }

  /** Maestro: Connect to Engine…: asks for the address and the token (or takes them), attaches, keeps both. */
  async connect(args: ConnectArguments = {}): Promise<void> {
    if (!vscode.workspace.isTrusted)
      throw new ActionRefused('Maestro sends no token from a workspace in Restricted Mode: trust this workspace to attach to a served engine.', 'untrusted');
    if (this.attached && !args.token && !(await this.keepOrLeave())) return;
    const url = args.url !== undefined ? checkedUrl(args.url) : await askUrl(this.attached?.url || configuredUrl() || 'http://127.0.0.1:7400');
    if (!url) return;
    const saved = await this.ctx.extension.secrets.get(secretKey(url));
    const token = args.token ?? (await askToken(url, saved !== undefined));
    if (token === undefined) return;
    if (!(await this.confirmLeavingLocal())) return;
    const attached = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Maestro: connecting to ${new URL(url).host}…` },
      () => this.attach(url, token || saved!),
    );
    await this.ctx.extension.secrets.store(secretKey(url), token || saved!);
    if (configuredUrl() !== url) await vscode.workspace.getConfiguration('maestro').update('engine.url', url, settingTarget());
    const who = attached.current.kind === 'connected' ? ` as ${attached.current.name} (${attached.current.role})` : '';
    void vscode.window.showInformationMessage(`Maestro: this window uses the engine at ${attached.address}${plainText(who)}.`);
  }

  /** Maestro: Disconnect from Engine: back to the window's own engine; the token stays saved for next time. */
  async disconnect(): Promise<void> {
    if (!this.attached) {
      void vscode.window.showInformationMessage('Maestro: this window already uses its own engine.');
      return;
    }
    await this.useLocal();
    const inspected = vscode.workspace.getConfiguration('maestro').inspect<string>('engine.url');
    const config = vscode.workspace.getConfiguration('maestro');
    if (inspected?.workspaceValue) await config.update('engine.url', undefined, vscode.ConfigurationTarget.Workspace);
    if (inspected?.globalValue) await config.update('engine.url', undefined, vscode.ConfigurationTarget.Global);
  }

  /** Attaches (or says why not, leaving the window on the engine it uses). */
  private async attach(url: string, token: string): Promise<ServedModule.ServedEngine> {
    const root = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath;
    if (!root) throw new Error('open the folder the engine serves first: files are matched by their path in it');
    const { ServedEngine } = servedModule(this.ctx.extension.extensionPath);
    const engine = new ServedEngine({ url, token, root, log: (level, message) => this.ctx.log[level](message), connectTimeoutMs: 10_000 });
    try {
      await engine.request('listRuns', { limit: 1 });
    } catch (e) {
      engine.dispose();
      throw e;
    }
    this.attached?.watch.dispose();
    await this.ctx.useEngine(() => engine);
    this.attached = { url, engine, watch: engine.onDidChangeState(() => this.show()) };
    setServed(true);
    this.show();
    return engine;
  }

  private async useLocal(): Promise<void> {
    this.attached?.watch.dispose();
    this.attached = undefined;
    await this.ctx.useEngine(() => this.ctx.localEngine());
    setServed(false);
    this.show();
  }

  /** Already attached: disconnect, or go on to attach to another engine. */
  private async keepOrLeave(): Promise<boolean> {
    const engine = this.attached!.engine;
    const choice = await vscode.window.showQuickPick(
      [
        { label: '$(debug-disconnect) Disconnect', description: 'use this window’s own engine', id: 'disconnect' },
        { label: '$(remote) Connect to another engine…', id: 'another' },
        { label: '$(output) Show Log', id: 'log' },
      ],
      { title: `Maestro: attached to the engine at ${engine.address}`, placeHolder: describe(engine.current) },
    );
    if (choice?.id === 'disconnect') await this.disconnect();
    if (choice?.id === 'log') this.ctx.log.show();
    return choice?.id === 'another';
  }

  /** Runs going in the window's own engine stop where they stand when it is let go: the user says so first. */
  private async confirmLeavingLocal(): Promise<boolean> {
    if (this.attached) return true;
    const going = this.ctx.runs.all().filter((r) => r.live && isActiveRun(r.status));
    if (!going.length) return true;
    const names = plainText(going.map((r) => r.workflowName).join(', '), 200);
    const choice = await vscode.window.showWarningMessage(
      `${names} ${going.length === 1 ? 'is' : 'are'} going in this window's engine. Attaching to another engine stops ${going.length === 1 ? 'it' : 'them'} where ${going.length === 1 ? 'it stands' : 'they stand'} (to be resumed later).`,
      { modal: true },
      'Attach',
    );
    return choice === 'Attach';
  }

  private show(): void {
    const engine = this.attached?.engine;
    this.item.backgroundColor = undefined;
    if (!engine) {
      this.item.text = '$(vm) local';
      this.item.tooltip = 'Maestro runs workflows in this window’s own engine. Click to attach to a served engine (maestro-dag serve).';
    } else {
      const state = engine.current;
      const icon = { connecting: '$(sync~spin)', connected: '$(remote)', reconnecting: '$(sync~spin)', refused: '$(error)', closed: '$(debug-disconnect)' }[
        state.kind
      ];
      this.item.text = `${icon} ${engine.address}`;
      this.item.tooltip = `Maestro engine at ${this.attached!.url}: ${describe(state)}. Click for options.`;
      if (state.kind === 'reconnecting') this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      if (state.kind === 'refused') this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    }
    this.item.show();
  }

  dispose(): void {
    this.attached?.watch.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function describe(state: ServedModule.ServedState): string {
  switch (state.kind) {
    case 'connected':
      return `attached as ${state.name} (${state.role})`;
    case 'reconnecting':
      return `connection lost (${state.reason}), reconnecting`;
    case 'refused':
      return `refused: ${state.reason}`;
    default:
      return state.kind;
  }
}

/** Where the address is saved: the workspace when one is open, else the user's settings. */
const settingTarget = () => (vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);

function checkedUrl(text: string): string {
  const parsed = parseEngineUrl(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.url;
}

async function askUrl(value: string): Promise<string | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'Maestro: Connect to Engine (1/2)',
    prompt: 'The address of a served engine (maestro-dag serve prints it)',
    value,
    ignoreFocusOut: true,
    validateInput: (t) => {
      const parsed = parseEngineUrl(t);
      return 'error' in parsed ? parsed.error : undefined;
    },
  });
  return text === undefined ? undefined : checkedUrl(text);
}

function askToken(url: string, saved: boolean): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: 'Maestro: Connect to Engine (2/2)',
    prompt: `The token for ${new URL(url).host}${saved ? ' (empty: the one saved)' : ''}. It is kept in VS Code's secret storage.`,
    password: true,
    ignoreFocusOut: true,
    validateInput: (text) => (text || saved ? undefined : 'a token is needed'),
  });
}
