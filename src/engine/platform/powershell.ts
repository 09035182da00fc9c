// PowerShell runs a node's script the same way on every platform, as GitHub Actions runs `shell: pwsh`: without the
// user's profile, stopping at the first error, and ending with the exit code of the last program it ran.
import type { ScriptSource } from './platform';
import { programName } from './shells';

/** Whether a program is PowerShell: `pwsh`, or Windows PowerShell (`powershell.exe`), by any path. */
export const isPowerShell = (program: string): boolean => ['pwsh', 'powershell'].includes(programName(program));

/** GitHub's lines around a PowerShell script: stop at the first error; exit with the last program's exit code. */
export const POWERSHELL_PRELUDE = "$ErrorActionPreference = 'Stop'";
export const POWERSHELL_EPILOGUE = 'if ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }';

/**
 * PowerShell's arguments for a script, after its own options (`own`): the text, or the file dot-sourced (`-File`
 * would leave out the prelude), between GitHub's lines.
 */
export function powershellArgs(own: readonly string[], script: ScriptSource): string[] {
  const body = 'text' in script ? script.text : `. '${script.file.replace(/'/g, "''")}'`;
  return [...own, '-NoProfile', '-NonInteractive', '-Command', `${POWERSHELL_PRELUDE}\n${body}\n${POWERSHELL_EPILOGUE}`];
}
