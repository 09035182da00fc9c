// `maestro-dag serve`: the server started on a host and port, said where it listens and how to use a token, and
// stopped cleanly on Ctrl+C or SIGTERM.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Output } from '../cli/output';
import { buildServer } from './app';
import { loadTokens, TokenFileError } from './tokens';

export interface ServeOptions {
  host: string;
  port: number;
  workspace: string;
  tokensFile: string;
  /** Make the tokens file (one operator token) when there is none. */
  createTokens: boolean;
  origins: string[];
  rateLimit?: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export async function serve(o: ServeOptions, io: Output, stopped: Promise<void> = signalled()): Promise<number> {
  let tokens;
  try {
    tokens = loadTokens(o.tokensFile, { create: o.createTokens });
  } catch (e) {
    if (e instanceof TokenFileError) {
      io.err(`maestro-dag serve: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const served = await buildServer({
    workspace: o.workspace,
    tokens: tokens.tokens,
    allowOrigins: o.origins,
    rateLimit: o.rateLimit,
    onWarning: (m) => io.err(`warning: ${m}\n`),
    enginePath: existsSync(join(__dirname, 'engine.js')) ? join(__dirname, 'engine.js') : undefined,
  });
  let address: string;
  try {
    address = await served.app.listen({ host: o.host, port: o.port });
  } catch (e) {
    await served.close();
    io.err(`maestro-dag serve: cannot listen on ${o.host} port ${o.port}: ${listenProblem(e as NodeJS.ErrnoException)}\n`);
    return 1;
  }
  io.out(`Serving ${o.workspace} at ${address} (${tokens.tokens.length} token(s) from ${o.tokensFile})\n`);
  if (tokens.created)
    io.out(
      `Made an operator token in ${o.tokensFile} (readable only by you). Use it as a bearer token:\n  curl -H "Authorization: Bearer $(node -p "require('${o.tokensFile}')[0].token")" ${address}/api/workflows\n`,
    );
  if (!LOOPBACK.has(o.host)) io.err(`warning: listening on ${o.host}: anyone who can reach it and holds a token can run this workspace's workflows\n`);
  await stopped;
  io.out('Stopping: runs stop where they stand and can be resumed after the next start.\n');
  await served.close();
  return 0;
}

function listenProblem(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'EADDRINUSE':
      return 'the port is in use (--port 0 picks a free one)';
    case 'EACCES':
      return 'not allowed (ports below 1024 need privileges)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'no such host';
    case 'EADDRNOTAVAIL':
      return 'the address is not one of this machine';
    default:
      return e.message;
  }
}

function signalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
