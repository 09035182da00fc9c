// The server, from a bundle of its own (`dist/server.js`, beside the CLI's): fastify and its plugins would more
// than double the CLI's bundle and slow every command's start, and only `serve` needs them. Run from the sources
// (the tests), it is the module itself.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as Serve from '../server/serve';
import { UsageError } from './args';

export function serverModule(): typeof Serve {
  const bundled = join(__dirname, 'server.js');
  // Paths known only at run time: the bundler leaves these requires to Node.
  const sources = join(__dirname, '..', 'server', 'serve.ts');
  if (!existsSync(bundled) && !existsSync(sources))
    throw new UsageError(
      `this copy of maestro-dag has no server (${bundled} is missing; the editor extension's copy leaves it out): use the maestro-dag package's`,
    );
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a bundle of its own, loaded on first use
  return require(existsSync(bundled) ? bundled : sources.slice(0, -3)) as typeof Serve;
}
