// Script injection: a value a run does not control (an input, an upstream output) put into `run` with `${{ }}`
// becomes shell code: `it's $(touch x)` runs `touch`. The fix GitHub's own linters give: pass the value in an
// environment variable and quote it in the script.
import type { Fix, Span, SpanDiagnostic, TextEdit } from '../../diagnostics';
import type { Reference } from '../../expressions/references';
import type { NodeSpec } from '../../model';
import { addMapEntry, yamlQuoted } from '../../edits/mapEntry';
import { quotingAt, variableUse } from '../../platform/shellQuoting';
import { isPosixShell } from '../../platform/shells';
import { shellDialect } from '../../scriptDialect';
import { rawAt, type SemanticContext } from './context';

/** The references that carry text from outside the script: `inputs.*` and `nodes.<id>.outputs.*`. */
export function untrustedReference(refs: readonly Reference[]): Reference | undefined {
  return refs.find(({ segments: [root, , field] }) => {
    const name = root.name.toLowerCase();
    return name === 'inputs' || (name === 'nodes' && (field === undefined || field.name === '*' || field.name.toLowerCase() === 'outputs'));
  });
}

/** Where a `${{ }}` of a node's run is: in the value, and in the file when the two read the same. */
export interface TemplateInRun {
  node: NodeSpec;
  value: string;
  /** The `${{ … }}` in the value, and its expression's source. */
  span: Span;
  source: string;
  /** The same `${{ … }}` in the file; undefined when escapes make it differ. */
  sourceSpan: Span | undefined;
  /** Where the diagnostic points. */
  reportSpan: Span;
}

/** A secret input written into a script is shown by the process list too, where the script is an argument. */
function secretNote(ctx: SemanticContext, ref: Reference): string {
  const [root, input] = ref.segments.map((s) => s.name);
  const secret = root.toLowerCase() === 'inputs' && Object.values(ctx.workflow.inputs).some((i) => i.secret && i.name.toLowerCase() === input?.toLowerCase());
  return secret ? ", and the secret would be in the script's text, which the process list shows" : '';
}

export function injectionWarning(ctx: SemanticContext, at: TemplateInRun, ref: Reference): SpanDiagnostic {
  const what = ref.segments.map((s) => s.name).join('.');
  const name = existingVariable(at) ?? variableName(ctx, at.node, ref);
  const warning = { span: at.reportSpan, severity: 'warning', code: 'script-injection' } as const;
  if (!isPosixShell(at.node.shell)) return { ...warning, message: `${what} ${otherLanguage(at.node.shell, name, secretNote(ctx, ref))}` };
  if (quotingAt(at.value, at.span.start) === 'literal') return { ...warning, message: `${what} ${inLiteralHeredoc(name, secretNote(ctx, ref))}` };
  const fix = moveToEnvFix(ctx, at, ref, name);
  return {
    ...warning,
    message: `${what} goes into the script as shell code: a value such as $(rm -rf ~) would run${secretNote(ctx, ref)}. Pass it through env and quote it in the script: "$${name}"`,
    ...(fix ? { fixes: [fix] } : {}),
  };
}

/**
 * The warning's words for a script a shell of another language runs (`shell: python3`): what would run, and how its
 * language reads the variable. No fix: the edit that quotes a shell variable would break such a script.
 */
function otherLanguage(shell: string | undefined, name: string, secret: string): string {
  const dialect = shellDialect(shell);
  if (dialect === 'python')
    return `goes into the script as Python code: a value such as "+__import__('os').system('rm -rf ~')+" would run${secret}. Pass it through env and read it in the script: os.environ["${name}"]`;
  if (dialect === 'javascript')
    return `goes into the script as JavaScript code: a value such as "+require('child_process').execSync('rm -rf ~')+" would run${secret}. Pass it through env and read it in the script: process.env.${name}`;
  return `goes into the script as code of its shell '${shell}': a value made to be read as code there would run${secret}. Pass it through env and read the variable ${name} in the script`;
}

