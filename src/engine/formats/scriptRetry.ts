// A retry loop around a script, for engines without retries of their own (GitHub Actions): the script is written to a
// file and run again until it succeeds or the attempts run out, with the delays of the node's retry policy. The loop is
// recognised on import, which gives the node back its retry setting.
import { retryDelay } from '../run/core/backoff';
import type { RetryPolicy } from '../model';
import { SCRIPT_FILE_PLACEHOLDER, takesScriptFile, withScriptFile } from '../platform/shells';

const MARKER = '# Retried by the exported workflow (the target has no retries): ';
const DELIMITER = 'MAESTRO_SCRIPT';

/**
 * The loop's text; `shell` runs the script file given after it (`bash -e`) or where it has `{0}` (`Rscript {0}`),
 * `attemptVariable` tells it which attempt it is.
 */
export function withRetryLoop(script: string, retry: RetryPolicy, shell: string, tempDir: string, attemptVariable: string): string {
  const attempts = retry.max + 1;
  const delays = Array.from({ length: retry.max }, (_, i) => Math.max(0, retryDelay(retry, i + 1) / 1000));
  const file = `"${tempDir}/maestro-script-$$"`;
  const command = takesScriptFile(shell) ? withScriptFile([shell.trim()], file)[0] : `${shell} ${file}`;
  // The heredoc ends the script's last line; whether the script did is kept beside the policy, and whether the
  // shell's `{0}` stood where the file is last (`Rscript {0}` and `Rscript` write one loop).
  const fileLast = takesScriptFile(shell) && shell.trim().endsWith(` ${SCRIPT_FILE_PLACEHOLDER}`);
  const policy = JSON.stringify({ ...retry, newline: script.endsWith('\n'), ...(fileLast ? { fileLast } : {}) });
  return [
    `${MARKER}${policy}`,
    `cat > ${file} <<'${DELIMITER}'`,
    script.endsWith('\n') ? script.slice(0, -1) : script,
    DELIMITER,
    `delays=(${delays.join(' ')})`,
    `for attempt in $(seq 1 ${attempts}); do`,
    `  if ${attemptVariable}=$attempt ${command}; then exit 0; fi`,
    `  if [ "$attempt" -lt ${attempts} ]; then sleep "\${delays[$((attempt - 1))]}"; fi`,
    'done',
    'exit 1',
  ].join('\n');
}

/** The script and retry policy inside a loop made by withRetryLoop, or undefined for any other script. */
export function parseRetryLoop(text: string): { script: string; retry: RetryPolicy; shellWords: string } | undefined {
  if (!text.startsWith(MARKER)) return undefined;
  const lines = text.split('\n');
  let retry: RetryPolicy;
  let newline: boolean;
  let fileLast: boolean | undefined;
  try {
    ({ newline, fileLast, ...retry } = JSON.parse(lines[0].slice(MARKER.length)) as RetryPolicy & { newline: boolean; fileLast?: boolean });
  } catch {
    return undefined;
  }
  const end = lines.indexOf(DELIMITER, 2);
  const file = /^cat > (.*) <<'MAESTRO_SCRIPT'$/.exec(lines[1])?.[1];
  if (end < 0 || !file) return undefined;
  const command = lines
    .slice(end)
    .map((l) => /^ {2}if \w+=\$attempt (.+); then exit 0; fi$/.exec(l)?.[1])
    .find((c) => c?.includes(file));
  if (!command) return undefined;
  const last = command.endsWith(` ${file}`) && !fileLast;
  const shellWords = last ? command.slice(0, -file.length - 1) : command.split(file).join(SCRIPT_FILE_PLACEHOLDER);
  return { script: lines.slice(2, end).join('\n') + (newline ? '\n' : ''), retry, shellWords };
}
