// Linux, macOS and the BSDs: scripts run in bash (else sh), each node in its own process group, which signals to
// the negative pid reach as a whole.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Platform, RunProcess, ScriptSource, ShellInvocation } from './platform';
import { runProcessOf } from './platform';
import { codeOption, POSIX_SHELLS, shellSplit, takesScriptFile, withScriptFile } from './shells';
import { startShellGuard } from './shellGuard';
import { isPowerShell, powershellArgs } from './powershell';

/**
 * The program and arguments for a node's `shell`, which may carry its own options (`bash -x`, `python3 -u`).
 * POSIX shells also get `-e`, which stops the script at the first failing command, as CI runners do. A shell with
 * `{0}` runs as written, the script's file in place of `{0}`; PowerShell as on every platform (see powershellArgs).
 */
export function posixShellCommand(shell: string, script: ScriptSource): ShellInvocation {
  const [file = '', ...own] = shellSplit(shell);
  if (takesScriptFile(shell) && 'file' in script) return { file, args: withScriptFile(own, script.file) };
  if (isPowerShell(file)) return { file, args: powershellArgs(own, script) };
  const source = 'text' in script ? [codeOption(file), script.text] : [script.file];
  return { file, args: [...own, ...(POSIX_SHELLS.has(basename(file)) ? ['-e'] : []), ...source] };
}

export function posixDefaultShell(exists: (path: string) => boolean): { shell: string } | { error: string } {
  if (exists('/bin/bash') || exists('/usr/bin/bash')) return { shell: 'bash' };
  if (exists('/bin/sh')) return { shell: 'sh' };
  return { error: "no shell was found at /bin/bash or /bin/sh: name one with 'shell:' in the workflow's defaults or in each node" };
}

function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  // 0 and negative numbers would name the caller's own group, or every process.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function processAlive(pid: number, os: NodeJS.Platform): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (os !== 'linux') return true;
  try {
    // The state is the third field of stat, after the command in parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Linux: every process's environment and group, from /proc; processes of other users cannot be read and are not ours. */
function runProcessesFromProc(runId: string): RunProcess[] {
  const found: RunProcess[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${name}/environ`, 'latin1');
      if (!environ.includes(runId)) continue;
      // The group is the fifth field of stat, after the command in parentheses (which may hold spaces).
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const tree = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      const p = runProcessOf(Number(name), tree, environ.split('\0'), runId);
      if (p) found.push(p);
    } catch {
      // Gone meanwhile, or not ours.
    }
  }
  return found;
}

/** Elsewhere: `ps -E` prints each process's environment after its command. */
function runProcessesFromPs(runId: string): RunProcess[] {
  let text: string;
  try {
    text = execFileSync('ps', ['-axwwE', '-o', 'pid=,pgid=,command='], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return [];
  }
  const found: RunProcess[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes(runId)) continue;
    const [pid, tree, ...words] = line.trim().split(/\s+/);
    const p = runProcessOf(Number(pid), Number(tree), words, runId);
    if (p && p.pid !== process.pid) found.push(p);
  }
  return found;
}

export function posixPlatform(o: { exists?: (path: string) => boolean; os?: NodeJS.Platform } = {}): Platform {
  const exists = o.exists ?? existsSync;
  const os = o.os ?? process.platform;
  return {
    name: 'posix',
    defaultShell: () => posixDefaultShell(exists),
    shellCommand: posixShellCommand,
    shellProgram: (shell) => shellSplit(shell)[0] ?? '',
    detached: true,
    killTree: (pid, signal) => void signalGroup(pid, signal),
    treeAlive: (pid) => signalGroup(pid, 0),
    processAlive: (pid) => processAlive(pid, os),
    startGuard: startShellGuard,
    findRunProcesses: (runId) => (os === 'linux' ? runProcessesFromProc(runId) : runProcessesFromPs(runId)),
  };
}
