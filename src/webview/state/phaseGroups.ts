// Collapse by phase: past a number of nodes, each phase is drawn as one group card and its edges are bundled, until
// the user expands it. What is drawn (the "units") is decided here, from the graph and the phases expanded. Pure.
import type { LayoutNode } from '../layout/grid';
import type { DagGraph, NodeProblem } from '../protocol';
import type { NodeStatus } from '../../engine/protocol';
import { isEndedNode } from '../../engine/runRules';
import type { CardView } from './runView';

/** A group card's id: `:` never appears in a node id, so the two cannot meet. */
export const groupId = (phase: string) => `phase:${phase}`;
export const isGroupId = (id: string) => id.startsWith('phase:');

export interface PhaseGroup {
  id: string;
  phase: string;
  /** Node ids in file order. */
  members: string[];
  /** The problems the validator finds in its members' definitions, each message after its node's id. */
  problems: NodeProblem[];
  /** The members with errors or warnings, in file order. */
  withProblems: string[];
}

export interface GraphView {
  /** What is laid out and drawn: expanded and phase-less nodes by their own ids, collapsed phases by group ids. */
  units: LayoutNode[];
  /** Collapsed phases by group id. */
  groups: Record<string, PhaseGroup>;
  /** The unit each node is drawn in. */
  unitOf: Record<string, string>;
  /** How many edges of the graph each drawn edge between units stands for, by `from->to`. */
  bundled: Record<string, number>;
  /** Whether the graph is big enough to collapse (then phases can be collapsed again once expanded). */
  collapsible: boolean;
}

/** The units of a graph: with more nodes than `collapseAbove` (0: never), its phases not in `expanded` collapse. */
export function graphView(graph: DagGraph | undefined, collapseAbove: number, expanded: ReadonlySet<string>): GraphView {
  const nodes = graph?.nodes ?? [];
  const collapsible = collapseAbove > 0 && nodes.length > collapseAbove && nodes.some((n) => n.phase !== undefined);
  const groups: Record<string, PhaseGroup> = {};
  const unitOf: Record<string, string> = {};
  for (const n of nodes) {
    if (!collapsible || n.phase === undefined || expanded.has(n.phase)) {
      unitOf[n.id] = n.id;
      continue;
    }
    const id = groupId(n.phase);
    const group = (groups[id] ??= { id, phase: n.phase, members: [], problems: [], withProblems: [] });
    group.members.push(n.id);
    group.problems.push(...n.problems.map((p) => ({ ...p, message: `${n.id}: ${p.message}` })));
    if (n.problems.some((p) => p.severity !== 'info')) group.withProblems.push(n.id);
    unitOf[n.id] = id;
  }
  const needs = new Map<string, Set<string>>();
  const bundled: Record<string, number> = {};
  for (const n of nodes) {
    const to = unitOf[n.id];
    if (!needs.has(to)) needs.set(to, new Set());
    for (const d of n.needs) {
      const from = unitOf[d];
      if (from === undefined || from === to) continue;
      needs.get(to)!.add(from);
      if (from !== d || to !== n.id) bundled[`${from}->${to}`] = (bundled[`${from}->${to}`] ?? 0) + 1;
    }
  }
  const units = [...needs].map(([id, ds]) => ({ id, needs: [...ds] }));
  return { units, groups, unitOf, bundled, collapsible };
}

export interface GroupSummary {
  total: number;
  counts: Partial<Record<NodeStatus, number>>;
  /** The members' progress together, 0–100: ended nodes count as done. */
  progress: number;
  /** The running member that started first. */
  slowest?: string;
}

/** What a group card shows of a run: its members' statuses counted, their progress together, the slowest runner. */
export function summarizeGroup(members: readonly string[], cards: Readonly<Record<string, CardView>>): GroupSummary {
  const counts: Partial<Record<NodeStatus, number>> = {};
  let progress = 0;
  let slowest: { id: string; at: number } | undefined;
  for (const id of members) {
    const card = cards[id];
    if (!card || card.status === 'none') continue;
    counts[card.status] = (counts[card.status] ?? 0) + 1;
    progress += isEndedNode(card.status) ? 100 : (card.progress ?? 0);
    if (card.status === 'running' && card.startedAt !== undefined && (!slowest || card.startedAt < slowest.at)) slowest = { id, at: card.startedAt };
  }
  return { total: members.length, counts, progress: members.length ? Math.round(progress / members.length) : 0, ...(slowest ? { slowest: slowest.id } : {}) };
}
