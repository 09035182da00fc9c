// What a Git checkout says of itself (the commit and branch checked out, the repository its origin is), read from the
// files under `.git` and nothing run: git reads a repository's config, and a repository someone else wrote can make
// its config run commands. What is read is checked for shape; anything else is left out.
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';

export interface Checkout {
  /** The folder the `.git` is in. */
  root: string;
  /** The commit checked out (40 or 64 hex digits). */
  sha?: string;
  /** The full ref checked out (`refs/heads/main`); none when HEAD is detached. */
  ref?: string;
  /** The ref's short name (`main`). */
  refName?: string;
  /** `owner/name`, from the `origin` remote's URL. */
  repository?: string;
}

/** More than any HEAD, config or packed-refs a checkout has: a file this size is not one of them. */
const MAX_READ_BYTES = 32 * 1024 * 1024;
const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const REF = /^refs\/[\w./-]+$/;

async function text(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() && s.size <= MAX_READ_BYTES ? await readFile(path, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** The checkout's folder and its git folders (a worktree's own, and the one it shares) from the nearest `.git` up. */
async function gitFolders(start: string): Promise<{ root: string; gitDir: string; commonDir: string } | undefined> {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git');
    const isDir = await stat(dotGit).then(
      (s) => s.isDirectory(),
      () => undefined,
    );
    if (isDir !== undefined) {
      // A worktree's or submodule's `.git` is a file naming its folder.
      const pointer = isDir ? undefined : /^gitdir: (.+)$/m.exec((await text(dotGit)) ?? '')?.[1].trim();
      if (!isDir && pointer === undefined) return undefined;
      const gitDir = pointer === undefined ? dotGit : isAbsolute(pointer) ? pointer : resolve(dir, pointer);
      const common = (await text(join(gitDir, 'commondir')))?.trim();
      return { root: dir, gitDir, commonDir: common ? resolve(gitDir, common) : gitDir };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** The folder of the Git checkout `start` is in (the nearest with a `.git`), or undefined outside one. */
export async function checkoutRoot(start: string): Promise<string | undefined> {
  return (await gitFolders(start))?.root;
}

/** The commit a ref names: its own file, else its line in packed-refs. */
async function refSha(folders: { gitDir: string; commonDir: string }, ref: string): Promise<string | undefined> {
  for (const dir of [folders.gitDir, folders.commonDir]) {
    const loose = (await text(join(dir, ref)))?.trim();
    if (loose !== undefined && SHA.test(loose)) return loose;
  }
  const packed = (await text(join(folders.commonDir, 'packed-refs'))) ?? '';
  for (const line of packed.split('\n')) {
    const [sha, name] = line.trim().split(' ');
    if (name === ref && SHA.test(sha)) return sha;
  }
  return undefined;
}

/** `owner/name` of a GitHub-style remote URL (`git@host:owner/name.git`, `https://host/owner/name`, `ssh://…`). */
export function repositoryOfUrl(url: string): string | undefined {
  const path = /^(?:[a-z+]+:\/\/[^/]+\/|[^@/:\s]+@[^:/\s]+:)([^\s]+?)(?:\.git)?\/?$/i.exec(url.trim())?.[1];
  return path !== undefined && /^[\w.-]+\/[\w.-]+$/.test(path) ? path : undefined;
}

/** The URL of the `origin` remote in a git config's text. */
export function originUrl(config: string): string | undefined {
  let inOrigin = false;
  for (const raw of config.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) inOrigin = /^\[remote\s+"origin"\]$/.test(line);
    else if (inOrigin) {
      const url = /^url\s*=\s*(.+)$/.exec(line)?.[1];
      if (url !== undefined) return url.trim();
    }
  }
  return undefined;
}

/** The checkout a folder is in (the nearest `.git` up), or undefined outside any. */
export async function readCheckout(folder: string): Promise<Checkout | undefined> {
  const folders = await gitFolders(folder);
  if (!folders) return undefined;
  const head = (await text(join(folders.gitDir, 'HEAD')))?.trim() ?? '';
  const ref = /^ref: (\S+)$/.exec(head)?.[1];
  const checkout: Checkout = { root: folders.root };
  if (ref !== undefined && REF.test(ref) && !ref.includes('..')) {
    checkout.ref = ref;
    checkout.refName = ref.replace(/^refs\/(heads|tags)\//, '');
    const sha = await refSha(folders, ref);
    if (sha !== undefined) checkout.sha = sha;
  } else if (SHA.test(head)) checkout.sha = head;
  const url = originUrl((await text(join(folders.commonDir, 'config'))) ?? '');
  const repository = url === undefined ? undefined : repositoryOfUrl(url);
  if (repository !== undefined) checkout.repository = repository;
  return checkout;
}

/**
 * The checkout's values for the inputs that stand for what GitHub gives a run, by the names the importer gives them
 * (`github_sha` for `github.sha`…).
 */
const CHECKOUT_VALUES: Readonly<Record<string, (checkout: Checkout) => string | undefined>> = {
  github_sha: (c) => c.sha,
  github_ref: (c) => c.ref,
  github_ref_name: (c) => c.refName,
  github_repository: (c) => c.repository,
  github_repository_owner: (c) => c.repository?.split('/')[0],
  github_workspace: (c) => c.root,
};

/** The inputs a checkout may have values for. */
export const CHECKOUT_INPUT_NAMES: readonly string[] = Object.keys(CHECKOUT_VALUES);

/** The checkout's value for an input; undefined for any other input, or a value the checkout does not have. */
export function checkoutValue(checkout: Checkout, input: string): string | undefined {
  return Object.hasOwn(CHECKOUT_VALUES, input) ? CHECKOUT_VALUES[input](checkout) : undefined;
}

/** Every input the checkout has a value for, with its value. */
export function checkoutInputs(checkout: Checkout): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of CHECKOUT_INPUT_NAMES) {
    const value = checkoutValue(checkout, name);
    if (value !== undefined) values[name] = value;
  }
  return values;
}
