// Tells when runs appear, go away or change in the runs folders, written by another process (the CLI, another
// window's engine): each runs folder is watched for run folders coming and going, and the folder of each run that
// another process is running, for its record to change when it ends.
import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

/** How long changes gather before one notice: a run's start writes several files. */
const SETTLE_MS = 200;
/** How often a runs folder that does not exist yet is looked for (the first run makes it). */
const RETRY_MS = 5000;

export class RunsWatcher {
  private readonly folders = new Map<string, FSWatcher>();
  private readonly runs = new Map<string, FSWatcher>();
  private timer: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private wantedFolders: readonly string[] = [];

  constructor(private readonly onChange: () => void) {}

  /** Watches these runs folders (and stops watching others). */
  watchFolders(dirs: readonly string[]): void {
    this.wantedFolders = dirs;
    this.sync(this.folders, new Set(dirs), (dir) => dir);
    const missing = dirs.some((d) => !this.folders.has(d));
    if (missing && !this.retry) {
      this.retry = setInterval(() => {
        this.sync(this.folders, new Set(this.wantedFolders), (dir) => dir);
        if (this.wantedFolders.every((d) => this.folders.has(d))) {
          clearInterval(this.retry);
          this.retry = undefined;
          this.changed();
        }
      }, RETRY_MS);
      this.retry.unref();
    }
  }

  /** Watches the folders of runs that another process is running (and stops watching the rest). */
  watchRuns(runs: readonly { runsDir: string; runId: string }[]): void {
    this.sync(this.runs, new Set(runs.map((r) => join(r.runsDir, r.runId))), (dir) => dir);
  }

  private sync(watched: Map<string, FSWatcher>, wanted: ReadonlySet<string>, path: (key: string) => string): void {
    for (const [key, watcher] of watched) {
      if (wanted.has(key)) continue;
      watcher?.close();
      watched.delete(key);
    }
    for (const key of wanted) {
      if (watched.has(key)) continue;
      try {
        const watcher = watch(path(key), { persistent: false }, () => this.changed());
        // A folder that goes away (a deleted run) ends its watcher: the next sync looks again.
        watcher.on('error', () => {
          watcher.close();
          watched.delete(key);
          this.changed();
        });
        watched.set(key, watcher);
      } catch {
        // Not there (yet): the runs folder is made by the first run.
      }
    }
  }

  private changed(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onChange();
    }, SETTLE_MS);
    this.timer.unref();
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearInterval(this.retry);
    for (const w of [...this.folders.values(), ...this.runs.values()]) w.close();
    this.folders.clear();
    this.runs.clear();
  }
}
