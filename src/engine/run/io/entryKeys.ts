// The keys a folder of kept results is read and written with. A user's own folder: one secret, which names entries
// (an HMAC of their cache keys) and signs them (an HMAC of their content). A team's shared folder: two keys derived
// from the team's key, a naming secret and an Ed25519 key pair, so that a machine given only the naming secret and the
// public key (a read key) finds and checks the team's results but cannot write one that anyone's lookup takes.
import { createHash, createHmac, createPrivateKey, createPublicKey, hkdfSync, type KeyObject, sign, timingSafeEqual, verify } from 'node:crypto';

export interface EntryKeys {
  /** The HMAC key entries are named with (see cacheKey). */
  names: string;
  /** An entry's signature of its canonical text; none with a read key, which writes no entry. */
  sign?: (text: string) => string;
  /** Whether `signature` is the signature of `text`. */
  verify: (text: string, signature: string) => boolean;
}

const HEX_64 = /^[0-9a-f]{64}$/;
const HEX_128 = /^[0-9a-f]{128}$/;

/** A user's own folder: its secret names and signs. */
export function secretKeys(secret: string): EntryKeys {
  const mac = (text: string) => createHmac('sha256', secret).update(text).digest();
  return {
    names: secret,
    sign: (text) => mac(text).toString('hex'),
    verify: (text, signature) => HEX_64.test(signature) && timingSafeEqual(Buffer.from(signature, 'hex'), mac(text)),
  };
}

/** What makes a raw 32-byte Ed25519 seed a PKCS #8 private key (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

const derived = (teamSecret: string, what: string): Buffer =>
  Buffer.from(hkdfSync('sha256', Buffer.from(teamSecret, 'hex'), '', `maestro-dag shared cache ${what}`, 32));

const signingKey = (teamSecret: string): KeyObject =>
  createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, derived(teamSecret, 'signing')]), format: 'der', type: 'pkcs8' });

const publicKeyOf = (raw: Buffer): KeyObject => createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });

/** How many checked signatures a process remembers: a trim reads every entry of a folder, each run again. */
const REMEMBERED_SIGNATURES = 100_000;

/**
 * An Ed25519 check that remembers the signatures it found good (by a hash of what they sign): a check costs about
 * fifteen HMACs, and a shared folder's trims check the same entries at each result kept.
 */
function rememberingVerifier(publicKey: KeyObject): EntryKeys['verify'] {
  const good = new Map<string, string>();
  return (text, signature) => {
    if (!HEX_128.test(signature)) return false;
    const digest = createHash('sha256').update(text).digest('hex');
    if (good.get(signature) === digest) return true;
    if (!verify(null, Buffer.from(text), publicKey, Buffer.from(signature, 'hex'))) return false;
    if (good.size >= REMEMBERED_SIGNATURES) good.clear();
    good.set(signature, digest);
    return true;
  };
}

/** A read key: the team's naming secret and public key, both 64 hexadecimal digits. */
export function readKeys(names: string, publicKey: string): EntryKeys {
  return { names, verify: rememberingVerifier(publicKeyOf(Buffer.from(publicKey, 'hex'))) };
}

/** The team's key (64 hexadecimal digits): names, signs and checks the shared folder's entries. */
export function teamKeys(teamSecret: string): EntryKeys {
  const privateKey = signingKey(teamSecret);
  return {
    names: derived(teamSecret, 'names').toString('hex'),
    sign: (text) => sign(null, Buffer.from(text), privateKey).toString('hex'),
    verify: rememberingVerifier(createPublicKey(privateKey)),
  };
}

/** The first word of a read key's file, before its two keys. */
const READ_KEY_WORD = 'maestro-dag-read-key';

/** The text of the read key of a team's key, for its file. */
export function readKeyText(teamSecret: string): string {
  const publicKey = createPublicKey(signingKey(teamSecret));
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  return `${READ_KEY_WORD} ${derived(teamSecret, 'names').toString('hex')} ${raw.toString('hex')}\n`;
}

/** Each key file's keys, kept for the process: the signatures they checked are then checked once per engine. */
const known = new Map<string, EntryKeys>();

/** The keys a team's key file holds: the team's key (64 hexadecimal digits) or a read key; undefined when neither. */
export function teamKeysOf(text: string): EntryKeys | undefined {
  const words = text.trim().split(/\s+/);
  const id = words.join(' ');
  const had = known.get(id);
  if (had) return had;
  let keys: EntryKeys | undefined;
  if (words.length === 1 && HEX_64.test(words[0])) keys = teamKeys(words[0]);
  else if (words.length === 3 && words[0] === READ_KEY_WORD && HEX_64.test(words[1]) && HEX_64.test(words[2])) {
    try {
      keys = readKeys(words[1], words[2]);
    } catch {
      // 32 bytes that are no point of the curve.
    }
  }
  if (keys) known.set(id, keys);
  return keys;
}
