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
