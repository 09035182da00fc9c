// What the extension's own log says, in code-server's logs beside the bench's workspace.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The extension's log's text (empty before its first line). */
function logText(workspace) {
  const logs = join(workspace, '..', 'user-data', 'logs');
  return readdirSync(logs, { recursive: true })
    .filter((f) => String(f).endsWith('Maestro.log'))
    .map((f) => readFileSync(join(logs, String(f)), 'utf8'))
    .join('\n');
}

/** The first match of `pattern` (global) in the log after the `skip` first ones, polled for up to 5 s; null if none. */
async function nextMatch(workspace, pattern, skip = 0) {
  for (let i = 0; i < 50; i++) {
    const found = [...logText(workspace).matchAll(pattern)][skip];
    if (found) return found;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

/**
 * How long after the engine's `workflow:completed` the extension host had told its views (the status bar, the panel),
 * from the line the extension logs as a run ends; null where it is not found within 5 s.
 */
export async function hostLag(workspace, runId) {
  const said = new RegExp(`run ${runId} of .* ended \\w+: its event came (\\d+) ms after the engine sent it, the views were told (\\d+) ms later`, 'g');
  const found = await nextMatch(workspace, said);
  return found ? Number(found[1]) + Number(found[2]) : null;
}

/**
 * The `count`-th line (counting from 0) of a pattern whose groups are the line's date, time and a duration in ms that
 * ended as the line was written: when the work began, by the machine's clock, and how long it took; null where the
 * log does not say within 5 s.
 */
async function timedLine(workspace, pattern, count) {
  const found = await nextMatch(workspace, pattern, count);
  if (!found) return null;
  // The log's times are the machine's local time, as `new Date` reads a date and time without a zone.
  const written = new Date(`${found[1]}T${found[2]}`).getTime();
  const ms = Number(found[3]);
  return { began: written - ms, ms };
}

const PANEL_OPENED = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) \[info\] DAG panel of .* opened: its page \(\d+ KB\) written in (\d+) ms$/gm;

/** How many panels the extension has opened so far, by its log. */
export const panelsOpened = (workspace) => [...logText(workspace).matchAll(PANEL_OPENED)].length;

/** When the extension got the `count`-th Show DAG that opened a panel, and how long it took to write the panel's page. */
export async function panelOpened(workspace, count) {
  const line = await timedLine(workspace, PANEL_OPENED, count);
  return line && { arrived: line.began, writtenMs: line.ms };
}

const PANEL_MOVED = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) \[info\] DAG panel moved to .*: its graph sent in (\d+) ms$/gm;

/** How many times the extension has moved a panel to another workflow so far, by its log. */
export const panelsMoved = (workspace) => [...logText(workspace).matchAll(PANEL_MOVED)].length;

/** When the extension was asked for the `count`-th move of a panel to another workflow, and how long sending its graph took. */
export async function panelMoved(workspace, count) {
  const line = await timedLine(workspace, PANEL_MOVED, count);
  return line && { arrived: line.began, sentMs: line.ms };
}
