// The image an exported node's script runs in where the node names none: an official one that has the program its
// shell starts (Argo runs the script in a container, with nothing of this machine's).
import { programName, shellSplit } from '../../platform/shells';

/** The image of the default bash, and of a command whose program has none of its own here. */
export const DEFAULT_IMAGE = 'bash:5';

/** Official images by the program a shell starts (bash:5 is Alpine's: bash and its sh). */
const IMAGES: readonly [RegExp, string][] = [
  [/^(?:bash|sh|ash)$/, DEFAULT_IMAGE],
  [/^python(?:3(?:\.\d+)*)?$/, 'python:3'],
  [/^node$/, 'node:lts'],
  [/^deno$/, 'denoland/deno'],
  [/^bun$/, 'oven/bun'],
  [/^ruby$/, 'ruby:3'],
  [/^perl$/, 'perl:5'],
  [/^php$/, 'php:cli'],
  [/^rscript$/, 'r-base'],
  [/^julia$/, 'julia'],
  [/^pwsh$/, 'mcr.microsoft.com/powershell'],
];

/** The image for a node's `shell` (undefined: the default bash); undefined for a program none is known to have. */
export function imageForShell(shell: string | undefined): string | undefined {
  const name = programName(shellSplit(shell ?? 'bash')[0] ?? '');
  return IMAGES.find(([program]) => program.test(name))?.[1];
}
