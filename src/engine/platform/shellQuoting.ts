// Where a place in a POSIX shell script stands as the shell reads it: inside quotes, in a here-document, in a
// comment. What puts a value into a script (an import, a quick fix) needs to know, to write a variable there that
// the shell expands as one word.

/**
 * The quoting at a place: `single` or `double` quotes, `none`, `heredoc` (the body of a here-document whose
 * delimiter is unquoted: expanded, its quotes taken as they are) or `literal` (a quoted delimiter's body: nothing
 * is expanded, so no variable can be written there).
 */
export type Quoting = 'single' | 'double' | 'none' | 'heredoc' | 'literal';

interface PendingHeredoc {
  delimiter: string;
  quoted: boolean;
  tabs: boolean;
}

/** The here-document that `<<` at `i` opens: its delimiter word and where the word ends; none for a shift (`$((1 << 2))`). */
function heredocAt(script: string, i: number): { heredoc: PendingHeredoc; end: number } | undefined {
  const line = script.slice(script.lastIndexOf('\n', i) + 1, i);
  if (line.lastIndexOf('$((') > line.lastIndexOf('))')) return undefined;
  const m = /^<<(-?)[ \t]*((?:[^\s;&|<>()'"\\]|\\.|'[^']*'|"[^"]*")+)/.exec(script.slice(i));
  if (!m) return undefined;
  const word = m[2];
  const quoted = /['"\\]/.test(word);
  return { heredoc: { delimiter: word.replace(/\\(.)/g, '$1').replace(/['"]/g, ''), quoted, tabs: m[1] === '-' }, end: i + m[0].length };
}

/** Where the bodies of here-documents opened on a line end, the line starting at `start`; at `offset` when inside one. */
function afterBodies(script: string, start: number, pending: PendingHeredoc[], offset: number): { end: number; inside?: Quoting } {
  let at = start;
  for (const h of pending) {
    for (;;) {
      const lineEnd = script.indexOf('\n', at);
      const end = lineEnd < 0 ? script.length : lineEnd;
      const line = script.slice(at, end);
      const closes = (h.tabs ? line.replace(/^\t+/, '') : line) === h.delimiter;
      if (!closes && offset < end + 1) return { end, inside: h.quoted ? 'literal' : 'heredoc' };
      at = end + 1;
      if (closes || lineEnd < 0) break;
    }
  }
  return { end: at - 1 };
}

/** The shell's quoting at an offset of a script. A comment (`#` where a word starts) runs to its line's end. */
export function quotingAt(script: string, offset: number): Quoting {
  let state: 'single' | 'double' | 'none' = 'none';
  let pending: PendingHeredoc[] = [];
  for (let i = 0; i < offset; i++) {
    const c = script[i];
    if (state === 'single') {
      if (c === "'") state = 'none';
    } else if (c === '\\') i++;
    else if (c === '"') state = state === 'double' ? 'none' : 'double';
    else if (state === 'double') continue;
    else if (c === "'") state = 'single';
    else if (c === '#' && (i === 0 || /\s/.test(script[i - 1]))) {
      const end = script.indexOf('\n', i);
      i = (end < 0 ? script.length : end) - 1;
    } else if (c === '<' && script.startsWith('<<<', i)) i += 2;
    else if (c === '<' && script[i + 1] === '<') {
      const opened = heredocAt(script, i);
      if (opened) pending.push(opened.heredoc);
      i = (opened?.end ?? i + 2) - 1;
    } else if (c === '\n' && pending.length) {
      const bodies = afterBodies(script, i + 1, pending, offset);
      if (bodies.inside) return bodies.inside;
      pending = [];
      i = bodies.end;
    }
  }
  return state;
}

/**
 * `"$NAME"`, written so that the shell reads it as one word where the quoting is `quoting`; undefined in a quoted
 * here-document, where nothing expands.
 */
export function variableUse(name: string, quoting: Quoting): string | undefined {
  if (quoting === 'literal') return undefined;
  if (quoting === 'double' || quoting === 'heredoc') return `\${${name}}`;
  if (quoting === 'single') return `'"$${name}"'`;
  return `"$${name}"`;
}
