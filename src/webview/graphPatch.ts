// A graph sent as what changed since the last one: an edit of a 1,000-node file changes a node or two, and the whole
// graph is 200 KB to serialize, send through the workbench and parse again on every keystroke. Both sides of the
// rule live here: the host's diff and the page's patch. No vscode and no DOM: the host and the page import it.
import type { DagGraph, DagNode, GraphError, HostMessage, WorkflowSettings } from './protocol';

/**
 * The graph's nodes in order: a node the page has (the same as last sent) by its id, a new or changed one whole.
 * The name is the workflow's, as in a whole graph.
 */
export interface GraphPatch {
  name: string;
  settings?: WorkflowSettings;
  nodes: (DagNode | string)[];
}

/** What the host remembers of the graph it last sent: the name and settings, each node's JSON in order, and by id. */
export interface SentGraph {
  name: string;
  settings: string;
  texts: string[];
  /** By id, the last node of that id winning, as in the page's lookup of a patch's ids. */
  byId: Map<string, string>;
}

function sentGraphOf(graph: DagGraph): SentGraph {
  const texts = graph.nodes.map((n) => JSON.stringify(n));
  return { name: graph.name, settings: JSON.stringify(graph.settings ?? null), texts, byId: new Map(graph.nodes.map((n, i) => [n.id, texts[i]])) };
}

/**
 * The patch from the graph last sent to `graph`, with what to remember of `graph`; no patch when nothing changed.
 * A node goes by its id when the page's node of that id is the same, else whole.
 */
function diffGraph(sent: SentGraph, graph: DagGraph): { patch?: GraphPatch; now: SentGraph } {
  const now = sentGraphOf(graph);
  if (sameGraph(now, sent)) return { now };
  const nodes = graph.nodes.map((n, i) => (sent.byId.get(n.id) === now.texts[i] ? n.id : n));
  return { patch: { name: graph.name, ...(graph.settings ? { settings: graph.settings } : {}), nodes }, now };
}

/** Both the same graph (or both none). */
function sameGraph(a: SentGraph | undefined, b: SentGraph | undefined): boolean {
  if (!a || !b) return a === b;
  return a.name === b.name && a.settings === b.settings && a.texts.length === b.texts.length && a.texts.every((t, i) => t === b.texts[i]);
}

/** What the page shows: its graph (it keeps the last good one while the text does not parse) and error, as JSON. */
export interface PageGraph {
  graph?: SentGraph;
  error?: string;
}

type FoundGraph = { graph?: DagGraph; graphError?: GraphError };

/** What the page shows once it has taken `found` whole (the `init`, or a `graph` message) on a page with no graph. */
export const pageGraphOf = ({ graph, graphError }: FoundGraph): PageGraph => ({
  ...(graph ? { graph: sentGraphOf(graph) } : {}),
  ...(graphError ? { error: JSON.stringify(graphError) } : {}),
});

/**
 * The message that brings the page from what it shows to `found`, and what it shows then: the changed nodes when the
 * page's graph and the new one both parse, the whole graph (or the error) otherwise, nothing when the page would show
 * the same. While the text does not parse, the page keeps the graph it has (`setGraph` in the store).
 */
export function graphMessage(page: PageGraph, found: FoundGraph): { message?: HostMessage; page: PageGraph } {
  const error = found.graphError && JSON.stringify(found.graphError);
  if (found.graph && !error && page.graph && !page.error) {
    const { patch, now } = diffGraph(page.graph, found.graph);
    return { ...(patch ? { message: { type: 'graphPatch', ...patch } } : {}), page: { graph: now } };
  }
  const graph = found.graph && !(error && page.graph) ? sentGraphOf(found.graph) : page.graph;
  const next: PageGraph = { ...(graph ? { graph } : {}), ...(error ? { error } : {}) };
  if (error === page.error && sameGraph(graph, page.graph)) return { page: next };
  return { message: { type: 'graph', ...found }, page: next };
}

/** The graph a patch makes of the page's graph, its unchanged nodes the same objects; undefined if it does not fit. */
export function applyGraphPatch(graph: DagGraph | undefined, patch: GraphPatch): DagGraph | undefined {
  const byId = new Map(graph?.nodes.map((n) => [n.id, n]));
  const nodes: DagNode[] = [];
  for (const entry of patch.nodes) {
    const node = typeof entry === 'string' ? byId.get(entry) : entry;
    if (!node) return undefined;
    nodes.push(node);
  }
  return { name: patch.name, ...(patch.settings ? { settings: patch.settings } : {}), nodes };
}
