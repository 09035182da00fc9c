// Copies of the artifacts a cached node left, kept in `.cache/copies` under their SHA-256 (a file two results share
// is kept once), and put back when a kept result is reused after its artifacts changed: sources changed and changed
// back reuse the first build's result with the first build's files, as Nx and Turborepo restore a task's outputs.
import { createHash, randomBytes } from 'node:crypto';
import { constants, createReadStream, lstatSync, statSync } from 'node:fs';
import { chmod, lstat, mkdir, open, rename, stat, unlink, utimes } from 'node:fs/promises';
import { basename, dirname, join, posix, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openRegularFile } from '../../regularFile';
import type { CopiedFile } from './cacheEntries';
import { walk, WALK_LIMIT } from './fileGlobs';

/** In the `.cache` folder. */
export const COPIES_FOLDER = 'copies';
/** The copies' disk when nothing says otherwise (`MAESTRO_CACHE_COPIES_MB`). */
export const DEFAULT_COPIES_MAX_BYTES = 1024 * 1024 * 1024;
const NOFOLLOW = (constants as { O_NOFOLLOW?: number }).O_NOFOLLOW ?? 0;

/** The most the copies may take on disk, from `MAESTRO_CACHE_COPIES_MB` (0: no copies), or why that is not a size. */
export function copiesMaxBytes(env: NodeJS.ProcessEnv): { maxBytes: number; problem?: string } {
  const text = env.MAESTRO_CACHE_COPIES_MB?.trim();
  if (text === undefined || text === '') return { maxBytes: DEFAULT_COPIES_MAX_BYTES };
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text) * 1024 * 1024)) {
    return { maxBytes: DEFAULT_COPIES_MAX_BYTES, problem: `MAESTRO_CACHE_COPIES_MB is '${text}', not a number of megabytes: 1024 is used` };
  }
  return { maxBytes: Number(text) * 1024 * 1024 };
}

type FileToCopy = Omit<CopiedFile, 'sha'>;

/** A relative path with `/` between its parts on every system, as entries keep them. */
const posixPath = (path: string): string => (sep === '/' ? path : path.split(sep).join('/'));

/** An artifact as its copies' paths begin: `out/` (a folder written as one) and `./out` as `out`. */
const artifactPath = (artifact: string): string => posix.normalize(posixPath(artifact)).replace(/\/+$/, '');

function* filesUnder(folder: string, onLimit?: () => void): Generator<string> {
  for (const file of walk(folder, WALK_LIMIT, onLimit)) yield posixPath(file);
}

/** Every file of the artifacts (a folder stands for the files under it) with its size and mode, or why not. */
export function artifactFiles(cwd: string, artifacts: readonly string[]): { files: FileToCopy[]; bytes: number } | string {
  const files: FileToCopy[] = [];
  let bytes = 0;
  const add = (path: string) => {
    const st = statSync(join(cwd, path));
    if (!st.isFile()) throw new Error(`${path} is not a regular file`);
    files.push({ path, size: st.size, mode: st.mode & 0o777 });
    bytes += st.size;
  };
  try {
    for (const artifact of artifacts.map(artifactPath)) {
      if (!statSync(join(cwd, artifact)).isDirectory()) add(artifact);
      else for (const file of filesUnder(join(cwd, artifact))) add(`${artifact}/${file}`);
    }
  } catch (e) {
    return (e as Error).message;
  }
  return { files, bytes };
}

const hashing = (hash: ReturnType<typeof createHash>) =>
  new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });

/** A regular file to read as a stream: one swapped for a named pipe since it was looked at is refused, not waited on. */
const readStreamOf = (path: string) => createReadStream('', { fd: openRegularFile(path).fd });

/** Streams a file to a new temporary file, returning the SHA-256 of what was written. */
async function streamTo(from: string, to: string, mode: number): Promise<string> {
  const hash = createHash('sha256');
  const source = readStreamOf(from);
  try {
    const file = await open(to, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, mode);
    await pipeline(source, hashing(hash), file.createWriteStream());
  } catch (e) {
    source.destroy();
    await unlink(to).catch(() => undefined);
    throw e;
  }
  return hash.digest('hex');
}

const temporaryName = (dir: string, name: string) => join(dir, `.${name}.maestro-${randomBytes(6).toString('hex')}`);

/** The names of the files of the copies' folder: a copy, or a copy being written (left behind by a process that died). */
export const isCopyName = (name: string): boolean => /^[0-9a-f]{64}$/.test(name);
export const isUnfinishedCopyName = (name: string): boolean => /^\.copy\.maestro-[0-9a-f]{12}$/.test(name);

/**
 * Whether the copies' folder and the `.cache` folder it is in are folders of their own, not links: a repository could
 * bring `.cache/copies → ~`, whose files a trim would otherwise delete. Undefined when the copies' folder is not there.
 */
export function ownCopiesFolder(copiesDir: string): boolean | undefined {
  const own = (path: string) => lstatSync(path, { throwIfNoEntry: false });
  const cache = own(dirname(copiesDir));
  const copies = own(copiesDir);
  if (!copies) return cache && !cache.isDirectory() ? false : undefined;
  return copies.isDirectory() && cache !== undefined && cache.isDirectory();
}