/**
 * The warning's words for a value in the body of a here-document whose delimiter is quoted (`<<'EOF'`), which the shell
 * takes as it is: what reads the document (`python3 -`, a file it is written to) reads the value as its own code, and
 * a value with the delimiter's line in it ends the document early. No fix: no shell variable expands there.
 */
const inLiteralHeredoc = (name: string, secret: string): string =>
  `goes into a here-document as it is: whatever reads the document reads the value as its own code, and a value with the document's last line in it would end the document and run the lines after it as shell code${secret}. Pass it through env and read the variable ${name} where the document is read`;

const RESERVED = new Set(['PATH', 'HOME', 'PWD', 'OLDPWD', 'SHELL', 'USER', 'IFS', 'PS1', 'PS4', 'LANG', 'TERM', 'TMPDIR', 'HOSTNAME', 'UID']);

/** A variable name for a reference that no env of the node or the workflow uses yet. */
function variableName(ctx: SemanticContext, node: NodeSpec, ref: Reference): string {
  const clean = (s: string) => s.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  const names = ref.segments.map((s) => s.name).filter((n) => n !== '*');
  const last = clean(names[names.length - 1] ?? 'VALUE');
  const taken = (n: string) => RESERVED.has(n) || n.startsWith('MAESTRO_') || n in node.env || n in ctx.workflow.env;
  const prefix = ref.segments[0].name.toLowerCase() === 'inputs' ? 'INPUT' : clean(names[1] ?? 'NODE');
  const candidates = [last, `${prefix}_${last}`].map((n) => (/^[0-9]/.test(n) ? `_${n}` : n));
  for (const c of candidates) if (!taken(c)) return c;
  for (let i = 2; ; i++) if (!taken(`${candidates[1]}_${i}`)) return `${candidates[1]}_${i}`;
}

/** The replacement as the file must spell it, given how the scalar is written; undefined where it cannot be. */
function inScalarStyle(ctx: SemanticContext, at: TemplateInRun, text: string): string | undefined {
  const scalar = ctx.spanAt(['nodes', at.node.id, 'run']);
  const style = ctx.parsed.text[scalar.start];
  if (style === '"') return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  if (style === "'") return text.replace(/'/g, "''");
  if (style === '|' || style === '>') return text;
  // A plain scalar may not start with a quote (it would become a quoted scalar).
  return at.sourceSpan && at.sourceSpan.start === scalar.start ? undefined : text;
}

const expressionOf = (at: TemplateInRun) => `\${{ ${at.source.trim()} }}`;

/** A variable of the node's env that holds the same expression already. */
const existingVariable = (at: TemplateInRun): string | undefined => Object.entries(at.node.env).find(([, v]) => v.trim() === expressionOf(at))?.[0];

function moveToEnvFix(ctx: SemanticContext, at: TemplateInRun, ref: Reference, name: string): Fix | undefined {
  if (!at.sourceSpan) return undefined;
  const expression = expressionOf(at);
  const existing = existingVariable(at);
  const inScript = variableUse(name, quotingAt(at.value, at.span.start));
  const use = inScript === undefined ? undefined : inScalarStyle(ctx, at, inScript);
  if (use === undefined) return undefined;
  const edits: TextEdit[] = [{ span: at.sourceSpan, newText: use }];
  if (!existing) {
    const env = rawAt(ctx, ['nodes', at.node.id, 'env']);
    const entry =
      env === undefined
        ? addMapEntry(ctx.parsed, ['nodes', at.node.id], 'env', { [name]: yamlQuoted(expression) }, 'run')
        : addMapEntry(ctx.parsed, ['nodes', at.node.id, 'env'], name, yamlQuoted(expression));
    if (!entry) return undefined;
    edits.push(entry);
  }
  return { title: `Pass ${ref.segments.map((s) => s.name).join('.')} to the script in $${name}`, edits };
}
