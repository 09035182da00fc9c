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
}

/** A node of our format as a plain object, in the key order the file shows. */
export type NodeDoc = Record<string, unknown>;

/** The comment line that marks something left behind, for scripts and YAML comments alike. */
export const notImportedLine = (message: string): string => `${NOT_IMPORTED} ${message}`;
