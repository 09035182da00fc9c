// Workflow files built to hang or flood what reads them, each small enough to commit (100–330 KB). Shared by the
// tests and the benchmark, which times them against a valid 20,000-node file.

const lines = (...xs: string[]) => xs.join('\n') + '\n';

export const hostile = {
  /** An anchor of 100,000 scalars (or `scalars`) aliased 999 times (203 KB). */
  aliasFanOut: (scalars = 100_000): string =>
    lines(
      'version: 1',
      'name: bomb',
      `x-anchor: &a [${Array(scalars).fill('1').join(',')}]`,
      `x-refs: [${Array(999).fill('*a').join(',')}]`,
      'nodes:',
      '  a: { run: echo }',
    ),
  /** n nodes needing each other in one cycle. */
  longCycle: (n: number): string =>
    lines('version: 1', 'name: cycle', 'nodes:', ...Array.from({ length: n }, (_, i) => `  n${i}: { needs: n${(i + 1) % n}, run: x }`)),
  /** n nodes, each needing a node that does not exist. */
  unknownNeeds: (n: number): string =>
    lines('version: 1', 'name: unknown', 'nodes:', ...Array.from({ length: n }, (_, i) => `  node${i}: { needs: missing${i}, run: x }`)),
  /** One node with n properties the schema does not know. */
  unknownProperties: (n: number): string =>
    lines('version: 1', 'name: props', 'nodes:', '  a:', '    run: x', ...Array.from({ length: n }, (_, i) => `    prop${i}: 1`)),
  /** A block list of n items (the block YAML parser once looked for a `:` past each item's line: quadratic). */
  longBlockList: (n: number): string =>
    lines('version: 1', 'name: list', 'x-list:', ...Array.from({ length: n }, (_, i) => `  - item${i}`), 'nodes:', '  a: { run: x }'),
  /** Mappings nested n deep, each with a comment after it. */
  deepNesting: (n: number): string =>
    lines(
      'version: 1',
      'name: deep',
      'nodes:',
      '  a: { run: x }',
      'x-deep:',
      ...Array.from({ length: n }, (_, i) => `${' '.repeat(2 * i + 2)}k${i}:`),
      `${' '.repeat(2 * n + 2)}leaf: 1`,
      ...Array.from({ length: n }, (_, i) => `${' '.repeat(2 * (n - i))}# after ${n - i}`),
    ),
  /** A valid chain of n nodes: the yardstick the others are held to. */
  validChain: (n: number): string =>
    lines('version: 1', 'name: big', 'nodes:', ...Array.from({ length: n }, (_, i) => `  n${i}: { run: x${i ? `, needs: n${i - 1}` : ''} }`)),
};
