import { data } from '@actions/expressions';
import type { Data } from './values';

/**
 * The `nodes` context as one node sees it: only the nodes upstream of it, so that `nodes.*` and `toJSON(nodes)` read
 * the same whatever else happened to have ended by then. `isUpstream` takes ids as written in the file.
 */
export class UpstreamNodes extends data.Dictionary {
  constructor(
    /** Every node that has ended, made when an expression first reads them (most nodes' expressions never do). */
    private readonly all: () => data.Dictionary,
    private readonly isUpstream: (id: string) => boolean,
    /** The id as written, for a name in any case. */
    private readonly idOf: (name: string) => string | undefined,
  ) {
    super();
  }

  override get(key: string): Data | undefined {
    const id = this.idOf(key);
    return id !== undefined && this.isUpstream(id) ? this.all().get(id) : undefined;
  }

  override pairs(): ReturnType<data.Dictionary['pairs']> {
    return this.all()
      .pairs()
      .filter((p) => this.isUpstream(p.key));
  }

  override values(): Data[] {
    return this.pairs().map((p) => p.value);
  }
}
