// The outputs a step writes to $GITHUB_OUTPUT that later steps of its job read (`steps.meta.outputs.tag` in a run,
// an env value or an `if`): the job's script takes each from the node's output file after the step, into a shell
// variable (`steps_meta_tag`) that the later steps read where GitHub would have written the value. `job.status` and
// `env.NAME` of what a step wrote to `$GITHUB_ENV` (./envFiles.ts) are read the same way, from the script's variables.
import type { Json } from '../../json';
import { collectReferences } from '../../expressions/references';
import { expressionPieces, findTemplates } from '../../expressions/template';
import { quotingAt, variableUse } from '../../platform/shellQuoting';
import { valueChain } from './fileHashReads';
import { readingTexts } from './stepTexts';
import { isJobStatus, JOB_RESULT } from './jobState';

/**
 * The script's variable a chain read in a step stands for (an earlier step's output, the job's status, a hashFiles()
 * call read as the step runs: see fileHashReads.ts), or undefined.
 */
export type ScriptVariable = (chain: readonly string[]) => string | undefined;

/** The script's variable of a step's output: `steps_meta_tag`. */
export const variableName = (id: string, name: string): string => `steps_${id}_${name}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');

/** `steps.<id>.outputs.<name>` as its id and name, or undefined for any other chain. */
export function outputOf(chain: readonly string[] | undefined): { id: string; name: string } | undefined {
  if (!chain || chain.length !== 4 || chain[0].toLowerCase() !== 'steps' || chain[2].toLowerCase() !== 'outputs') return undefined;
  return { id: chain[1], name: chain[3] };
}

/** The earlier steps' outputs read by the `run` steps of a job, and the variables that hold them. */
export class StepOutputs {
  /** By the position of the step that writes them: the outputs' names, lower case, with their variables. */
  private readonly captured = new Map<number, Map<string, string>>();
  private readonly positionOfId = new Map<string, number>();
  private jobStatusRead = false;

  constructor(steps: readonly Json[]) {
    steps.forEach((step, i) => {
      if (typeof step.id === 'string' && typeof step.run === 'string') this.positionOfId.set(step.id.toLowerCase(), i);
    });
    steps.forEach((step, i) => {
      if (typeof step.run !== 'string') return;
      for (const { text, isCondition } of readingTexts(step))
        for (const piece of expressionPieces(text, isCondition))
          for (const ref of piece.parsed ? collectReferences(piece.parsed).refs : []) {
            if (isJobStatus(ref.segments.map((s) => s.name))) this.jobStatusRead = true;
            const output = outputOf(ref.segments.map((s) => s.name));
            const from = output && this.positionOfId.get(output.id.toLowerCase());
            if (output && from !== undefined && from < i) this.capture(from, output.id, output.name);
          }
    });
  }

  private capture(position: number, id: string, name: string): void {
    const names = this.captured.get(position) ?? new Map<string, string>();
    names.set(name.toLowerCase(), variableName(id, name));
    this.captured.set(position, names);
  }

  /** Keeps a step's output for the script's end (a job output): its variable; undefined where the step runs nothing here. */
  keep(id: string, name: string): string | undefined {
    const position = this.positionOfId.get(id.toLowerCase());
    if (position === undefined) return undefined;
    this.capture(position, id, name);
    return variableName(id, name);
  }

  /** Whether any step reads another's outputs. */
  get any(): boolean {
    return this.captured.size > 0;
  }

  /** Whether any step reads `job.status`. */
  get readsJobStatus(): boolean {
    return this.jobStatusRead;
  }

  /** The outputs of the step at `position` (from 0) that later steps read, lower case, with their variables. */
  capturedAt(position: number): ReadonlyMap<string, string> {
    return this.captured.get(position) ?? new Map();
  }

  /** What the step at `position` may read: the job's status, and the outputs of earlier steps that it, or a later step, reads. */
  readableAt(position: number): ScriptVariable {
    return (chain) => {
      if (isJobStatus(chain)) return JOB_RESULT;
      const output = outputOf(chain);
      const from = output && this.positionOfId.get(output.id.toLowerCase());
      return output && from !== undefined && from < position ? this.captured.get(from)?.get(output.name.toLowerCase()) : undefined;
    };
  }
}

/**
 * A script with each `${{ steps.X.outputs.Y }}` (or other chain) that has a variable written as that variable, quoted
 * where it stands; `unexpanded`: those left where no variable expands (in a here-document whose delimiter is quoted),
 * as written.
 */
export function withOutputVariables(script: string, variable: ScriptVariable): { script: string; unexpanded: string[] } {
  let out = '';
  let last = 0;
  const unexpanded: string[] = [];
  for (const part of findTemplates(script)) {
    const chain = part.parsed ? valueChain(part.parsed.expr) : undefined;
    const name = chain && variable(chain);
    if (!name) continue;
    const use = variableUse(name, quotingAt(script, part.span.start));
    if (!use) {
      unexpanded.push(chain.join('.'));
      continue;
    }
    out += script.slice(last, part.span.start) + use;
    last = part.span.end;
  }
  return { script: out + script.slice(last), unexpanded };
}

/**
 * A script of another language, to be written to a file of its own, with each `${{ }}` chain that has a variable (an
 * earlier step's output, the job's status) taken out for a placeholder that occurs nowhere else: `values` gives the
 * variable of each, whose value goes into the file when the step runs, as GitHub puts it into the text.
 */
export function withValuePlaceholders(script: string, variable: ScriptVariable): { script: string; values: Map<string, string> } {
  const values = new Map<string, string>();
  let out = '';
  let last = 0;
  for (const part of findTemplates(script)) {
    const chain = part.parsed ? valueChain(part.parsed.expr) : undefined;
    const name = chain && variable(chain);
    if (!name) continue;
    let placeholder = `@@maestro-value-${values.size + 1}@@`;
    while (script.includes(placeholder)) placeholder = placeholder.replace(/@@$/, '-@@');
    values.set(placeholder, name);
    out += script.slice(last, part.span.start) + placeholder;
    last = part.span.end;
  }
  return { script: out + script.slice(last), values };
}

/**
 * An env value whose every `${{ }}` is a chain that has a variable (an earlier step's output…), as a double-quoted shell word
 * (`"v-${steps_a_b}"`); undefined for any other value.
 */
export function outputsWord(value: string, variable: ScriptVariable): string | undefined {
  const parts = findTemplates(value);
  if (!parts.length) return undefined;
  let word = '';
  let last = 0;
  for (const part of parts) {
    const chain = part.parsed ? valueChain(part.parsed.expr) : undefined;
    const name = chain && variable(chain);
    if (!name) return undefined;
    word += value.slice(last, part.span.start).replace(/[\\"$`]/g, '\\$&') + `\${${name}}`;
    last = part.span.end;
  }
  return `"${word}${value.slice(last).replace(/[\\"$`]/g, '\\$&')}"`;
}

