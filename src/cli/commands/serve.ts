import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCommandArgs, UsageError } from '../args';
import type { Output } from '../output';
import { serverModule } from '../bundledModule';

export const SERVE_HELP = `Usage: maestro-dag serve [--host 127.0.0.1] [--port 7400] [--workspace DIR] [--tokens FILE]

Serves the engine over HTTP and WebSocket: the workspace's workflows, runs started, watched and steered from
several windows and by several people (see docs/serve.md). Runs are kept as the CLI keeps them.

Options:
  --host HOST           where to listen (default 127.0.0.1: this machine only)
  --port PORT           the port (default 7400; 0 picks a free one)
  --workspace DIR       the folder whose workflows are served (default: the current folder)
  --tokens FILE         named tokens with roles, as JSON: [{ "name": "ana", "role": "operator", "token": "…" }]
                        (default: ~/.config/maestro-dag/tokens.json, made with one operator token if missing)
  --allow-origin URL    let web pages from this origin call and stream (repeatable; none by default)
  --rate-limit N        requests per minute per token (default 6000)
  -h, --help            show this help

Stops on Ctrl+C: runs stop where they stand, and can be resumed after the next start.
`;

const configDir = () => process.env.MAESTRO_CONFIG_DIR ?? join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'maestro-dag');

function port(value: string | undefined): number {
  if (value === undefined) return 7400;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be a port number (0 to 65535), not '${value}'`);
  return n;
}

function positive(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${flag} must be a positive integer, not '${value}'`);
  return n;
}

export async function serveCommand(argv: string[], io: Output): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    host: { type: 'string' },
    port: { type: 'string' },
    workspace: { type: 'string' },
    tokens: { type: 'string' },
    'allow-origin': { type: 'string', multiple: true },
    'rate-limit': { type: 'string' },
  });
  if (values.help) {
    io.out(SERVE_HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError(`serve takes no file (got '${positionals[0]}'): use --workspace DIR`);
  const workspace = resolve(values.workspace ?? '.');
  if (!existsSync(workspace) || !statSync(workspace).isDirectory()) throw new UsageError(`--workspace: '${workspace}' is not a folder`);
  const origins = values['allow-origin'] ?? [];
  for (const o of origins) if (!/^https?:\/\/[^/\s]+$/.test(o)) throw new UsageError(`--allow-origin must be an origin like https://host:port, not '${o}'`);
  const options = { host: values.host ?? '127.0.0.1', port: port(values.port), rateLimit: positive('rate-limit', values['rate-limit']) };
  return serverModule().serve(
    { ...options, workspace, tokensFile: values.tokens ? resolve(values.tokens) : join(configDir(), 'tokens.json'), createTokens: !values.tokens, origins },
    io,
  );
}
