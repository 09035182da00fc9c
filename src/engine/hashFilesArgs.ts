// What hashFiles() is given, read as GitHub's runner reads it: `--follow-symbolic-links` first to follow links, then
// patterns, one per line of each argument, an empty line or one starting with `#` being none. Pure: the engine
// matches them (run/io/hashFiles.ts), the validator checks those written as literals.

export const FOLLOW_LINKS = '--follow-symbolic-links';

/** The pattern lines of a call and whether it follows links; throws when the first argument is an unknown option. */
export function hashFilesLines(args: readonly string[]): { lines: string[]; followLinks: boolean } {
  const [first, ...rest] = args;
  if (!first?.startsWith('--')) return { lines: args.join('\n').split('\n'), followLinks: false };
  if (first.toLowerCase() !== FOLLOW_LINKS) throw new Error(`'${first}' is no option: the only one is '${FOLLOW_LINKS}', first`);
  return { lines: rest.join('\n').split('\n'), followLinks: true };
}

/** A pattern part as the literal name it stands for, or undefined when it holds a wildcard. */
export function literalOf(part: string): string | undefined {
  let literal = '';
  for (let i = 0; i < part.length; i++) {
    const c = part[i];
    if (c === '\\' && i + 1 < part.length) literal += part[++i];
    else if (c === '*' || c === '?') return undefined;
    else if (c === '[') {
      const close = part.indexOf(']', i + 2);
      const set = close < 0 ? '' : part.slice(i + 1, close);
      // `[x]` is the letter x; a set of several, or one with an escape, is a wildcard.
      if (close >= 0 && (set.length > 1 || set === '\\')) return undefined;
      if (close >= 0) {
        literal += set;
        i = close;
      } else literal += c;
    } else literal += c;
  }
  return literal;
}

/** A pattern line without its `!`s (whether they leave out), trimmed; undefined for an empty line or a comment. */
export function patternOfLine(line: string): { negate: boolean; text: string } | undefined {
  let text = line.trim();
  if (!text || text.startsWith('#')) return undefined;
  let negate = false;
  while (text.startsWith('!')) {
    negate = !negate;
    text = text.slice(1).trim();
  }
  return { negate, text: text.replace(/\/{2,}/g, '/') };
}

/** Why GitHub refuses a pattern line: nothing after its `!`, or a folder named by `.` (other than first) or `..`. */
export function patternLineProblem(line: string): string | undefined {
  const pattern = patternOfLine(line);
  if (!pattern) return undefined;
  if (!pattern.text) return `'${line.trim()}' leaves out nothing: write a pattern after '!'`;
  const climbs = pattern.text.split('/').some((part, i) => literalOf(part) === '..' || (i > 0 && literalOf(part) === '.'));
  if (climbs) return `'${line.trim()}' names a folder by '.' or '..', which GitHub does not allow: patterns name what is below the workspace`;
  return undefined;
}

/** What a call of hashFiles() with `first` as its first argument would fail with, whatever the others. */
export function hashFilesArgumentProblem(first: string): string | undefined {
  try {
    const { lines } = hashFilesLines([first]);
    for (const line of lines) {
      const problem = patternLineProblem(line);
      if (problem) return problem;
    }
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}
