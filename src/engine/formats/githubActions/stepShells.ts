// A step that runs in another shell than its node's, as GitHub's runner runs it: its script written to a file of
// its own and run by that shell's command (`python {0}`, `pwsh -command ". '{0}'"`), in the step's subshell.
import { withPowershellLines } from '../../platform/powershell';
import { quotingAt, variableUse } from '../../platform/shellQuoting';
import { scriptFileExtension, shellSplit, shellWord } from '../../platform/shells';

/** How a step's shell runs its script: the command, `{0}` the script's file; the file's extension; lines around it. */
interface StepShell {
  command: string;
  extension: string;
  /** Whether GitHub's runner writes its PowerShell lines around the script in the file. */
  powershell?: true;
}

/** GitHub's commands for its named shells. */
const NAMED: Readonly<Record<string, StepShell>> = {
  bash: { command: 'bash --noprofile --norc -eo pipefail {0}', extension: 'sh' },
  sh: { command: 'sh -e {0}', extension: 'sh' },
  python: { command: 'python {0}', extension: 'py' },
  pwsh: { command: `pwsh -command ". '{0}'"`, extension: 'ps1', powershell: true },
  powershell: { command: `powershell -command ". '{0}'"`, extension: 'ps1', powershell: true },
};

/**
 * How a step's `shell` runs a file: a named shell's command, or a custom one with `{0}` (its file named for its
 * program, `.ps1` for `pwsh -File {0}`); undefined for `cmd` and a command with no program.
 */
export function stepShellOf(shell: string): StepShell | undefined {
  const named = Object.hasOwn(NAMED, shell.trim()) ? NAMED[shell.trim()] : undefined;
  if (named) return named;
  const program = shellSplit(shell)[0];
  // A command that names no program before its file (`{0}`) is no shell: the node's validation says so.
  if (!shell.includes('{0}') || program === undefined || program.includes('{0}')) return undefined;
  return { command: shell.trim(), extension: scriptFileExtension(program).slice(1) };
}

/** A here-document delimiter that no line of the body is. */
function delimiterFor(body: string): string {
  const lines = new Set(body.split('\n'));
  let delimiter = 'MAESTRO_STEP';
  while (lines.has(delimiter)) delimiter += '_';
  return delimiter;
}

/** The lines that write a step's script to a file of its own and run it in its shell; none for a shell with no command. */
export function ownShellLines(shell: string, body: string, values: ReadonlyMap<string, string> = new Map()): string[] | undefined {
  const how = stepShellOf(shell);
  if (!how) return undefined;
  const at = how.command.indexOf('{0}');
  const file = variableUse('step_file', quotingAt(how.command, at))!;
  const script = how.powershell ? withPowershellLines(body.replace(/\n$/, '')) : body.replace(/\n$/, '');
  return [
    `step_file="$(mktemp -d)/step.${how.extension}"`,
    `trap 'rm -rf "\${step_file%/*}"' EXIT`,
    ...fileWritingLines(script, values),
    how.command.replace('{0}', file),
  ];
}

/**
 * The lines that write a script to `$step_file`: a quoted here-document, which expands nothing; where values go into
 * the text (`values`: placeholder to variable), the lines that hold them are printed with the variables' values.
 */
function fileWritingLines(script: string, values: ReadonlyMap<string, string>): string[] {
  const delimiter = delimiterFor(script);
  if (!values.size) return [`cat > "$step_file" <<'${delimiter}'`, script, delimiter];
  const placeholders = new RegExp([...values.keys()].map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  const out = [': > "$step_file"'];
  let plain: string[] = [];
  const flush = () => {
    if (plain.length) out.push(`cat >> "$step_file" <<'${delimiter}'`, ...plain, delimiter);
    plain = [];
  };
  for (const line of script.split('\n')) {
    const pieces = line.split(placeholders);
    if (pieces.length === 1) {
      plain.push(line);
      continue;
    }
    flush();
    const taken = line.match(placeholders)!;
    const words = pieces.flatMap((text, i) => [...(text ? [shellWord(text)] : []), ...(i < taken.length ? [`"$${values.get(taken[i])}"`] : [])]);
    out.push(`printf '${'%s'.repeat(words.length)}\\n' ${words.join(' ')} >> "$step_file"`);
  }
  flush();
  return out;
}
