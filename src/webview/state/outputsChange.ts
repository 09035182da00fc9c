// What an edit of a node's outputs list in the form means: one name changed in place is that output renamed (its
// writes and reads follow); anything else is the list set as written.

/** The output renamed by an edit of the list, when the edit is one name changed in place. */
export function renamedOutput(before: readonly string[], after: readonly string[] | undefined): { from: string; to: string } | undefined {
  if (!after || after.length !== before.length) return undefined;
  const changed = before.flatMap((name, i) => (name === after[i] ? [] : [i]));
  // Names moved about, or a name the list has already, are not a rename.
  if (changed.length !== 1 || before.includes(after[changed[0]])) return undefined;
  return { from: before[changed[0]], to: after[changed[0]] };
}
