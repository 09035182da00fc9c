// The environment a node starts from. From the CLI it is the CLI's own: the user ran it in that shell. Under the
// editor, the engine's environment is the extension host's, which holds the editor's own plumbing: a node must not
// get the handles through which it could talk to the window (its IPC sockets, Git's askpass bridge), nor run
// Electron as plain Node.js by accident.

/** Where the CLI reads secret inputs' values from; a node never sees them but where its workflow puts them. */
export const SECRET_ENV_PREFIX = 'MAESTRO_SECRET_';

/** The environment variable a secret input's value is read from: the prefix and its name in capitals. */
export function secretEnvName(name: string): string {
  return `${SECRET_ENV_PREFIX}${name.toUpperCase().replace(/-/g, '_')}`;
}

/** Variables that belong to the editor and its Electron runtime, not to the user's shell. */
export function isEditorVariable(name: string, value: string): boolean {
  if (name.startsWith('VSCODE_') || name.startsWith('ELECTRON_')) return true;
  if (name === 'APPLICATION_INSIGHTS_NO_DIAGNOSTIC_CHANNEL' || name === 'MAESTRO_ENGINE_HOST') return true;
  // Git's askpass, pointed by the editor at a script that asks the window for credentials.
  if ((name === 'GIT_ASKPASS' || name === 'SSH_ASKPASS') && /askpass/i.test(value) && /(vscode|code-server|\bcode\b)/i.test(value)) return true;
  return false;
}

/** The environment without the editor's variables. */
export function withoutEditorVariables(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && !isEditorVariable(name, value)) out[name] = value;
  return out;
}

/**
 * What nodes start from in this process: without the editor's variables when the engine runs under the editor (the
 * host says so with MAESTRO_ENGINE_HOST=vscode), else the process's environment as it is; never the secret inputs'
 * variables.
 */
export function nodeBaseEnv(env: Readonly<Record<string, string | undefined>> = process.env): Record<string, string> {
  const base =
    env.MAESTRO_ENGINE_HOST === 'vscode'
      ? withoutEditorVariables(env)
      : Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  for (const name of Object.keys(base)) if (name.startsWith(SECRET_ENV_PREFIX)) delete base[name];
  return base;
}
