// The figures `npm run bench -- --json` prints on its last line: one object with the keys the performance targets
// are stated in (same-run ratios, and milliseconds or megabytes where a target is absolute), made from the sections'
// results. A figure whose section did not run, or that no section measures yet, is null.

const ratio = (a, b) => (typeof a === 'number' && typeof b === 'number' && b > 0 ? a / b : null);
const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const sum = (values) => (Array.isArray(values) && values.length ? values.reduce((a, b) => a + b, 0) : null);

export function targetsReport(results) {
  const { validator = {}, engine = {}, webview = {}, insights = {}, serve = {}, editor = {} } = results;
  return {
    'validation.fullVsYls': ratio(validator.ours, validator.yls),
    'validation.editVsYls': ratio(validator.edit, validator.yls),
    'engine.vsFloor': ratio(engine.engine, engine.floor),
    'engine.vsMake': ratio(engine.engine, engine.make),
    'engine.hopMs': num(engine.hopMs),
    'engine.rss10kMb': num(engine.rssMb),
    'engine.helpersRss10kMb': sum(engine.helperRssMb),
    'engine.helpersPss10kMb': sum(engine.helperPssMb),
    'panel.firstPaint1000VsFloor': ratio(webview.firstPaintMs, webview.floorMs),
    // 5,000 nodes in ten phases, as the panel draws them by default (collapsed); the graph with no phase beside.
    'panel.firstPaint5000VsFloor1000': ratio(webview.firstPaint5000Ms, webview.floorMs),
    'panel.frame5000VsIdle': ratio(webview.frame5000Ms, webview.idleFrame5000Ms),
    'editor.keystrokePanelVsNoPanel': ratio(editor.keystrokeWithPanelMs, editor.keystrokeMs),
    // Against the panel's first paint of the same graph in the harness (the webview section of the same run).
    'editor.showDagVsHarness': ratio(editor.showDagMs, webview.firstPaintMs),
    // The same with the DAG panel open beside the editor on another workflow: the panel moves, no webview is made.
    'editor.showDagIntoOpenPanelVsHarness': ratio(editor.showDagIntoOpenPanelMs, webview.firstPaintMs),
    // The later of the status bar and the panel.
    'editor.runEndLagMs': typeof editor.runEndStatusLagMs === 'number' ? Math.max(editor.runEndStatusLagMs, editor.runEndPanelLagMs) : null,
    // Measured beside them.
    'validation.fullMs': num(validator.ours),
    'validation.ylsMs': num(validator.yls),
    'validation.editMs': num(validator.edit),
    'engine.ms': num(engine.engine),
    'engine.floorMs': num(engine.floor),
    'engine.makeMs': num(engine.make),
    'engine.run10kMs': num(engine.bigMs),
    'panel.firstPaint1000Ms': num(webview.firstPaintMs),
    'panel.frame1000VsIdle': ratio(webview.frameMedianMs, webview.idleFrameMs),
    'panel.firstPaint5000FlatVsFloor1000': ratio(webview.firstPaint5000FlatMs, webview.floorMs),
    'panel.frame5000FlatVsIdle': ratio(webview.frame5000FlatMs, webview.idleFrame5000FlatMs),
    'editor.keystrokeMs': num(editor.keystrokeMs),
    'editor.showDagMs': num(editor.showDagMs),
    'editor.showDagWebviewMs': num(editor.showDagWebviewMs),
    // Of that, from the extension's log: the command until it reached the extension, and the extension's writing the page.
    'editor.showDagToExtensionMs': num(editor.showDagToExtensionMs),
    'editor.showDagExtensionMs': num(editor.showDagExtensionMs),
    'editor.showDagBesideMarkdownToExtensionMs': num(editor.showDagBesideMarkdownToExtensionMs),
    'editor.showDagBesideMarkdownExtensionMs': num(editor.showDagBesideMarkdownExtensionMs),
    'editor.showDagIntoOpenPanelMs': num(editor.showDagIntoOpenPanelMs),
    // Of that, the page's own part, from the graph's arrival to the first cards: the harness's measure, in code-server.
    'editor.showDagIntoOpenPanelPageMs': num(editor.showDagIntoOpenPanelPageMs),
    // The part of the run's end lag until the extension host had told its views (from the extension's log).
    'editor.runEndHostLagMs': num(editor.runEndHostLagMs),
    'editor.runEndNoPanelStatusLagMs': num(editor.runEndNoPanelStatusLagMs),
    // VS Code's own webview beside an editor (the Markdown preview of a one-line file) until its page starts: the
    // part of Show DAG no page can beat.
    'editor.markdownPreviewWebviewMs': num(editor.markdownPreviewWebviewMs),
    'editor.markdownPreviewWebviewVsHarness': ratio(editor.markdownPreviewWebviewMs, webview.firstPaintMs),
    // And until its first paint, of one line: what a webview beside the editor takes at the least, against the target.
    'editor.markdownPreviewVsHarness': ratio(editor.markdownPreviewMs, webview.firstPaintMs),
    'panel.pageLoadPaint1000Ms': num(webview.pageLoadPaintMs),
    // Show DAG against the harness's page loaded the same way (the graph written in; script and start included).
    'editor.showDagVsHarnessPageLoad': ratio(editor.showDagMs, webview.pageLoadPaintMs),
    // In turn with the preview: the file opened and its DAG shown, the preview's first paint against the first cards.
    'editor.showDagVsMarkdownPreview': ratio(editor.showDagBesideMarkdownMs, editor.markdownPreviewMs),
    'serve.delayP50Ms': num(serve.delayP50Ms),
    'insights.firstReadVsScan': num(insights.scanVsIndex),
    'insights.afterRunVsScan': num(insights.scanVsIndexAfterRun),
    'serve.runWithClientsVsAlone': ratio(serve.runWatchedMs, serve.runAloneMs),
  };
}
