/**
 * The Insights panel protocol: what the extension host and the Insights webview say to each other. Types, and the
 * guards that check what arrives; nothing else defines a message.
 */
import { isObject, isText, type Json } from '../../engine/json';
import type { CompareRow } from '../../engine/insights/compare';
import type { WorkflowInsights } from '../../engine/insights/report';

/** The ranges the view offers: the last 20 or 100 runs, or all of them (null). */
export type InsightsRange = 20 | 100 | null;

export type InsightsHostMessage =
  | { type: 'report'; workflowName: string; range: InsightsRange; insights: WorkflowInsights }
  | { type: 'compared'; runA: string; runB: string; rows: CompareRow[] }
  | { type: 'failed'; message: string };

export type InsightsWebviewMessage =
  | { type: 'ready' }
  | { type: 'setRange'; range: InsightsRange }
  | { type: 'openRun'; runId: string }
  | { type: 'revealNode'; node: string }
  | { type: 'compare'; runA: string; runB: string };

const isRange = (v: unknown): v is InsightsRange => v === null || v === 20 || v === 100;

const HOST: Record<InsightsHostMessage['type'], (v: Json) => boolean> = {
  report: (v) => isText(v.workflowName) && isRange(v.range) && isObject(v.insights) && isObject(v.insights.report),
  compared: (v) => isText(v.runA) && isText(v.runB) && Array.isArray(v.rows),
  failed: (v) => isText(v.message),
};

const WEBVIEW: Record<InsightsWebviewMessage['type'], (v: Json) => boolean> = {
  ready: () => true,
  setRange: (v) => isRange(v.range),
  openRun: (v) => isText(v.runId),
  revealNode: (v) => isText(v.node),
  compare: (v) => isText(v.runA) && isText(v.runB),
};

function parse<T extends { type: string }>(checks: Record<string, (v: Json) => boolean>, v: unknown): T | undefined {
  if (!isObject(v) || typeof v.type !== 'string') return undefined;
  const check = Object.hasOwn(checks, v.type) ? checks[v.type] : undefined;
  return check?.(v) ? (v as unknown as T) : undefined;
}

export const parseInsightsHostMessage = (v: unknown) => parse<InsightsHostMessage>(HOST, v);
export const parseInsightsWebviewMessage = (v: unknown) => parse<InsightsWebviewMessage>(WEBVIEW, v);
