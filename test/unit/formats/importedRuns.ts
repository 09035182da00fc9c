// Running what an import wrote: a temporary folder for the workflow and its run, and the run's end with its events.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineEvent, RunStatus } from '../../../src/engine/protocol';
import { type RunHandle, startRun } from '../../../src/engine/run/engine';

/** Calls `f` with a new temporary folder, removed afterwards whatever happens. */
export async function inFolder<T>(prefix: string, f: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `maestro-${prefix}-`));
  try {
    return await f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes a workflow's text into `dir` as `ci.workflow.yaml` and runs it there to its end; `during` sees the run go. */
export async function runWorkflowText(
  dir: string,
  text: string,
  options: { inputs?: Record<string, string>; during?: (run: RunHandle) => Promise<void> } = {},
): Promise<{ status: RunStatus; events: EngineEvent[] }> {
  const workflowPath = join(dir, 'ci.workflow.yaml');
  writeFileSync(workflowPath, text);
  const events: EngineEvent[] = [];
  const run = startRun({ workflowPath, runsDir: join(dir, 'runs'), inputs: options.inputs, onEvent: (e) => events.push(e) });
  try {
    await options.during?.(run);
    return { status: await run.finished(), events };
  } finally {
    run.dispose();
  }
}

/** The lines the nodes logged, in order. */
export const loggedLines = (events: readonly EngineEvent[]): string[] => events.flatMap((e) => (e.type === 'node:log' ? e.lines.map((l) => l.text) : []));
