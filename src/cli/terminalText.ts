// What the CLI prints of text it did not write (names, messages and paths from workflow files, run records and
// node output) must not drive the terminal: an escape sequence there could retitle the window, rewrite the
// clipboard or hide what is on screen.

/** C0 controls but tab and newline, ESC included; DEL; C1 controls; the bidirectional overrides that reorder text. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** Colour and style (SGR) sequences: the one kind of escape sequence that node output may keep. */
const SGR = /\u001b\[[0-9;]{0,32}m/g;

/** Text without any control character. */
export function safeText(text: string): string {
  return text.replace(CONTROL, '');
}

/** Node output for a terminal: its colours kept, every other control character and escape sequence dropped. */
export function safeLog(text: string): string {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(SGR)) {
    out += safeText(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + safeText(text.slice(last));
}

/** JSON text with the control characters JSON leaves raw (DEL, C1, bidi overrides) written as \u escapes: the same data. */
export function terminalJson(json: string): string {
  return json.replace(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
