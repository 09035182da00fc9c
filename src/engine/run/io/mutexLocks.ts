// Mutexes across processes: a held mutex is a file in one folder of this machine's user, so that the editor's engine,
// a served engine and each `maestro-dag run` take turns as the runs of one engine do (what a mutex guards, a port or
// a container's name, belongs to the machine). A lock file is made whole and then linked into place, which fails
// when another holds it; one whose process is gone (killed before it could give its mutexes back) is taken over.
import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { MutexRegistry } from '../core/mutexes';

/** Who holds a mutex, as its lock file says. */
export interface MutexHolder {
  pid: number;
  host: string;
  /** The lock files' owner within its process (a process may hold several sets of mutexes). */
  owner: string;
  /** The run and node holding it, for saying so. */
  runId?: string;
  nodeId?: string;
  since: string;
}

/** The folder of the machine's mutexes for this user, unless MAESTRO_MUTEX_DIR names another. */
export function machineMutexFolder(env: NodeJS.ProcessEnv = process.env): string {
  const setting = env.MAESTRO_MUTEX_DIR?.trim();
  if (setting) return setting;
  const user = process.getuid?.() ?? userInfo().username;
  return join(tmpdir(), `maestro-dag-mutexes-${user}`);
}

/** The mutexes of an engine, shared with the other processes of this machine's user through the lock files. */
export function machineMutexes(onWarning?: (message: string) => void): MutexRegistry {
  return new MutexRegistry(new MutexLockFiles(machineMutexFolder()), onWarning);
}

/** The owners of this process that hold lock files now, and what each holds: given back when the process exits. */
const holdingOwners = new Map<string, MutexLockFiles>();
let exitHooked = false;

function releaseAllOnExit(): void {
  for (const files of [...holdingOwners.values()]) files.giveAll();
}

const lockName = (name: string): string => `${encodeURIComponent(name)}.lock`;

function readHolder(path: string): MutexHolder | 'unreadable' | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const holder = JSON.parse(text) as MutexHolder;
    return typeof holder.pid === 'number' && typeof holder.owner === 'string' ? holder : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/** Whether the holder's process still runs (on another host, it cannot be told: it is taken to run). */
function holderAlive(holder: MutexHolder): boolean {
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return holdingOwners.has(holder.owner);
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One engine's lock files: taken all of a node's at once or none, given back when its attempt ends. */
export class MutexLockFiles {
  private readonly owner = randomUUID();
  private readonly held = new Set<string>();
  private folderMade = false;

  constructor(readonly folder: string) {}

  /** Takes every mutex, or none when another process holds one (those it held before, it keeps). */
  tryTake(names: readonly string[], by: { runId?: string; nodeId?: string } = {}): boolean {
    const taken: string[] = [];
    try {
      for (const name of names) {
        if (this.held.has(name)) continue;
        if (!this.lock(name, by)) {
          this.give(taken);
          return false;
        }
        taken.push(name);
      }
    } catch (e) {
      this.give(taken);
      throw e;
    }
    return true;
  }

  give(names: readonly string[]): void {
    for (const name of names) {
      if (!this.held.delete(name)) continue;
      const path = join(this.folder, lockName(name));
      const holder = readHolder(path);
      if (holder !== 'unreadable' && holder?.owner === this.owner) removeFile(path);
    }
    if (this.held.size === 0) holdingOwners.delete(this.owner);
  }

  giveAll(): void {
    this.give([...this.held]);
  }

  /** Who holds the mutex in another process, if one does. */
  holderOf(name: string): MutexHolder | undefined {
    const holder = readHolder(join(this.folder, lockName(name)));
    return holder === 'unreadable' || holder === undefined || holder.owner === this.owner || !holderAlive(holder) ? undefined : holder;
  }

  private lock(name: string, by: { runId?: string; nodeId?: string }): boolean {
    const path = join(this.folder, lockName(name));
    for (let tries = 0; tries < 3; tries++) {
      const holder = readHolder(path);
      if (holder !== undefined && holder !== 'unreadable' && holderAlive(holder)) return false;
      if (holder !== undefined) takeOverStale(path, holder);
      if (this.link(path, name, by)) return true;
    }
    return false;
  }

  /** Puts a whole lock file in place; false when another process was first. */
  private link(path: string, name: string, by: { runId?: string; nodeId?: string }): boolean {
    if (!this.folderMade) {
      mkdirSync(this.folder, { recursive: true, mode: 0o700 });
      this.folderMade = true;
    }
    const holder: MutexHolder = { pid: process.pid, host: hostname(), owner: this.owner, ...by, since: new Date().toISOString() };
    const draft = join(this.folder, `.${this.owner}.${lockName(name)}`);
    writeFileSync(draft, JSON.stringify(holder));
    try {
      linkSync(draft, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    } finally {
      removeFile(draft);
    }
    this.held.add(name);
    holdingOwners.set(this.owner, this);
    if (!exitHooked) {
      exitHooked = true;
      process.on('exit', releaseAllOnExit);
    }
    return true;
  }
}

/**
 * Removes a lock file whose holder is gone. Another process may have taken it over between the read and the removal:
 * the file is moved aside first, and put back when it is not the one that was read.
 */
function takeOverStale(path: string, read: MutexHolder | 'unreadable'): void {
  const aside = `${path}.${randomUUID()}.stale`;
  try {
    renameSync(path, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const moved = readHolder(aside);
  const same = read === 'unreadable' ? moved === 'unreadable' : moved !== 'unreadable' && moved?.owner === read.owner;
  if (!same) {
    try {
      linkSync(aside, path);
    } catch {
      // A third process holds it now: the one moved aside was taken over in between, and is lost to its holder.
    }
  }
  removeFile(aside);
}

function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Gone already.
  }
}
