// The editor bench's figures as printed.
import { ms, ratio } from '../stats';

/** The section's figures; `rounds`: how many keystrokes, Show DAG beside the preview and runs each median is of. */
export function report(result, rounds) {
  const line = (label, value, rest = '') => console.log(`  ${label.padEnd(66)} ${ms(value)}${rest}`);
  console.log(`\nEditor (code-server), the 1,000-node file; medians of ${rounds.keystrokes} keystrokes with the panel and without, in turn`);
  line('a keystroke breaking a needs entry, until Problems shows it', result.keystrokeMs, `   (${result.keystrokesMs.join(', ')} ms)`);
  line(
    'the same with the DAG panel open beside the editor',
    result.keystrokeWithPanelMs,
    `   ${ratio(result.keystrokeWithPanelMs, result.keystrokeMs)} (target ≤ 1.3×; ${result.keystrokesWithPanelMs.join(', ')} ms)`,
  );
  line('Show DAG (the command chosen) until the first cards', result.showDagMs);
  line("  VS Code, until the panel's page started", result.showDagWebviewMs);
  splitByExtension(line, result.showDagWebviewMs, result.showDagToExtensionMs, result.showDagExtensionMs);
  line("  then the panel's page, until its first cards were painted", result.showDagPanelMs);
  if (Number.isFinite(result.showDagScriptMs)) line('    of which until its script had arrived', result.showDagScriptMs);
  line(
    `Show DAG again, its layout kept (median of ${rounds.keystrokes})`,
    result.showDagAgainMs,
    `   (VS Code ${ms(result.showDagAgainWebviewMs)}, the page ${ms(result.showDagAgainPanelMs)})`,
  );
  console.log(`  in turn, ${rounds.markdown} times (medians):`);
  line(
    "  VS Code's Markdown preview of a one-line file, to the side",
    result.markdownPreviewMs,
    `   (its first paint; VS Code until its page started ${ms(result.markdownPreviewWebviewMs)})`,
  );
  line(
    '  Show DAG of the 1,000-node file, opened again',
    result.showDagBesideMarkdownMs,
    `   ${ratio(result.showDagBesideMarkdownMs, result.markdownPreviewMs)} the preview (VS Code ${ms(result.showDagBesideMarkdownWebviewMs)}: ${ratio(result.showDagBesideMarkdownWebviewMs, result.markdownPreviewWebviewMs)})`,
  );
  splitByExtension(
    (label, value) => line(`  ${label}`, value),
    result.showDagBesideMarkdownWebviewMs,
    result.showDagBesideMarkdownToExtensionMs,
    result.showDagBesideMarkdownExtensionMs,
  );
  line(
    `Show DAG with the panel open on another workflow (median of ${rounds.markdown})`,
    result.showDagIntoOpenPanelMs,
    `   (${result.showDagIntoOpenPanelTimesMs.map((t) => Math.round(t)).join(', ')} ms)`,
  );
  if (typeof result.showDagIntoOpenPanelExtensionMs !== 'number') console.log("    (the extension's part: not found in its log)");
  else {
    line('    of which the command reaching the extension', result.showDagIntoOpenPanelToExtensionMs);
    line('    the extension sending the graph', result.showDagIntoOpenPanelExtensionMs);
    line('    VS Code delivering it to the page', result.showDagIntoOpenPanelDeliveredMs);
  }
  line("    the page, from the graph's arrival to its first cards", result.showDagIntoOpenPanelPageMs);
  line("the browser's first webview (6 nodes) until its cards", result.firstWebviewMs);
  line("  of which VS Code, until the panel's page started", result.firstWebviewVsCodeMs);
  line(
    "the run's end in the status bar, after the engine's completed event",
    result.runEndStatusLagMs,
    `   (target ≤ 500 ms; median of ${rounds.runs} runs: ${result.runEndStatusLagsMs.join(', ')} ms)`,
  );
  line('... and in the panel', result.runEndPanelLagMs, `   (${result.runEndPanelLagsMs.join(', ')} ms)`);
  line(
    '  with no DAG panel open, in turn with those: the status bar',
    result.runEndNoPanelStatusLagMs,
    `   (${result.runEndNoPanelStatusLagsMs.join(', ')} ms; the extension host had told it ${result.runEndNoPanelHostLagsMs.map((lag) => lag ?? '?').join(', ')} ms after the event)`,
  );
  if (result.runEndHostLagMs === null) console.log("  (when the extension host had told its views: not found in the extension's log)");
  else line('  of which until the extension host had told its views', result.runEndHostLagMs, `   (${result.runEndHostLagsMs.join(', ')} ms)`);
}

/** VS Code's part of Show DAG split by the extension's log, where it said. */
function splitByExtension(line, webviewMs, toExtensionMs, extensionMs) {
  if (typeof toExtensionMs !== 'number' || typeof extensionMs !== 'number') {
    console.log("    (the extension's part: not found in its log)");
    return;
  }
  line('    of which the command reaching the extension', toExtensionMs);
  line('    the extension writing the page', extensionMs);
  line('    VS Code making the webview, until the page started', webviewMs - toExtensionMs - extensionMs);
}
