// How statuses and node kinds look: a codicon and a label each; colours come from the theme through CSS classes.
import type { DagNode } from '../protocol';
import type { CardStatus } from '../state/runView';
import { isBusyNode, isEndedNode } from '../../engine/runRules';

export const STATUS_ICON: Record<CardStatus, string> = {
  none: 'circle-large-outline',
  pending: 'circle-large-outline',
  waiting: 'bell',
  running: 'loading codicon-modifier-spin',
  retrying: 'debug-restart',
  completed: 'pass-filled',
  failed: 'error',
  skipped: 'circle-slash',
  cancelled: 'stop-circle',
};

export const STATUS_LABEL: Record<CardStatus, string> = {
  none: 'not run',
  pending: 'pending',
  waiting: 'waiting for approval',
  running: 'running',
  retrying: 'retrying',
  completed: 'completed',
  failed: 'failed',
  skipped: 'skipped',
  cancelled: 'cancelled',
};

export const KIND_ICON: Record<DagNode['kind'], string> = { run: 'terminal', approval: 'person', workflow: 'type-hierarchy-sub' };
export const KIND_LABEL: Record<DagNode['kind'], string> = { run: 'shell step', approval: 'approval gate', workflow: 'sub-workflow' };

/** A card whose node is under way (see the engine's rules), or has ended; a card of no run is neither. */
export const isActive = (s: CardStatus): boolean => s !== 'none' && isBusyNode(s);
export const isEnded = (s: CardStatus): boolean => s !== 'none' && isEndedNode(s);

/** The errors and warnings the validator finds in a node's definition, as its card and details mark them. */
export function problemsMark(problems: DagNode['problems']): { count: number; severity: 'error' | 'warning'; text: string } | undefined {
  const shown = problems.filter((p) => p.severity !== 'info');
  if (!shown.length) return undefined;
  const severity = shown.some((p) => p.severity === 'error') ? 'error' : 'warning';
  return { count: shown.length, severity, text: `${shown.length} problem${shown.length === 1 ? '' : 's'}` };
}

/** A card as a screen reader says it: name, kind, phase, problems, status, attempt and progress. */
export function describeCard(node: DagNode, card: { status: CardStatus; attempt: number; progress?: number; gatesInside?: number }): string {
  const live = isActive(card.status);
  const gates = card.gatesInside ? `, ${card.gatesInside} approval gate${card.gatesInside === 1 ? '' : 's'} waiting in its sub-run` : '';
  const problems = problemsMark(node.problems);
  return `${node.label}, ${KIND_LABEL[node.kind]}${node.phase ? `, phase ${node.phase}` : ''}${problems ? `, ${problems.text}` : ''}: ${STATUS_LABEL[card.status]}${card.attempt > 1 ? `, attempt ${card.attempt}` : ''}${card.progress !== undefined && live ? `, ${card.progress}%` : ''}${gates}`;
}

/** The DOM id of a node's card (for aria-activedescendant): ids may hold characters an id attribute should not. */
export const cardDomId = (nodeId: string): string => `card-${[...nodeId].map((c) => (/[\w-]/.test(c) ? c : `_${c.charCodeAt(0)}_`)).join('')}`;
