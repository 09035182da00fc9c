// Graphs and recorded event streams for the panel's tests: graphs from the real validator, events from real runs
// of the engine (the CLI's --json output), so that the panel is tested against what it will really receive.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineEvent } from '../../src/engine/protocol';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { dagGraphOf } from '../../src/engine/dagGraph';
import { buildIndex } from '../../src/engine/workflowIndex';
import type { DagGraph } from '../../src/webview/protocol';

export const root = join(__dirname, '..', '..');

export function graphOf(text: string): DagGraph {
  return dagGraphOf(buildIndex(validateWorkflow(text))).graph;
}

export function exampleText(name: string): string {
  return readFileSync(join(root, 'examples', name), 'utf8');
}

/** Runs a workflow with the built CLI and returns the events it streamed. */
export function recordRun(text: string, args: string[] = []): EngineEvent[] {
  const dir = mkdtempSync(join(tmpdir(), 'maestro-webview-'));
  try {
    const file = join(dir, 'flow.workflow.yaml');
    writeFileSync(file, text);
    let out: string;
    try {
      out = execFileSync(process.execPath, [join(root, 'dist', 'cli.js'), 'run', file, '--json', '--runs-dir', join(dir, 'runs'), ...args], {
        encoding: 'utf8',
        cwd: dir,
      });
    } catch (e) {
      // A run that fails exits 1; its events are still on stdout.
      out = (e as { stdout?: string }).stdout ?? '';
    }
    return out
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as EngineEvent);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A layered graph of `layers` × `width` `true` nodes, each needing the node above it and the one above to the right
 * (wrapping); `phaseOf(layer)` names each layer's phase (undefined: none).
 */
export function layeredGraph(layers: number, width: number, phaseOf: (layer: number) => string | undefined = () => undefined): DagGraph {
  const id = (l: number, i: number) => `n${l}_${i}`;
  const nodes: DagGraph['nodes'] = [];
  for (let l = 0; l < layers; l++) {
    for (let i = 0; i < width; i++) {
      const phase = phaseOf(l);
      nodes.push({
        id: id(l, i),
        label: id(l, i),
        ...(phase !== undefined ? { phase } : {}),
        kind: 'run',
        needs: l ? [...new Set([id(l - 1, i), id(l - 1, (i + 1) % width)])] : [],
        outputs: [],
        artifacts: 0,
        retries: 0,
        fields: { run: 'true', continueOnError: false, failFast: false, outputs: [], env: {}, with: {} },
        problems: [],
      });
    }
  }
  return { name: `Layered ${layers}x${width}`, nodes };
}
