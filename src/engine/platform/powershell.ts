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

/** A PowerShell script between GitHub's lines, for a file or a template that PowerShell runs as written. */
export const withPowershellLines = (script: string): string => `${POWERSHELL_PRELUDE}\n${script}\n${POWERSHELL_EPILOGUE}`;

/** The script withPowershellLines was given (the text itself where it is not between them). */
export function withoutPowershellLines(text: string): string {
  const start = `${POWERSHELL_PRELUDE}\n`;
  const end = `\n${POWERSHELL_EPILOGUE}`;
  const body = text.endsWith(`${end}\n`) ? text.slice(0, -1) : text;
  return body.startsWith(start) && body.endsWith(end) && body.length >= start.length + end.length ? body.slice(start.length, -end.length) : text;
}
