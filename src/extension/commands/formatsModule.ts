// The engine's import and export, from their own bundle: GitHub's workflow parser would double the extension's
// bundle, and only these commands need it.
import { join } from 'node:path';
import type * as Formats from '../../engine/formats';

let loaded: typeof Formats | undefined;

export function formatsModule(extensionPath: string): typeof Formats {
  // A path known only at run time: the bundler leaves this require to Node.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a bundle of its own, loaded on first use
  loaded ??= require(join(extensionPath, 'dist', 'formats.js')) as typeof Formats;
  return loaded;
}
