// Patterns as GitHub's runner matches them for hashFiles() (the rules of @actions/glob): each is made absolute
// against the workspace, matched by minimatch with dotfiles matched and no braces, extglobs or comments, and a
// pattern that does not end in `**` also matches everything below what it names. Pure: paths have `/` between parts.
import { Minimatch, type MinimatchOptions } from 'minimatch';
import { literalOf, patternLineProblem, patternOfLine } from '../../hashFilesArgs';

export const MATCHES_DIRECTORY = 1;
export const MATCHES_FILE = 2;
const MATCHES_ALL = MATCHES_DIRECTORY | MATCHES_FILE;

const OPTIONS: MinimatchOptions = { dot: true, nobrace: true, nocomment: true, noext: true, nonegate: true, nocase: process.platform === 'win32' };

export interface GlobPattern {
  negate: boolean;
  /** Ends in `/`: it names folders only. */
  folderOnly: boolean;
  /** Its last part is `**`. */
  endsInGlobstar: boolean;
  /** Made for what is below another pattern's match: it does not match that itself. */
  implicit: boolean;
  /** The literal folder before its first wildcard, where a walk for it starts. */
  searchPath: string;
  matcher: Minimatch;
}

/** A path written so that a glob reads it as itself. */
const globEscaped = (path: string): string => path.replace(/\\/g, '\\\\').replace(/[*?[]/g, '[$&]');

/** The absolute form of a pattern: under the workspace unless absolute, `~` under the home folder. */
function absolute(pattern: string, workspace: string, home: string): string {
  if (pattern === '.' || pattern.startsWith('./')) return globEscaped(workspace) + pattern.slice(1);
  if (pattern === '~' || pattern.startsWith('~/')) return globEscaped(home) + pattern.slice(1);
  if (pattern.startsWith('/') || /^[A-Za-z]:\//.test(pattern)) return pattern;
  return `${globEscaped(workspace).replace(/\/$/, '')}/${pattern}`;
}

function made(negate: boolean, text: string, implicit = false): GlobPattern {
  const folderOnly = text.length > 1 && text.endsWith('/');
  const trimmed = folderOnly ? text.replace(/\/+$/, '') : text;
  const parts = trimmed.split('/');
  const literal: string[] = [];
  for (const part of parts) {
    const name = literalOf(part);
    if (name === undefined) break;
    literal.push(name);
  }
  const joined = literal.join('/') || '/';
  const searchPath = /^[A-Za-z]:$/.test(joined) ? `${joined}/` : joined;
  return { negate, folderOnly, endsInGlobstar: parts[parts.length - 1] === '**', implicit, searchPath, matcher: new Minimatch(trimmed, OPTIONS) };
}

/**
 * A line of patterns as the patterns it stands for: none for an empty line or a comment, else the pattern and, when
 * it does not end in `**`, the same followed by `/**`. Throws when it climbs with `.` or `..`.
 */
export function globPattern(line: string, workspace: string, home: string): GlobPattern[] {
  const problem = patternLineProblem(line);
  if (problem) throw new Error(problem);
  const { negate, text } = patternOfLine(line) ?? { negate: false, text: '' };
  if (!text) return [];
  const pattern = made(negate, absolute(text, workspace, home));
  if (pattern.endsInGlobstar && !pattern.folderOnly) return [pattern];
  return [pattern, made(negate, `${pattern.matcher.pattern.replace(/\/$/, '')}/**`, true)];
}

/** How the patterns match a path, the last that speaks deciding: a file, a folder, both, or neither (0). */
export function matchKind(patterns: readonly GlobPattern[], path: string): number {
  let kind = 0;
  for (const p of patterns) {
    // minimatch matches `/a/**` against `/a/`, not `/a`: a pattern written so names `/a` too, one made for what is
    // below a match does not.
    const subject =
      p.endsInGlobstar && !p.implicit && !path.endsWith('/') ? `${path}/` : p.endsInGlobstar || path.length === 1 ? path : path.replace(/\/+$/, '');
    if (!p.matcher.match(subject)) continue;
    const matched = p.folderOnly ? MATCHES_DIRECTORY : MATCHES_ALL;
    kind = p.negate ? kind & ~matched : kind | matched;
  }
  return kind;
}

/** Whether something below the path may match one of the patterns that add paths. */
export function partlyMatches(patterns: readonly GlobPattern[], path: string): boolean {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return patterns.some((p) => {
    if (p.negate) return false;
    if (trimmed === '/' || /^[A-Za-z]:\/?$/.test(trimmed)) return p.searchPath.startsWith(trimmed.replace(/\/?$/, '/')) || p.searchPath === trimmed;
    return p.matcher.matchOne(trimmed.split(/\/+/), p.matcher.set[0], true);
  });
}

/** Where walks start: each pattern's search path that is not below another's, in the patterns' order. */
export function searchPaths(patterns: readonly GlobPattern[]): string[] {
  const starts = patterns.filter((p) => !p.negate).map((p) => p.searchPath);
  const all = new Set(starts);
  const below = (path: string) => {
    for (let up = parentOf(path); up !== undefined; up = parentOf(up)) if (all.has(up)) return true;
    return false;
  };
  return [...new Set(starts)].filter((path) => !below(path));
}

function parentOf(path: string): string | undefined {
  if (path === '/' || /^[A-Za-z]:\/?$/.test(path)) return undefined;
  const cut = path.lastIndexOf('/');
  return cut <= 0 ? '/' : /^[A-Za-z]:$/.test(path.slice(0, cut)) ? `${path.slice(0, cut)}/` : path.slice(0, cut);
}
