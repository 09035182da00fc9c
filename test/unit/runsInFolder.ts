// Runs of workflow files written into a test's own folder, with real processes: to the end, and continued from
// their logs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineEvent } from '../../src/engine/protocol';
import { resumeRunFromLog, startRun } from '../../src/engine/run/engine';
import { yaml } from './helpers';

/** Registers a new folder for each test (`prefix` names it) and gives what writes and runs workflows in it. */
export function runsInFolder(prefix: string) {
  let dir = '';
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), `maestro-${prefix}-`))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir: () => dir,
    runsDir: () => join(dir, 'runs'),
    /** Writes a workflow file of these lines; its path. */
    write: (name: string, ...lines: string[]): string => {
      const path = join(dir, name);
      writeFileSync(path, yaml(...lines));
      return path;
    },
    /** Runs a workflow file to its end. */
    run: async (path: string) => {
      const events: EngineEvent[] = [];
      const handle = startRun({ workflowPath: path, runsDir: join(dir, 'runs'), onEvent: (e) => events.push(e) });
      const status = await handle.finished();
      handle.dispose();
      return { handle, status, events };
    },
    /** Continues a run from its log to its end. */
    resume: async (runId: string) => {
      const events: EngineEvent[] = [];
      const resumed = await resumeRunFromLog({ runsDir: join(dir, 'runs'), runId, onEvent: (e) => events.push(e) });
      const status = await resumed.finished();
      resumed.dispose();
      return { status, events };
    },
  };
}
