import type * as vscode from 'vscode';
import type { DagPanels } from '../dag/dagPanels';
import type { InsightsPanels } from '../insights/insightsPanels';
import type { WorkflowDocuments } from '../language/documents';
import type { LiveValidation } from '../language/liveValidation';
import type { EngineChoice } from '../runs/engineChoice';
import type { HeldMutexes } from '../runs/heldMutexes';
import type { RunActions } from '../runs/runActions';
import type { InputPrompts } from './inputPrompts';
import type { RunManager } from '../runs/runManager';

/** What commands work with. */
export interface CommandServices {
  runs: RunManager;
  actions: RunActions;
  /** The prompts for a run's inputs. */
  prompts: InputPrompts;
  validation: LiveValidation;
  documents: WorkflowDocuments;
  dag: DagPanels;
  insights: InsightsPanels;
  engines: EngineChoice;
  heldMutexes: HeldMutexes;
  log: vscode.LogOutputChannel;
  /** Where the extension is installed (its bundled templates). */
  extensionUri: vscode.Uri;
}

/** A command's id and its handler (which receives whatever VS Code passes). */
export type CommandTable = Record<string, (...args: unknown[]) => Promise<unknown>>;
