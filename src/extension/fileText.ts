// Reading a file of the workspace through VS Code's file system, when the file may be someone else's: a link named
// like a template or a workflow that points at a device or a named pipe would be read for ever.
import { posix } from 'node:path';
import * as vscode from 'vscode';
import { formatBytes } from '../engine/regularFile';

/** The text of a regular file of at most `maxBytes`; throws, saying why, for anything else. */
export async function readFileText(uri: vscode.Uri, maxBytes: number): Promise<string> {
  const name = posix.basename(uri.path);
  const stat = await vscode.workspace.fs.stat(uri);
  if ((stat.type & vscode.FileType.File) === 0) throw new Error(`${name} is not a file`);
  if (stat.size > maxBytes) throw new Error(`${name} is larger than ${formatBytes(maxBytes)}`);
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}