const linkedFolder = (copiesDir: string) => `${copiesDir} or the folder it is in is not a folder of its own (a link?)`;

/** Copies the files into `copiesDir`, each under its SHA-256 (one already there is kept, and its time renewed). */
export async function copyFiles(cwd: string, files: readonly FileToCopy[], copiesDir: string): Promise<CopiedFile[]> {
  await mkdir(copiesDir, { recursive: true });
  if (!ownCopiesFolder(copiesDir)) throw new Error(linkedFolder(copiesDir));
  const copies: CopiedFile[] = [];
  for (const file of files) {
    const tmp = temporaryName(copiesDir, 'copy');
    const sha = await streamTo(join(cwd, file.path), tmp, 0o600);
    const kept = join(copiesDir, sha);
    if (await isFile(kept)) {
      await unlink(tmp);
      // A trim leaves a copy written within the last hour alone, while the entry naming it may not be written yet.
      const now = new Date();
      await utimes(kept, now, now);
    } else await rename(tmp, kept);
    copies.push({ ...file, sha });
  }
  return copies;
}

const isFile = async (path: string) => (await lstat(path).catch(() => undefined))?.isFile() === true;

/** What stops the artifact's kept files from being put back as they were, or undefined. */
function refusal(cwd: string, artifact: string, own: readonly CopiedFile[]): string | undefined {
  if (!own.length) return `no file of ${artifact} was kept`;
  const st = lstatSync(join(cwd, artifact), { throwIfNoEntry: false });
  const asFile = own.length === 1 && own[0].path === artifact;
  if (!st) return undefined;
  if (st.isSymbolicLink()) return `${artifact} is a link now`;
  if (asFile) return st.isDirectory() ? `${artifact} is a folder now` : undefined;
  if (!st.isDirectory()) return `${artifact} is not a folder now`;
  const kept = new Set(own.map((c) => c.path));
  // Files are put back, none is deleted: a folder holding another one than the node left makes the node run.
  let over = false;
  for (const file of filesUnder(join(cwd, artifact), () => (over = true))) {
    if (!kept.has(`${artifact}/${file}`)) return `${artifact} holds ${artifact}/${file}, which the kept result has not`;
  }
  return over ? `${artifact} has more than ${WALK_LIMIT.toLocaleString('en-US')} entries` : undefined;
}

/** Makes the folders of a path under `cwd`; a link or a file on the way is refused (a write must stay in cwd). */
async function makeFolders(cwd: string, folder: string): Promise<void> {
  let at = cwd;
  for (const part of folder === '.' ? [] : folder.split('/')) {
    at = join(at, part);
    const st = await lstat(at).catch(() => undefined);
    if (!st) await mkdir(at);
    else if (st.isSymbolicLink() || !st.isDirectory()) throw new Error(`${at} is not a folder`);
  }
}

/** The SHA-256 of a regular file's content, read as a stream (a big file does not hold the engine up). */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of readStreamOf(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sameContent(path: string, copy: CopiedFile): Promise<boolean> {
  const st = await lstat(path).catch(() => undefined);
  if (!st?.isFile() || st.size !== copy.size) return false;
  return (await sha256OfFile(path)) === copy.sha;
}

/** Writes one kept file back: beside its place, checked against its SHA-256, then renamed over what is there. */
async function putFileBack(cwd: string, copy: CopiedFile, copiesDir: string): Promise<void> {
  const target = join(cwd, copy.path);
  await makeFolders(cwd, dirname(copy.path));
  if (await sameContent(target, copy)) return void (await chmod(target, copy.mode));
  const tmp = temporaryName(dirname(target), basename(target));
  const sha = await streamTo(join(copiesDir, copy.sha), tmp, copy.mode);
  if (sha !== copy.sha) {
    await unlink(tmp);
    // Deleted, or the node's next result would find it there and keep it as the copy of its file.
    await unlink(join(copiesDir, copy.sha)).catch(() => undefined);
    throw new Error(`the kept copy of ${copy.path} is damaged`);
  }
  await chmod(tmp, copy.mode);
  await rename(tmp, target);
}

/**
 * Puts back the kept files of the artifacts that changed since the node left them; undefined once they are as it
 * left them, or why they could not be (the node then runs, and makes them again).
 */
export async function putBack(cwd: string, changed: readonly string[], copies: readonly CopiedFile[], copiesDir: string): Promise<string | undefined> {
  if (ownCopiesFolder(copiesDir) === false) return linkedFolder(copiesDir);
  const files: CopiedFile[] = [];
  for (const artifact of changed.map(artifactPath)) {
    const own = copies.filter((c) => c.path === artifact || c.path.startsWith(`${artifact}/`));
    const refused = refusal(cwd, artifact, own);
    if (refused) return refused;
    files.push(...own);
  }
  for (const copy of files) {
    const st = await stat(join(copiesDir, copy.sha)).catch(() => undefined);
    if (!st?.isFile() || st.size !== copy.size) return `the kept copy of ${copy.path} is gone`;
  }
  try {
    for (const copy of files) await putFileBack(cwd, copy, copiesDir);
  } catch (e) {
    return `putting back ${changed.join(', ')} failed (${(e as Error).message})`;
  }
  return undefined;
}
