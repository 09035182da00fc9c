import type { NodeSpec } from './model';

/** Strongly connected components with more than one member (or a self-loop), by Tarjan's algorithm, iteratively. */
export function cyclicComponents(ids: readonly string[], needs: (id: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result: string[][] = [];
  let counter = 0;
  const known = new Set(ids);
  for (const root of ids) {
    if (index.has(root)) continue;
    const edgesOf = (id: string) => needs(id).filter((d) => known.has(d));
    const work: { id: string; next: number; edges: readonly string[] }[] = [{ id: root, next: 0, edges: edgesOf(root) }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length) {
      const frame = work[work.length - 1];
      if (frame.next < frame.edges.length) {
        const dep = frame.edges[frame.next++];
        if (!index.has(dep)) {
          index.set(dep, counter);
          low.set(dep, counter++);
          stack.push(dep);
          onStack.add(dep);
          work.push({ id: dep, next: 0, edges: edgesOf(dep) });
        } else if (onStack.has(dep)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(dep)!));
        }
        continue;
      }
      work.pop();
      if (work.length) {
        const parent = work[work.length - 1].id;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.id)!));
      }
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        if (component.length > 1) result.push(component);
      }
    }
  }
  return result;
}

/**
 * A shortest path of `needs` edges from `from` to `to` within a set of nodes, both ends included. With a budget,
 * the search gives up (undefined) once it has visited that many nodes in all, across the calls that share it.
 */
export function needsPath(
  from: string,
  to: string,
  within: ReadonlySet<string>,
  needs: (id: string) => readonly string[],
  budget?: { left: number },
): string[] | undefined {
  const previous = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head];
    if (budget && --budget.left < 0) return undefined;
    if (id === to) {
      const path: string[] = [];
      for (let at: string | null = id; at !== null; at = previous.get(at)!) path.unshift(at);
      return path;
    }
    for (const dep of needs(id)) {
      if (within.has(dep) && !previous.has(dep)) {
        previous.set(dep, id);
        queue.push(dep);
      }
    }
  }
  return undefined;
}

/**
 * Whether `ancestor` is upstream of `id` (needed by it, directly or through others). Direct needs answer at once;
 * otherwise one search collects the node's whole ancestor set, which is kept for later questions about that node.
 * Safe on cyclic graphs.
 */
export function upstreamChecker(nodes: readonly Pick<NodeSpec, 'id' | 'needs'>[]): (id: string, ancestor: string) => boolean {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const ancestors = new Map<string, Set<string>>();
  return (id, ancestor) => {
    const node = byId.get(id);
    if (!node) return false;
    if (node.needs.includes(ancestor)) return true;
    let set = ancestors.get(id);
    if (!set) {
      set = new Set<string>();
      const stack = [...node.needs];
      while (stack.length) {
        const dep = stack.pop()!;
        if (set.has(dep)) continue;
        const depNode = byId.get(dep);
        if (!depNode) continue;
        set.add(dep);
        const known = ancestors.get(dep);
        if (known) for (const x of known) set.add(x);
        else stack.push(...depNode.needs);
      }
      ancestors.set(id, set);
    }
    return set.has(ancestor);
  };
}

/** Nodes in an order where each comes after everything it needs (Kahn's algorithm, roots in file order); nodes on cycles last. */
export function topologicalOrder(nodes: readonly Pick<NodeSpec, 'id' | 'needs'>[]): string[] {
  const ids = new Set(nodes.map((n) => n.id));
  const remaining = new Map(nodes.map((n) => [n.id, new Set(n.needs.filter((d) => ids.has(d) && d !== n.id))]));
  const dependents = new Map<string, string[]>();
  for (const n of nodes) for (const d of remaining.get(n.id)!) dependents.set(d, [...(dependents.get(d) ?? []), n.id]);
  const order: string[] = [];
  const ready = nodes.filter((n) => remaining.get(n.id)!.size === 0).map((n) => n.id);
  for (let head = 0; head < ready.length; head++) {
    const id = ready[head];
    order.push(id);
    for (const child of dependents.get(id) ?? []) {
      const r = remaining.get(child)!;
      r.delete(id);
      if (r.size === 0) ready.push(child);
    }
  }
  if (order.length < nodes.length) {
    const placed = new Set(order);
    for (const n of nodes) if (!placed.has(n.id)) order.push(n.id);
  }
  return order;
}

/** Depth of each node: 0 for roots, else one more than the deepest node it needs. */
export function layers(nodes: readonly Pick<NodeSpec, 'id' | 'needs'>[]): Map<string, number> {
  const depth = new Map<string, number>();
  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const id of topologicalOrder(nodes)) {
    const deps = byId.get(id)!.needs.filter((d) => depth.has(d));
    depth.set(id, deps.length ? Math.max(...deps.map((d) => depth.get(d)!)) + 1 : 0);
  }
  return depth;
}
