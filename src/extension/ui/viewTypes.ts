/** The view types of the extension's webview panels (VS Code prefixes them in a tab's input). */
export const DAG_VIEW_TYPE = 'maestro.dag';
export const INSIGHTS_VIEW_TYPE = 'maestro.insights';
