// Which runs of a runs folder have their digest kept, and in which workflow's index: one short line per run
// (`<run id>\t<index key>`), appended as runs end. Insights compare it with the folder's listing to find the runs
// that still need a digest, and count a workflow's runs from it, without opening every run's folder. A run that
// ended without anything to digest is kept with no key, so that it is not read again. The process that read it
// keeps it, and later reads only the lines appended since.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { appendToFile, writeFileAtomically } from './atomicFile';
import { remadeLength, textAfter } from './tailLines';

export const INSIGHTS_DIR = '.insights';
const CATALOG = 'digested.tsv';

const catalogPath = (runsDir: string) => join(runsDir, INSIGHTS_DIR, CATALOG);

/** Run id → index key ('' for a run with nothing to digest), with each key's count of runs. */
export class Catalog {
  private readonly keys = new Map<string, string>();
  private readonly counts = new Map<string, number>();

  get size(): number {
    return this.keys.size;
  }
  has(runId: string): boolean {
    return this.keys.has(runId);
  }
  runIds(): IterableIterator<string> {
    return this.keys.keys();
  }
  entries(): IterableIterator<[string, string]> {
    return this.keys.entries();
  }
  /** How many runs are in the index of `key`. */
  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }
  set(runId: string, key: string): void {
    this.delete(runId);
    this.keys.set(runId, key);
    this.counts.set(key, this.count(key) + 1);
  }
  delete(runId: string): void {
    const key = this.keys.get(runId);
    if (key === undefined) return;
    this.keys.delete(runId);
    this.counts.set(key, this.count(key) - 1);
  }

  /** Takes in the catalog's lines (`<run id>\t<key>`, a later line of a run winning), read as one text. */
  addText(text: string): void {
    if (this.keys.size) return this.addLines(text);
    // Ten thousand lines on a first read: cut by position, and counted as runs of equal keys (most lines share one).
    const { keys } = this;
    let key = '';
    let run = 0;
    let again = false;
    for (let at = 0; at < text.length;) {
      let nl = text.indexOf('\n', at);
      if (nl < 0) nl = text.length;
      const tab = text.indexOf('\t', at);
      if (tab > at && tab < nl) {
        const next = text.slice(tab + 1, nl);
        if (next !== key) {
          if (run) this.counts.set(key, this.count(key) + run);
          key = next;
          run = 0;
        }
        const before = keys.size;
        keys.set(text.slice(at, tab), next);
        if (keys.size > before) run++;
        else again = true;
      }
      at = nl + 1;
    }
    if (run) this.counts.set(key, this.count(key) + run);
    // A run listed twice (digested again) may have moved between keys: counted again from what each run has.
    if (again) this.recount();
  }

  private addLines(text: string): void {
    for (const line of text.split('\n')) {
      const tab = line.indexOf('\t');
      if (tab > 0) this.set(line.slice(0, tab), line.slice(tab + 1));
    }
  }

  private recount(): void {
    this.counts.clear();
    for (const key of this.keys.values()) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}

const kept = new Map<string, { ino: number; length: number; catalog: Catalog }>();

/** The catalog, or undefined when there is none yet. A line being written (no newline yet) is left for later. */
export function readCatalog(runsDir: string): Catalog | undefined {
  const path = catalogPath(runsDir);
  const complete = remadeLength(path);
  if (!complete) {
    kept.delete(path);
    return undefined;
  }
  const { ino, length } = complete;
  let k = kept.get(path);
  if (!k || k.ino !== ino || length < k.length) k = { ino, length: 0, catalog: new Catalog() };
  if (length > k.length) {
    const appended = textAfter(path, k.length);
    k.catalog.addText(appended.text);
    k.length = appended.end;
  }
  kept.set(path, k);
  return k.catalog;
}

export function addToCatalog(runsDir: string, entries: readonly (readonly [runId: string, key: string])[]): void {
  if (!entries.length) return;
  mkdirSync(join(runsDir, INSIGHTS_DIR), { recursive: true });
  appendToFile(catalogPath(runsDir), entries.map(([id, key]) => `${id}\t${key}\n`).join(''));
}

/** The catalog written anew with these entries only (after runs are deleted, or when it is first made). */
export function writeCatalog(runsDir: string, entries: Iterable<[string, string]>): void {
  mkdirSync(join(runsDir, INSIGHTS_DIR), { recursive: true });
  writeFileAtomically(catalogPath(runsDir), [...entries].map(([id, key]) => `${id}\t${key}\n`).join(''));
}

/** Forgets the catalogs read (for measuring a first read). */
export const forgetReadCatalogs = (): void => kept.clear();
