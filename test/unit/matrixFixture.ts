/** The matrix the format's docs show: two keys, a combination excluded, one included into others and one of its own. */
export const DOCS_MATRIX = {
  os: ['linux', 'macos'],
  node: [18, 20],
  exclude: [{ os: 'macos', node: 18 }],
  include: [
    { node: 20, coverage: true },
    { os: 'windows', node: 20 },
  ],
};
