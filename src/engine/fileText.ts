// A workflow file's text as read from disk. Workflows are UTF-8: bytes that are not (a file saved as Latin-1 or
// Windows-1252) decode to U+FFFD, which would reach a script in their place, or be written back by an edit, with
// nothing said. Where the first such byte is is kept, so that the file can be refused there. A file saved as UTF-16
// is read as UTF-16 (its byte-order mark says so) and refused as a whole.
import { isUtf8 } from 'node:buffer';
import type { SpanDiagnostic } from './diagnostics';
import { LineIndex } from './lineIndex';
import { readRegularBytes } from './regularFile';

export interface FileText {
  text: string;
  /** Why the file is not UTF-8, and where in `text`; absent when it is. */
  notUtf8?: { offset: number; message: string };
}

const SAVE_AS_UTF8 = 'save the file as UTF-8';

const utf16Mark = (b: Uint8Array): 'utf-16le' | 'utf-16be' | undefined =>
  b[0] === 0xff && b[1] === 0xfe ? 'utf-16le' : b[0] === 0xfe && b[1] === 0xff ? 'utf-16be' : undefined;

/**
 * The offset in `text` (decoded from `bytes` with replacements) of the first U+FFFD that stands for bytes that are
 * not UTF-8, with its first byte; a U+FFFD the file holds as such (EF BF BD) is passed over.
 */
function firstReplacement(bytes: Uint8Array, text: string): { offset: number; byte: number } | undefined {
  let byteAt = 0;
  let from = 0;
  for (let i = text.indexOf('\ufffd'); i >= 0; i = text.indexOf('\ufffd', i + 1)) {
    byteAt += Buffer.byteLength(text.slice(from, i), 'utf8');
    from = i + 1;
    if (bytes[byteAt] === 0xef && bytes[byteAt + 1] === 0xbf && bytes[byteAt + 2] === 0xbd) byteAt += 3;
    else return { offset: i, byte: bytes[byteAt] };
  }
  return undefined;
}

const hex = (byte: number | undefined): string => `0x${(byte ?? 0).toString(16).toUpperCase().padStart(2, '0')}`;

/** A file's bytes as text, with where they are not UTF-8. */
export function decodeFileText(bytes: Uint8Array): FileText {
  const utf16 = utf16Mark(bytes);
  if (utf16) {
    const text = new TextDecoder(utf16).decode(bytes);
    return { text, notUtf8: { offset: 0, message: `the file is ${utf16.toUpperCase()} (it starts with that encoding's byte-order mark): ${SAVE_AS_UTF8}` } };
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (isUtf8(bytes)) return { text };
  const found = firstReplacement(bytes, text);
  if (!found) return { text };
  const message = `byte ${hex(found.byte)} is not UTF-8 (the file may be Latin-1 or Windows-1252): it would reach a script or an edit as '\ufffd'; ${SAVE_AS_UTF8}`;
  return { text, notUtf8: { offset: found.offset, message } };
}

/** The text of a regular file of at most `maxBytes`; throws as readRegularBytes does. */
export const readFileText = (path: string, maxBytes = Infinity): FileText => decodeFileText(readRegularBytes(path, maxBytes));

/** The error a file that is not UTF-8 is given, where its first byte that is not is. */
export function notUtf8Diagnostic(file: FileText): SpanDiagnostic | undefined {
  if (!file.notUtf8) return undefined;
  const { offset, message } = file.notUtf8;
  return { span: { start: offset, end: Math.min(offset + 1, Math.max(file.text.length, 1)) }, severity: 'error', code: 'encoding', message };
}

/** Where a file that is not UTF-8 is first not (1-based), with why; undefined when it is UTF-8. */
export function notUtf8Place(file: FileText): { line: number; column: number; message: string } | undefined {
  if (!file.notUtf8) return undefined;
  return { ...new LineIndex(file.text).position(file.notUtf8.offset), message: file.notUtf8.message };
}

/** `line:column: message` of a file that is not UTF-8, for a command that refuses it; undefined when it is UTF-8. */
export function notUtf8Line(file: FileText): string | undefined {
  const place = notUtf8Place(file);
  return place && `${place.line}:${place.column}: ${place.message}`;
}
