// A served engine for the end-to-end suites: `maestro-dag serve` from the built CLI on the test workspace, with two
// operator tokens (the window attaches as `ana`; a script client acts as `ci-bot`), on a free loopback port.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export async function startServedEngine({ root, workspace, workDir }) {
  const tokens = { ana: randomBytes(24).toString('hex'), 'ci-bot': randomBytes(24).toString('hex') };
  const tokensFile = join(workDir, 'serve-tokens.json');
  writeFileSync(tokensFile, JSON.stringify(Object.entries(tokens).map(([name, token]) => ({ name, role: 'operator', token }))), { mode: 0o600 });
  const child = spawn(process.execPath, [join(root, 'dist', 'cli.js'), 'serve', '--port', '0', '--workspace', workspace, '--tokens', tokensFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (d) => (output += d));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`maestro-dag serve did not start within 30 s:\n${output}`)), 30_000);
    child.stdout.on('data', (d) => {
      output += d;
      const m = /at (http:\/\/[^\s]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`maestro-dag serve exited (${code}):\n${output}`)));
  });
  return {
    url,
    tokens,
    log: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}
