// Starts code-server (a real VS Code) on loopback with the packaged extension installed, and stops it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs test/e2e/setup.sh; returns the Node 24 binary and code-server's entry, or throws with its message. */
export function setup(root) {
  const r = spawnSync('bash', [join(root, 'test', 'e2e', 'setup.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`end-to-end setup failed (exit ${r.status}); see the message above`);
  const [node, entry] = r.stdout.trim().split('\n');
  return { node, entry };
}

/**
 * Starts code-server with the packaged extension installed. With `testEntry`, the installed extension's entry loads
 * that bundle instead (the test build, which runs the integration suites after the real activate()).
 */
export async function startCodeServer({ node, entry, vsix, workDir, workspace, env = {}, settings = {}, testEntry }) {
  const userData = join(workDir, 'user-data');
  const extensions = join(workDir, 'extensions');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'workbench.tips.enabled': false,
        'extensions.ignoreRecommendations': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'chat.disableAIFeatures': true,
        // The lines an editor keeps at its top while scrolled cover the line a step right-clicks there.
        'editor.stickyScroll.enabled': false,
        ...settings,
      },
      null,
      2,
    ),
  );
  // code-server writes a config file under XDG_CONFIG_HOME: the test's own, not the user's.
  const configEnv = { ...process.env, XDG_CONFIG_HOME: join(workDir, 'config') };
  const install = spawnSync(node, [entry, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix], {
    encoding: 'utf8',
    env: configEnv,
  });
  if (install.status !== 0) throw new Error(`installing ${vsix} failed: ${install.stderr || install.stdout}`);
  if (testEntry) {
    const installed = readdirSync(extensions).find((d) => d.startsWith('maestro-dag.maestro-dag-'));
    if (!installed) throw new Error(`the extension is not in ${extensions} after its install`);
    writeFileSync(join(extensions, installed, 'dist', 'extension.js'), `module.exports = require(${JSON.stringify(testEntry)});\n`);
  }
  const port = await freePort();
  const child = spawn(
    node,
    [
      entry,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--user-data-dir',
      userData,
      '--extensions-dir',
      extensions,
      '--disable-telemetry',
      '--disable-update-check',
      workspace,
    ],
    {
      env: { ...configEnv, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let log = '';
  child.stdout.on('data', (c) => (log += c));
  child.stderr.on('data', (c) => (log += c));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${log}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (i > 600) throw new Error(`code-server did not answer on ${url} within 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    workspaceUrl: `${url}/?folder=${encodeURIComponent(workspace)}`,
    log: () => log,
    stop: async () => {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      await new Promise((r) => {
        const t = setTimeout(() => {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // gone
          }
          r();
        }, 5000);
        child.once('exit', () => {
          clearTimeout(t);
          r();
        });
      });
    },
  };
}

export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
