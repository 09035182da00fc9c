import type { LayoutResult } from './grid';

/**
 * The final layouts a page made lately, by structure key, the least recently used forgotten first: an edit undone
 * (a character typed in a `needs` entry and deleted) draws the layout it had at once instead of laying it out again,
 * which for 1,000 nodes is a second of dagre on a core the editor needs.
 */
export class RecentLayouts {
  private readonly byKey = new Map<string, LayoutResult>();

  constructor(private readonly size = 4) {}

  get(key: string): LayoutResult | undefined {
    const layout = this.byKey.get(key);
    if (layout) this.remember(key, layout);
    return layout;
  }

  remember(key: string, layout: LayoutResult): void {
    this.byKey.delete(key);
    this.byKey.set(key, layout);
    for (const oldest of this.byKey.keys()) {
      if (this.byKey.size <= this.size) break;
      this.byKey.delete(oldest);
    }
  }
}
