// Actions that set a job's machine up on GitHub, which this machine already is: a `setup-*` action installs a tool
// there, where here the one on this machine's PATH runs the steps (its step checks that there is one and says so in
// the log when its version is not the one asked for); `actions/cache` keeps folders between runs, which stay on this
// machine anyway.
import { isObject, type Json, textOf } from '../../json';
import { shellQuoted } from '../../platform/shells';

interface Tool {
  /** As people name it. */
  name: string;
  /** The program the steps run, and the command that prints its version. */
  program: string;
  versionCommand: string;
  /** The `with:` key that asks for a version, and what the version command prints before it (`v` for `v20.11.0`). */
  versionKey?: string;
  shownAs?: string;
}

const TOOLS: Readonly<Record<string, Tool>> = {
  'actions/setup-node': { name: 'Node.js', program: 'node', versionCommand: 'node --version', versionKey: 'node-version', shownAs: 'v' },
  'actions/setup-python': { name: 'Python', program: 'python3', versionCommand: 'python3 --version', versionKey: 'python-version', shownAs: 'Python ' },
  'actions/setup-go': { name: 'Go', program: 'go', versionCommand: 'go version', versionKey: 'go-version', shownAs: 'go version go' },
  'actions/setup-java': { name: 'Java', program: 'java', versionCommand: 'java -version 2>&1 | head -n 1', versionKey: 'java-version' },
  'actions/setup-dotnet': { name: '.NET', program: 'dotnet', versionCommand: 'dotnet --version', versionKey: 'dotnet-version', shownAs: '' },
  'ruby/setup-ruby': { name: 'Ruby', program: 'ruby', versionCommand: 'ruby --version', versionKey: 'ruby-version', shownAs: 'ruby ' },
  'oven-sh/setup-bun': { name: 'Bun', program: 'bun', versionCommand: 'bun --version', versionKey: 'bun-version', shownAs: '' },
  'pnpm/action-setup': { name: 'pnpm', program: 'pnpm', versionCommand: 'pnpm --version', versionKey: 'version', shownAs: '' },
  'dtolnay/rust-toolchain': { name: 'Rust', program: 'cargo', versionCommand: 'rustc --version' },
  'actions-rs/toolchain': { name: 'Rust', program: 'cargo', versionCommand: 'rustc --version' },
  'astral-sh/setup-uv': { name: 'uv', program: 'uv', versionCommand: 'uv --version' },
};

const CACHE = /^actions\/cache(\/(restore|save))?@/;

/** The action a `uses:` names, without its version (`actions/setup-node`). */
const actionOf = (uses: string): string => uses.replace(/@.*$/, '').toLowerCase();

/** Whether a step uses an action that installs a tool (whose step here checks this machine's). */
export const isSetupAction = (step: Json): boolean => typeof step.uses === 'string' && TOOLS[actionOf(step.uses)] !== undefined;

/** A machine-setting step as comments and, where the node's shell is a POSIX shell, its check; undefined for any other step. */
export function setupStep(step: Json, posixShell: boolean): { comment: string; body?: string } | undefined {
  if (typeof step.uses !== 'string') return undefined;
  const given = isObject(step.with) ? step.with : {};
  if (CACHE.test(step.uses)) {
    const paths = textOf(given.path ?? '')
      .split('\n')
      .map((p) => p.trim())
      .filter(Boolean);
    return {
      comment: `# ${step.uses}: ${paths.length ? paths.join(', ') : 'what it caches'} ${paths.length > 1 ? 'stay' : 'stays'} on this machine between runs`,
    };
  }
  const tool = TOOLS[actionOf(step.uses)];
  if (!tool) return undefined;
  const asked = tool.versionKey !== undefined && given[tool.versionKey] !== undefined ? textOf(given[tool.versionKey]).trim() : undefined;
  const file = typeof given[`${tool.versionKey}-file`] === 'string' ? String(given[`${tool.versionKey}-file`]) : undefined;
  const wanted = asked ? ` (${tool.versionKey} ${asked})` : file ? ` (${tool.versionKey}-file ${file})` : '';
  const comment = `# ${step.uses}${wanted}: this machine's ${tool.name} runs the steps`;
  if (!posixShell) return { comment };
  const action = actionOf(step.uses);
  const missing = `${tool.program} --version > /dev/null 2>&1 || { echo ${shellQuoted(`${action}: ${tool.program} is not on the PATH of this machine`)} >&2; false; }`;
  return { comment, body: [missing, versionLine(tool, action, asked ?? (file ? `the version in ${file}` : undefined))].filter(Boolean).join('\n') };
}

/**
 * The line that says which version runs: only when it differs, for a version asked for by number (`20`, `3.12`); else
 * always, with what was asked for (a matrix value, `lts/*`, a file).
 */
function versionLine(tool: Tool, action: string, asked: string | undefined): string {
  // A matrix value is the engine's to put in (the file's own values); any other expression is left to the comment.
  if (asked === undefined || (asked.includes('${{') && !/^\$\{\{\s*matrix\.[\w-]+\s*\}\}$/.test(asked))) return '';
  const says = (what: string) => `echo "${action} asks for ${tool.name} ${what}; this machine has $(${tool.versionCommand})"`;
  const number = asked.replace(/\.x$/, '');
  if (tool.shownAs === undefined || !/^\d+(\.\d+){0,2}$/.test(number)) return says(asked.includes('${{') ? asked : asked.replace(/[\\"$`]/g, '\\$&'));
  const shown = `${tool.shownAs}${number}`;
  return `case "$(${tool.versionCommand})" in ${shellQuoted(shown)} | ${shellQuoted(shown)}.*) ;; *) ${says(asked)} >&2 ;; esac`;
}
