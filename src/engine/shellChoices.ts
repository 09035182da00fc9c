/** The shells the editor and the builder offer as one types a `shell` (any program may be written). */
export const SHELL_CHOICES: readonly string[] = ['bash', 'sh', 'zsh', 'python3 -u', 'node', 'pwsh'];
