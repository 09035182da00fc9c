// Where a `${{ … }}` ends, apart from the parser so that the panel's bundle can use it without it.

/** The offset of the `}}` that closes the expression starting at `from`, skipping `}}` in a quoted string; -1 if none. */
export function templateClose(text: string, from: number): number {
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "'") inString = !inString;
    else if (!inString && c === '}' && text[i + 1] === '}') return i;
  }
  return -1;
}
