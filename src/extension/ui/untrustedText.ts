// Text that comes from workspace files and run records (workflow and node names, prompts, errors, paths), made safe
// for VS Code's UI. Notifications turn `[text](command:…)` into a link that runs a command when clicked, and
// quick picks, the status bar and CodeLens draw `$(name)` as an icon; a repository someone else wrote must not be
// able to put either into the editor's UI. Hovers render Markdown: text from files goes in escaped, so that links
// and images written in a workflow show as the text they are. Pure: no vscode import.

/** Control characters (C0 but tab and newline, DEL, C1) and the bidirectional overrides that reorder text. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const ZERO_WIDTH_SPACE = '\u200b';

/**
 * Text for a notification, quick pick, status bar item or CodeLens: no link syntax, no icon syntax, no control
 * characters, one line, at most `max` characters.
 */
export function plainText(text: string, max = 300): string {
  const oneLine = text.replace(CONTROL, '').replace(/\s*\n\s*/g, ' ');
  const clipped = oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
  // A link needs `](` and an icon `$(`: a zero-width space between the two characters breaks both and looks the same.
  return clipped.replace(/\]\(/g, `]${ZERO_WIDTH_SPACE}(`).replace(/\$\(/g, `$${ZERO_WIDTH_SPACE}(`);
}

/** Text inside Markdown, shown as written: every character Markdown (or HTML) could act on is escaped. */
export function markdownText(text: string): string {
  return text.replace(CONTROL, '').replace(/[\\`*_{}[\]()#+\-.!|<>~&"'$:]/g, (c) => `\\${c}`);
}

/** Text as inline code in Markdown, whatever backticks it holds. */
export function markdownCode(text: string): string {
  const clean = text.replace(CONTROL, '').replace(/\n/g, ' ');
  const longest = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`;
}
