// A team's kept results: a folder its machines share (a network or synced folder), whose entries are signed with a
// key the team holds, and keyed by the paths of the workflow and the node's folder below their Git checkout, so that
// two clones in different places find the same results. Looked up after the user's own results; a result a run keeps
// goes to both (to the user's own only when the shared cache is read only), and one found in the shared folder is
// kept in the user's own too (the next lookup finds it there).
import { dirname } from 'node:path';
import { checkoutRoot } from '../../gitCheckout';
import type { SharedCacheSettings } from '../../protocol';
import type { CacheLookup, CacheLookupOptions, CacheQuery, KeepPreparation, KeptResult, NodeCache } from '../core/ports';
import { homePath, readsSharedCacheOnly, sharedCacheKey } from './sharedCacheSource';
import { forgetKept, type ForgetOptions } from './cacheForget';
import { FileNodeCache, type FolderBounds, pathBelow, type FileNodeCacheOptions } from './nodeCache';
import { readSharedFolderSettings, SHARED_SETTINGS_FILE } from './sharedFolderSettings';

/** The folder a workflow's paths are taken below: its checkout's (its own folder outside one). */
const baseOf = async (workflowPath: string): Promise<string> => (await checkoutRoot(dirname(workflowPath))) ?? dirname(workflowPath);
const keyBase = (query: CacheQuery): Promise<string> => baseOf(query.workflowPath);

/** Deletes kept results in a team's shared folder, as forgetResults does in a runs folder; `workflowPath`: absolute. */
export async function forgetSharedResults(folder: string, o: ForgetOptions): Promise<number> {
  const workflowPath = o.workflowPath === undefined ? undefined : pathBelow(await baseOf(o.workflowPath), o.workflowPath);
  return forgetKept(homePath(folder), { ...o, workflowPath });
}

/** The bounds a shared folder sets itself (see sharedFolderSettings.ts), its problem said. */
function sharedFolderBounds(folder: string, onProblem: (message: string) => void): FolderBounds {
  const { settings, problem } = readSharedFolderSettings(folder);
  if (problem) onProblem(problem);
  const { copiesMaxMb, maxResults } = settings;
  return {
    ...(copiesMaxMb !== undefined ? { copiesMaxBytes: copiesMaxMb * 1024 * 1024 } : {}),
    ...(maxResults !== undefined ? { maxResults } : {}),
    where: `the shared folder's ${SHARED_SETTINGS_FILE}`,
  };
}

/** The user's own cache in front of the team's; undefined (and a warning) when the team's key cannot be read. */
export function withSharedCache(
  own: FileNodeCache,
  settings: SharedCacheSettings,
  o: Omit<FileNodeCacheOptions, 'keys' | 'shared' | 'folderBounds'>,
): LayeredNodeCache | undefined {
  const key = sharedCacheKey(settings);
  if ('problem' in key) {
    o.onProblem?.(key.problem);
    return undefined;
  }
  const { folder, keys } = key;
  // A folder that cannot be written fails every node's result alike: said once per run.
  let told = false;
  const onProblem = (message: string) => {
    if (!told) o.onProblem?.(`the shared cache in ${folder}: ${message} (the run says no more of its problems with it)`);
    told = true;
  };
  // Read once, at the cache's first use: its problem is said once per run, apart from the folder's others.
  const folderBounds = () => sharedFolderBounds(folder, (problem) => o.onProblem?.(`the shared cache in ${folder}: ${problem}`));
  const shared = new FileNodeCache(folder, { ...o, onProblem, folderBounds, keys: () => keys, shared: { base: keyBase } });
  return new LayeredNodeCache(own, shared, folder, readsSharedCacheOnly(settings, keys));
}

/** The keys of the two caches, as one. */
const SEPARATOR = '|';

interface LayeredPreparation extends KeepPreparation {
  own?: KeepPreparation;
  shared?: KeepPreparation;
}

export class LayeredNodeCache implements NodeCache {
  constructor(
    private readonly own: FileNodeCache,
    private readonly shared: FileNodeCache,
    private readonly sharedFolder: string,
    /** Nothing is kept in the shared folder (nor trimmed there): the team's CI keeps its results. */
    private readonly readOnly: boolean,
  ) {}

  async lookup(query: CacheQuery, o: CacheLookupOptions): Promise<CacheLookup> {
    const own = await this.own.lookup(query, o);
    if (own.hit) return own;
    const shared = await this.shared.lookup(query, o);
    const key = [own.problem ? '' : own.key, shared.problem ? '' : shared.key].join(SEPARATOR);
    if (shared.hit) {
      if (!own.problem) await this.keepOwn(own.key, query, shared);
      const { hit, restored, artifacts } = shared;
      return { key, hit, where: `the shared cache in ${this.sharedFolder}`, ...(restored ? { restored } : {}), ...(artifacts ? { artifacts } : {}) };
    }
    if (own.problem && shared.problem) return { key: '', problem: own.problem };
    const ownOnly = this.readOnly ? 'the result is not kept (the shared cache is read only)' : 'the result is kept in the shared cache only';
    const note = own.note ?? shared.note ?? (own.problem && `${ownOnly}: ${own.problem}`);
    return { key, ...(note ? { note } : {}) };
  }

  /** A result found in the shared folder, kept in the user's own, with copies of its artifacts as they were put. */
  private async keepOwn(key: string, query: CacheQuery, shared: CacheLookup): Promise<void> {
    const prepared = await this.own.prepare(query);
    this.own.keep(key, { ...shared.hit!, artifacts: shared.artifacts ?? [], query, prepared });
  }

  async prepare(query: CacheQuery): Promise<LayeredPreparation> {
    const [own, shared] = await Promise.all([this.own.prepare(query), this.readOnly ? undefined : this.shared.prepare(query)]);
    return { own, shared };
  }

  keep(key: string, result: KeptResult & { artifacts: string[]; query: CacheQuery; prepared?: LayeredPreparation }): string | undefined {
    const [ownKey, sharedKey] = key.split(SEPARATOR);
    const { prepared, ...rest } = result;
    const own = ownKey ? this.own.keep(ownKey, { ...rest, prepared: prepared?.own }) : undefined;
    const shared = sharedKey && !this.readOnly ? this.shared.keep(sharedKey, { ...rest, prepared: prepared?.shared }) : undefined;
    return own ?? (shared ? `the shared cache in ${this.sharedFolder}: ${shared}` : undefined);
  }

  async settled(): Promise<void> {
    await Promise.all([this.own.settled(), this.shared.settled()]);
  }
}
