import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { oversizedAlias, oversizedAliasMessage } from '../validation/aliases';
import { keyProblemsOf, RESERVED_KEY, RESERVED_KEY_MESSAGE } from '../validation/document';
import { NOT_IMPORTED } from '../validation/importLeftovers';

/** A place in the imported file and what is wrong there. */
export interface ImportProblem {
  line: number;
  column: number;
  message: string;
}

/** A file that cannot be imported at all: the problems name the construct and its line. */
export class ImportError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ImportProblem[],
  ) {
    super(problems.map((p) => `${file}:${p.line}:${p.column}: ${p.message}`).join('\n'));
  }
}

export interface ImportResult {
  /** The workflow in our format. */
  text: string;
  /** What did not come along; each is also a `# not imported:` comment in the text, which the validator flags. */
  notImported: string[];
  /** The workflows of the repository it runs as sub-workflows, each to be imported too (see CalledWorkflow). */
  calls?: CalledWorkflow[];
}

/**
 * A workflow file an imported one calls: `uses` as the source names it (from the repository's root), `path` where the
 * new file expects its import (from the new file's folder).
 */
export interface CalledWorkflow {
  uses: string;
  path: string;
}

/** A node of our format as a plain object, in the key order the file shows. */
export type NodeDoc = Record<string, unknown>;

/**
 * Text that stays one comment line, in a script as in YAML: on one line (a line break in a step's name would make
 * what follows it a command), and with its `${{ }}` written without their braces (in a script the engine would
 * evaluate them, comment or not).
 */
export const commentText = (text: string): string =>
  text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/\$\{\{\s*(.*?)\s*\}\}/g, '$1')
    .replace(/\$\{\{/g, '$ {{');

/** A node's mutexes as its file writes them: one as a name, more as a list; none when there are none. */
export const mutexDoc = (names: Iterable<string>): NodeDoc => {
  const unique = [...new Set(names)].filter(Boolean);
  return unique.length ? { mutex: unique.length === 1 ? unique[0] : unique } : {};
};

/** The comment line that marks something left behind, for scripts and YAML comments alike. */
export const notImportedLine = (message: string): string => `${NOT_IMPORTED} ${commentText(message)}`;

interface ParsedText {
  docs: Document.Parsed[];
  lines: LineCounter;
}

function parsedText(text: string): ParsedText {
  const lines = new LineCounter();
  const all = parseAllDocuments(text, { lineCounter: lines });
  return { docs: Array.isArray(all) ? all : [], lines };
}

/**
 * Refuses a text that cannot become data as written, before a parser reads it as data:
 * - aliases that expand to more data than any workflow holds (an alias bomb): GitHub's parser took 5 s on a few lines
 *   that stand for a million values, and ten times as long for each line more;
 * - keys named `__proto__`, which plain data loses (a job's env, an input, an Argo task would vanish unsaid).
 * `parsed`: the text's documents where the caller has them already.
 */
export function refuseUnreadableData(text: string, fileName: string, parsed?: ParsedText): void {
  const mayExpand = text.includes('*');
  const mayLoseKeys = text.includes(RESERVED_KEY);
  if (!mayExpand && !mayLoseKeys) return;
  const { docs, lines } = parsed ?? parsedText(text);
  if (mayExpand) refuseOversizedAliases(docs, lines, text, fileName);
  if (mayLoseKeys) refuseReservedKeys(docs, lines, fileName);
}

function refuseOversizedAliases(docs: Document.Parsed[], lines: LineCounter, text: string, fileName: string): void {
  for (const doc of docs) {
    let found;
    try {
      found = oversizedAlias(doc, text);
    } catch {
      throw new ImportError(fileName, [{ line: 1, column: 1, message: 'the YAML is nested too deeply to read; nothing is imported' }]);
    }
    if (!found) continue;
    const at = lines.linePos(found.span.start);
    const message = `${oversizedAliasMessage(found, text.slice(found.span.start, found.span.end))}; nothing is imported`;
    throw new ImportError(fileName, [{ line: at.line, column: at.col, message }]);
  }
}

function refuseReservedKeys(docs: Document.Parsed[], lines: LineCounter, fileName: string): void {
  const problems = docs
    .flatMap((doc) => keyProblemsOf(doc).reservedKeys)
    .map((offset) => lines.linePos(offset))
    .map((at) => ({ line: at.line, column: at.col, message: `${RESERVED_KEY_MESSAGE}; rename it in this file, nothing is imported` }));
  if (problems.length) throw new ImportError(fileName, problems);
}

/** A name an import makes up (an input's, a node's): `base`, or `base_2`, `base_3`… the first that `used` does not hold. */
export function unusedName(used: ReadonlySet<string>, base: string): string {
  let name = base;
  for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
  return name;
}
