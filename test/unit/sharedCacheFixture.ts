// A team's shared cache as the tests set it up: a shared folder and key, users with state folders of their own, and
// clones of one project in different places.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineEvent, SharedCacheSettings } from '../../src/engine/protocol';
import { startRun } from '../../src/engine/run/engine';
import { readLogText } from '../../src/engine/run/io/runStore';
import { yaml } from './helpers';

export const KEY = 'b'.repeat(64);

/** Runs `body` with these environment variables set, then puts them back as they were. */
export async function withEnv(env: Record<string, string>, body: () => Promise<void>): Promise<void> {
  const before = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    await body();
  } finally {
    for (const [name, value] of Object.entries(before))
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
  }
}

/**
 * A folder for a team's shared cache (`team`, its key in `team.key`) and its users' clones, made before each test and
 * deleted after; call it in a `describe`.
 */
export function sharedCacheFixture() {
  let dir = '';
  let stateBefore: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'maestro-shared-cache-'));
    stateBefore = process.env.MAESTRO_STATE_DIR;
    mkdirSync(join(dir, 'team'));
    writeFileSync(join(dir, 'team.key'), `${KEY}\n`);
  });
  afterEach(() => {
    process.env.MAESTRO_STATE_DIR = stateBefore;
    rmSync(dir, { recursive: true, force: true });
  });

  /** A clone of the project at `where`: a Git checkout whose workflow's build node writes an artifact and an output. */
  const clone = (where: string) => {
    const root = join(dir, where);
    mkdirSync(join(root, '.git'), { recursive: true });
    mkdirSync(join(root, 'flows', 'src'), { recursive: true });
    writeFileSync(join(root, 'flows', 'src', 'a.txt'), 'one');
    const path = join(root, 'flows', 'build.workflow.yaml');
    writeFileSync(
      path,
      yaml(
        'version: 1',
        'name: Build',
        'nodes:',
        '  build:',
        '    run: |',
        '      echo run >> ran.txt',
        '      mkdir -p out && cp src/a.txt out/app.txt',
        '      echo "v=$(cat src/a.txt)" >> "$MAESTRO_OUTPUT"',
        '    outputs: [v]',
        '    artifacts: [out/]',
        '    cache: { files: [src/] }',
      ),
    );
    return {
      root,
      path,
      ran: () =>
        existsSync(join(root, 'flows', 'ran.txt'))
          ? readFileSync(join(root, 'flows', 'ran.txt'), 'utf8')
              .split('\n')
              .filter(Boolean).length
          : 0,
    };
  };

  /** A run as `user` (a state folder, so a secret, of their own), with the team's folder and a key file. */
  const run = async (path: string, user: string, sharedCache: SharedCacheSettings | null, warnings: string[] = []) => {
    process.env.MAESTRO_STATE_DIR = join(dir, 'users', user);
    const events: EngineEvent[] = [];
    const runsDir = join(dir, 'runs', user);
    const handle = startRun({ workflowPath: path, runsDir, sharedCache, onEvent: (e) => events.push(e), onWarning: (w) => warnings.push(w) });
    const status = await handle.finished();
    handle.dispose();
    const completed = events.find((e): e is Extract<EngineEvent, { type: 'node:completed' }> => e.type === 'node:completed' && e.nodeId === 'build');
    return { status, outputs: completed?.outputs, cached: completed?.cached, log: readLogText(runsDir, handle.runId, 'build') };
  };
  const team = (): SharedCacheSettings => ({ folder: join(dir, 'team'), keyFile: join(dir, 'team.key') });
  return { dir: () => dir, clone, run, team };
}
