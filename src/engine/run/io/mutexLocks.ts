// Mutexes across processes: a held mutex is a file in one folder of this machine's user, so that the editor's engine,
// a served engine and each `maestro-dag run` take turns as the runs of one engine do (what a mutex guards, a port or
// a container's name, belongs to the machine). A lock file is made whole and then linked into place, which fails
// when another holds it; one whose process is gone (killed before it could give its mutexes back, its pid perhaps
// given to another since) is taken over.
import { randomUUID } from 'node:crypto';
import { linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
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
  /** When its process started, where the system says (Linux: the boot and the tick): tells a pid used again from it. */
  started?: string;
}

/** The folder of the machine's mutexes for this user, unless MAESTRO_MUTEX_DIR names another. */
export function machineMutexFolder(env: NodeJS.ProcessEnv = process.env): string {
  const setting = env.MAESTRO_MUTEX_DIR?.trim();
  if (setting) return setting;
  const user = process.getuid?.() ?? userInfo().username;
  return join(tmpdir(), `maestro-dag-mutexes-${user}`);
}

/** The mutexes of an engine, shared with the other processes of this machine's user through the lock files. */
export function machineMutexes(onWarning?: (message: string) => void, env: NodeJS.ProcessEnv = process.env): MutexRegistry {
  // The temporary folder is everyone's: a folder there that another user made could hold or read the locks.
  const chosen = Boolean(env.MAESTRO_MUTEX_DIR?.trim());
  return new MutexRegistry(new MutexLockFiles(machineMutexFolder(env), { ownFolder: !chosen }), onWarning);
}

/** Throws unless the folder is a folder (not a link) of this user that no one else may write to. */
function checkOwnFolder(folder: string): void {
  const stat = lstatSync(folder);
  const uid = process.getuid?.();
  if (!stat.isDirectory()) throw new Error(`${folder} is not a folder`);
  // Windows gives each user a temporary folder of their own, and reports no owner or mode bits to check.
  if (process.platform === 'win32') return;
  if ((uid !== undefined && stat.uid !== uid) || (stat.mode & 0o022) !== 0)
    throw new Error(
      `${folder} is not this user's alone (owner ${stat.uid}, mode ${(stat.mode & 0o777).toString(8)}): another user could hold or read its locks`,
    );
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

/**
 * When a process started, where Linux says: the boot's id and the clock tick since it (field 22 of /proc/<pid>/stat),
 * so that a process given the pid of one that ended is not taken for it. Undefined elsewhere, or when it is gone.
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command's name (field 2) may hold spaces and parentheses: fields are counted from its closing one.
    const tick = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return tick ? `${bootId()}:${tick}` : undefined;
  } catch {
    return undefined;
  }
}

let boot: string | undefined;
const bootId = (): string => (boot ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());

/** Whether the holder's process still runs (on another host, it cannot be told: it is taken to run). */
function holderAlive(holder: MutexHolder): boolean {
  if (holder.host !== hostname()) return true;
  if (holder.pid === process.pid) return holdingOwners.has(holder.owner);
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A process runs under that pid: the holder's, unless it started at another time.
  const started = holder.started === undefined ? undefined : processStart(holder.pid);
  return started === undefined || started === holder.started;
}

/** One engine's lock files: a node's (or a run's) taken all at once or none, given back when its attempt (or run) ends. */
export class MutexLockFiles {
  private readonly owner = randomUUID();
  private readonly held = new Set<string>();
  private folderMade = false;

  /** `ownFolder`: the folder must be this user's alone (the default one, in the temporary folder everyone shares). */
  constructor(
    readonly folder: string,
    private readonly options: { ownFolder?: boolean } = {},
  ) {}

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

  /** The mutexes held in the folder, by this process and others. */
  list(): MutexLockEntry[] {
    this.checkFolderIfThere();
    return listMutexLocks(this.folder);
  }

  /** Removes a mutex's lock whoever holds it; undefined when none is held. */
  release(name: string): MutexLockEntry | undefined {
    this.checkFolderIfThere();
    return releaseMutexLock(this.folder, name);
  }

  /** The folder that is there must be this user's alone (a folder nobody has made yet holds no locks). */
  private checkFolderIfThere(): void {
    if (!this.options.ownFolder) return;
    try {
      checkOwnFolder(this.folder);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
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
      if (this.options.ownFolder) checkOwnFolder(this.folder);
      this.folderMade = true;
    }
    const started = processStart(process.pid);
    const holder: MutexHolder = {
      pid: process.pid,
      host: hostname(),
      owner: this.owner,
      ...by,
      since: new Date().toISOString(),
      ...(started ? { started } : {}),
    };
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

/** A mutex held as a lock file: who holds it (unknown for a file that is not a lock), and whether that process runs. */
export interface MutexLockEntry {
  mutex: string;
  holder?: MutexHolder;
  live: boolean;
}

/** The mutexes held in the folder, by name. */
export function listMutexLocks(folder: string): MutexLockEntry[] {
  let files: string[];
  try {
    files = readdirSync(folder);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const entries: MutexLockEntry[] = [];
  for (const file of files) {
    if (file.startsWith('.') || !file.endsWith('.lock')) continue;
    const holder = readHolderOrUnreadable(join(folder, file));
    if (holder === undefined) continue;
    const mutex = mutexOfLockName(file);
    entries.push(holder === 'unreadable' ? { mutex, live: false } : { mutex, holder, live: holderAlive(holder) });
  }
  return entries.sort((a, b) => a.mutex.localeCompare(b.mutex));
}

/** Removes a mutex's lock file whoever holds it; returns what it was (undefined: no such lock). */
export function releaseMutexLock(folder: string, mutex: string): MutexLockEntry | undefined {
  const path = join(folder, lockName(mutex));
  const holder = readHolder(path);
  if (holder === undefined) return undefined;
  const entry = holder === 'unreadable' ? { mutex, live: false } : { mutex, holder, live: holderAlive(holder) };
  removeFile(path);
  return entry;
}

function readHolderOrUnreadable(path: string): ReturnType<typeof readHolder> {
  try {
    return readHolder(path);
  } catch {
    return 'unreadable';
  }
}

function mutexOfLockName(file: string): string {
  const encoded = file.slice(0, -'.lock'.length);
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
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
