// Windows. Workflows are written for a POSIX shell, so a node that names no shell runs in bash from Git for Windows
// when it is installed, and the run does not start otherwise, saying what to install or name. `shell: pwsh` (or
// powershell, or cmd) runs a node's script in that shell instead. A node's process tree is ended with taskkill /T.
// There is no watchdog here: a crashed engine can leave its nodes running (a job object would end them, which
// takes native code), and resume cannot look for processes an interrupted run left.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { win32 } from 'node:path';
import { isPowerShell, powershellArgs } from './powershell';
import type { Platform, ScriptSource, ShellInvocation } from './platform';
import { codeOption, POSIX_SHELLS, programName, shellSplit, takesScriptFile, withScriptFile } from './shells';

const GIT_BASH_FOLDERS = ['Git\\bin', 'Git\\usr\\bin'];

/** Where Git for Windows installs bash, under each Program Files folder the environment names. */
export function gitBashCandidates(env: Record<string, string | undefined>): string[] {
  const roots = [env.ProgramFiles, env['ProgramFiles(x86)'], env.ProgramW6432, env.LOCALAPPDATA && win32.join(env.LOCALAPPDATA, 'Programs')].filter(
    (r): r is string => Boolean(r),
  );
  return [...new Set(roots.flatMap((root) => GIT_BASH_FOLDERS.map((folder) => win32.join(root, folder, 'bash.exe'))))];
}

export const NO_POSIX_SHELL = [
  "this workflow's scripts need a POSIX shell, and none was found on this Windows machine.",
  'Install Git for Windows (its bash is found where it installs), or name a shell in the workflow:',
  "'shell: C:\\Program Files\\Git\\bin\\bash.exe' in 'defaults', 'shell: wsl bash' to run in WSL,",
  "or 'shell: pwsh' for nodes whose scripts are PowerShell.",
].join(' ');

const kind = (file: string): 'pwsh' | 'cmd' | 'posix' | 'wsl' | 'other' => {
  const name = programName(file);
  if (isPowerShell(file)) return 'pwsh';
  if (name === 'cmd') return 'cmd';
  if (name === 'wsl') return 'wsl';
  return POSIX_SHELLS.has(name) ? 'posix' : 'other';
};

/** Splits a `shell:` value into program and options; a program path with spaces may be quoted or written as is. */
function splitShell(shell: string): string[] {
  const trimmed = shell.trim();
  const exe = /^([^"'].*?\.exe)(?:\s+(.*))?$/i.exec(trimmed);
  if (exe) return [exe[1], ...shellSplit(exe[2] ?? '')];
  return shellSplit(trimmed);
}

/** As GitHub Actions runs them: pwsh as on every platform (see powershellArgs), cmd without the user's AutoRun commands. */
export function windowsShellCommand(shell: string, script: ScriptSource): ShellInvocation {
  const [file = '', ...own] = splitShell(shell);
  if (takesScriptFile(shell) && 'file' in script) return { file, args: withScriptFile(own, script.file) };
  switch (kind(file)) {
    case 'pwsh':
      return { file, args: powershellArgs(own, script) };
    case 'cmd':
      return { file, args: [...own, '/D', '/S', '/C', 'text' in script ? script.text : `"${script.file}"`] };
    case 'posix':
      return { file, args: [...own, '-e', ...('text' in script ? ['-c', script.text] : [script.file])] };
    case 'wsl': {
      // `wsl bash`: the shell inside WSL is the first option, and gets -e like any POSIX shell.
      const inner = own.length > 0 && POSIX_SHELLS.has(programName(own[0])) ? [own[0], '-e', ...own.slice(1)] : own;
      return { file, args: [...inner, ...('text' in script ? ['-c', script.text] : [script.file])] };
    }
    default:
      return { file, args: [...own, ...('text' in script ? [codeOption(file), script.text] : [script.file])] };
  }
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function windowsPlatform(o: { exists?: (path: string) => boolean; env?: Record<string, string | undefined> } = {}): Platform {
  const exists = o.exists ?? existsSync;
  const env = o.env ?? process.env;
  return {
    name: 'windows',
    defaultShell: () => {
      const bash = gitBashCandidates(env).find(exists);
      return bash ? { shell: `"${bash}"` } : { error: NO_POSIX_SHELL };
    },
    shellCommand: windowsShellCommand,
    shellProgram: (shell) => splitShell(shell)[0] ?? '',
    // A detached process gets a console window of its own on Windows: nodes stay attached, hidden.
    detached: false,
    killTree: (pid, signal) => {
      if (!Number.isInteger(pid) || pid <= 0) return;
      spawnSync('taskkill', ['/T', ...(signal === 'SIGKILL' ? ['/F'] : []), '/PID', String(pid)], { stdio: 'ignore', windowsHide: true });
    },
    treeAlive: (pid) => processAlive(pid),
    processAlive,
    startGuard: () => undefined,
    findRunProcesses: () => [],
  };
}
