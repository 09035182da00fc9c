// `npm start`: try the extension without installing VS Code. Builds and packages it, installs it into code-server
// (a real VS Code in the browser, set up once into ~/.cache/maestro-e2e), and opens the examples on loopback.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setup, startCodeServer } from '../test/e2e/codeServer.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let paths;
try {
  paths = setup(root);
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
console.log('Packaging the extension…');
execFileSync('npm', ['run', '--silent', 'package'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
const home = join(homedir(), '.cache', 'maestro-e2e', 'try');
const workspace = join(home, 'examples');
if (!existsSync(workspace)) {
  mkdirSync(workspace, { recursive: true });
  cpSync(join(root, 'examples'), workspace, { recursive: true });
}
const server = await startCodeServer({
  ...paths,
  vsix: join(root, 'dist', 'maestro-dag.vsix'),
  workDir: home,
  workspace,
  settings: { 'security.workspace.trust.enabled': false },
});
console.log(`\nMaestro DAG Workflows in VS Code: ${server.workspaceUrl}`);
console.log(`(loopback only, no password; the examples are a copy in ${workspace}). Ctrl-C stops it.`);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
await new Promise(() => undefined);
