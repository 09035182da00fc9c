/** The shells the editor and the builder offer as one types a `shell` (any program may be written). */
export const SHELL_CHOICES: readonly string[] = ['bash', 'sh', 'zsh', 'python3 -u', 'node', 'pwsh'];

/** What runs a node's script where neither it nor the workflow's defaults name a shell. */
export const DEFAULT_SHELL_TEXT = 'bash (sh where bash is missing)';