/** The names a step's text writes to a file of the runner's (`NAME=` or `NAME<<` on a line that names the file). */
export function namesWrittenTo(run: string, file: 'GITHUB_ENV' | 'GITHUB_OUTPUT'): Set<string> {
  const names = run
    .split('\n')
    .filter((l) => new RegExp(`\\b${file}\\b`).test(l))
    .flatMap((l) => [...l.matchAll(/(?:^|[\s"'])([A-Za-z_][\w-]*)(?:=|<<)/g)].map((m) => m[1]));
  return new Set(names.filter((n) => n !== file));
}

/**
 * The shell lines that take the outputs of a step from the node's output file, written after the byte `from` holds:
 * `name=value` lines and `name<<DELIMITER` blocks, the last of each name, its case aside.
 */
export function captureLines(captured: ReadonlyMap<string, string>): string[] {
  return [...captured].map(([name, variable]) => `${variable}=$(step_output ${name} "$outputs_from")`);
}

/** The shell function `captureLines` calls, for the script's start. */
export const STEP_OUTPUT_FUNCTION = [
  '# A value a step wrote to $MAESTRO_OUTPUT after the byte given: name=value, or name<<DELIMITER … DELIMITER.',
  'step_output() {',
  '  tail -c +"$(($2 + 1))" "$MAESTRO_OUTPUT" 2>/dev/null | awk -v name="$1" \'',
  '    d != "" { if ($0 == d) { d = ""; v = t } else { t = t (n++ ? "\\n" : "") $0 }; next }',
  '    tolower(substr($0, 1, length(name) + 1)) == name "=" { v = substr($0, length(name) + 2); next }',
  '    tolower(substr($0, 1, length(name) + 2)) == name "<<" { d = substr($0, length(name) + 3); t = ""; n = 0 }',
  '    END { printf "%s", v }\'',
  '}',
];

/** The line before a step whose outputs are captured: where the output file ends. */
export const OUTPUTS_FROM_LINE = 'outputs_from=$({ wc -c < "$MAESTRO_OUTPUT"; } 2>/dev/null || echo 0)';
