// What the extension's own log says, in code-server's logs beside the bench's workspace.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How long after the engine's `workflow:completed` the extension host had told its views (the status bar, the panel),
 * from the line the extension logs as a run ends (in code-server's logs, beside the workspace); null where it is not
 * found within 5 s.
 */
export async function hostLag(workspace, runId) {
  const logs = join(workspace, '..', 'user-data', 'logs');
  const said = new RegExp(`run ${runId} of .* ended \\w+: its event came (\\d+) ms after the engine sent it, the views were told (\\d+) ms later`);
  for (let i = 0; i < 50; i++) {
    const files = readdirSync(logs, { recursive: true }).filter((f) => String(f).endsWith('Maestro.log'));
    for (const file of files) {
      const found = said.exec(readFileSync(join(logs, String(file)), 'utf8'));
      if (found) return Number(found[1]) + Number(found[2]);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}
