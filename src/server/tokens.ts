// Who may use a served engine: named bearer tokens, each with a role. `viewer` reads and streams; `operator` also
// starts, controls and approves runs. Tokens are compared in constant time (by their hashes, so that the length of a
// guess tells nothing either).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type Role = 'viewer' | 'operator';
export const ROLES: readonly Role[] = ['viewer', 'operator'];

export interface NamedToken {
  name: string;
  role: Role;
  token: string;
}

export class TokenFileError extends Error {}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const MIN_TOKEN = 16;

/** The tokens of a tokens file: `[{ "name": "ana", "role": "operator", "token": "…" }]`; a clear error otherwise. */
export function parseTokens(text: string, source: string): NamedToken[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new TokenFileError(`${source}: not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(value)) throw new TokenFileError(`${source}: must be a JSON list of { name, role, token }`);
  const names = new Set<string>();
  return value.map((entry: unknown, i): NamedToken => {
    const at = `${source}: entry ${i + 1}`;
    if (typeof entry !== 'object' || entry === null) throw new TokenFileError(`${at} must be an object { name, role, token }`);
    const { name, role, token } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || !NAME.test(name)) throw new TokenFileError(`${at}: name must be 1–64 letters, digits, '.', '_', '@' or '-'`);
    if (names.has(name)) throw new TokenFileError(`${at}: the name '${name}' is used twice`);
    names.add(name);
    if (!ROLES.includes(role as Role)) throw new TokenFileError(`${at} (${name}): role must be ${ROLES.join(' or ')}`);
    if (typeof token !== 'string' || token.length < MIN_TOKEN)
      throw new TokenFileError(`${at} (${name}): token must be a string of ${MIN_TOKEN} characters or more`);
    return { name, role: role as Role, token };
  });
}

/** Makes a tokens file with one operator token, readable only by its owner. */
export function createTokenFile(path: string): NamedToken {
  const made: NamedToken = { name: 'operator', role: 'operator', token: randomBytes(32).toString('base64url') };
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, JSON.stringify([made], null, 2) + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
  return made;
}

/** The tokens of `path`, or of a file made there with one operator token when there is none yet. */
export function loadTokens(path: string, options: { create: boolean }): { tokens: NamedToken[]; created?: NamedToken } {
  if (!existsSync(path)) {
    if (!options.create) throw new TokenFileError(`${path}: no such file`);
    const created = createTokenFile(path);
    return { tokens: [created], created };
  }
  const tokens = parseTokens(readFileSync(path, 'utf8'), path);
  if (!tokens.length) throw new TokenFileError(`${path}: holds no token`);
  return { tokens, created: undefined };
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Finds whose token a request carries. */
export class TokenCheck {
  private readonly known: { who: NamedToken; hash: Buffer }[];
  constructor(tokens: readonly NamedToken[]) {
    this.known = tokens.map((who) => ({ who, hash: digest(who.token) }));
  }

  /** The token's owner, from an `Authorization: Bearer …` header value; every token is compared, each in constant time. */
  who(authorization: string | undefined): NamedToken | undefined {
    const match = /^Bearer (\S+)$/.exec(authorization ?? '');
    if (!match) return undefined;
    const hash = digest(match[1]);
    let found: NamedToken | undefined;
    for (const k of this.known) if (timingSafeEqual(k.hash, hash) && !found) found = k.who;
    return found;
  }
}

/** Whether a role may do what needs `needed`. */
export const allows = (role: Role, needed: Role): boolean => ROLES.indexOf(role) >= ROLES.indexOf(needed);
