// What validation reads of files beside the one it validates (sub-workflows, the scripts their nodes run), per
// keystroke: each file read once while its size and time stay the same, and only a regular file of a bounded size
// (a FIFO or a device would block the read, a huge file would take long).
import { statSync } from 'node:fs';

export class StatCache<T> {
  private readonly entries = new Map<string, { mtimeMs: number; size: number; value: T | undefined }>();

  constructor(
    /** A larger file is not read. */
    private readonly maxBytes: number,
    /** How many files' answers are kept: the oldest goes first. */
    private readonly maxEntries: number,
    /** What is kept of a file; it throws, or answers undefined, for one that cannot be read as one. */
    private readonly read: (path: string) => T | undefined,
  ) {}

  /**
   * What is kept of the file at `path`; undefined when it is missing, not a regular file, too large or unreadable, or
   * past the `budget` of the question that asks.
   */
  get(path: string, budget?: ReadBudget): T | undefined {
    if (budget && !budget.allows(path)) return undefined;
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return undefined;
    }
    if (!stat.isFile() || stat.size > this.maxBytes) return undefined;
    const hit = this.entries.get(path);
    if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) return hit.value;
    let value: T | undefined;
    try {
      value = this.read(path);
    } catch {
      value = undefined;
    }
    // A file read again goes to the back, as the newest, and pushes out no other.
    this.entries.delete(path);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, value });
    return value;
  }

  /** A budget of as many files as this cache keeps, for one question (see ReadBudget). */
  budget(): ReadBudget {
    return new ReadBudget(this.maxEntries);
  }
}

/**
 * The distinct files one question (a validation, say) may read through a cache: as many as it keeps, so that the next
 * keystroke's question reads none of them again, and a file that names thousands of others cannot make each keystroke
 * read them all. Those past it are not read, the same ones each time (the first named are read): what they would say
 * is not known, and nothing is said of it.
 */
export class ReadBudget {
  private readonly paths = new Set<string>();

  constructor(private readonly max: number) {}

  allows(path: string): boolean {
    if (this.paths.has(path)) return true;
    if (this.paths.size >= this.max) return false;
    this.paths.add(path);
    return true;
  }
}
