// A `docker` of the tests' own, first on the PATH while a test runs: the import's side containers (a job's services,
// a template's sidecars) are started with it, so that what docker is asked can be read back.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A `docker` that logs what it is asked to `$DOCKER_LOG` and says a container is healthy. */
export const LOGGING_DOCKER = [
  '#!/bin/sh',
  'echo "$*" >> "$DOCKER_LOG"',
  'case "$1" in',
  '  run) echo c0ffee ;;',
  '  inspect) echo healthy ;;',
  'esac',
  '',
].join('\n');

/**
 * Runs `f` in a folder of its own with `script` as the `docker` on the PATH and `DOCKER_LOG` set to `docker.log` in
 * that folder, with `env` besides; the environment and the folder are put back afterwards.
 */
export async function withFakeDocker<T>(script: string, f: (dir: string) => Promise<T>, env: Record<string, string> = {}): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'maestro-docker-'));
  const saved = { ...process.env };
  try {
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'docker'), script);
    chmodSync(join(dir, 'bin', 'docker'), 0o755);
    Object.assign(process.env, { PATH: `${join(dir, 'bin')}:${process.env.PATH}`, DOCKER_LOG: join(dir, 'docker.log'), ...env });
    return await f(dir);
  } finally {
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  }
}
