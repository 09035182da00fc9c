// Modules the CLI loads from bundles of their own, beside its own bundle, when a command first needs them: they would
// slow every command's start. Run from the sources (the tests), each is the module itself.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as Formats from '../engine/formats';
import type * as Serve from '../server/serve';
import { UsageError } from './args';

/** `dist/<bundle>.js` beside this bundle, else the sources' module (a path from `src/`, without `.ts`); `missing` says
 * what this copy lacks when neither is there. */
function bundledModule<T>(bundle: string, sources: string, missing: (bundled: string) => string): T {
  const bundled = join(__dirname, `${bundle}.js`);
  const source = join(__dirname, '..', sources);
  const path = existsSync(bundled) ? bundled : existsSync(`${source}.ts`) ? source : undefined;
  if (!path) throw new UsageError(missing(bundled));
  // Paths known only at run time: the bundler leaves this require to Node.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a bundle of its own, loaded on first use
  return require(path) as T;
}

/** The server (fastify and its plugins: they would more than double the CLI's bundle), for `serve` only. */
export const serverModule = (): typeof Serve =>
  bundledModule<typeof Serve>(
    'server',
    'server/serve',
    (bundled) => `this copy of maestro-dag has no server (${bundled} is missing; the editor extension's copy leaves it out): use the maestro-dag package's`,
  );

/** Import and export (GitHub's workflow parser and the converters: a third of the CLI's bundle), for `import`,
 * `export` and `graph`. The extension loads the same bundle. */
export const formatsModule = (): typeof Formats =>
  bundledModule<typeof Formats>('formats', 'engine/formats/index', (bundled) => `this copy of maestro-dag is incomplete: ${bundled} is missing`);
