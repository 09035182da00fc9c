// A node's standard output as one of its outputs (`stdoutAs`, Argo's `outputs.result`): its lines as the process
// wrote them (a long line whole, though the log shows it in pieces), a `::add-mask::` line left out, every masked
// value masked; joined, without the last line's end.
import type { LogLine } from '../../protocol';
import type { Masker } from './masker';
import { parseNodeCommand } from './nodeCommands';
import type { RunningAttempt } from './ports';

/** The most of the standard output an output holds, as `$MAESTRO_OUTPUT` holds at most. */
export const MAX_STDOUT_OUTPUT_BYTES = 1024 * 1024;

export class StdoutOutput {
  private readonly lines: string[] = [];
  private bytes = 0;
  private full = false;
  /** A long line coming in pieces, so far. */
  private line: string | undefined;

  constructor(
    private readonly name: string,
    private readonly masker: Masker,
    private readonly limit = MAX_STDOUT_OUTPUT_BYTES,
  ) {}

  /** Text as the process wrote it: a line, or with `continues` a piece of one that the next text goes on with. */
  take(stream: LogLine['stream'], text: string, continues: boolean): void {
    if (stream !== 'stdout' || this.full) return;
    this.line = (this.line ?? '') + text;
    if (Buffer.byteLength(this.line) >= this.limit) this.full = true;
    else if (!continues) this.endLine();
  }

  private endLine(): void {
    const line = this.line;
    this.line = undefined;
    if (line === undefined || parseNodeCommand(line)?.kind === 'add-mask') return;
    const size = Buffer.byteLength(line) + 1;
    if (this.bytes + size > this.limit) this.full = true;
    else {
      this.lines.push(line);
      this.bytes += size;
    }
  }

  /** The attempt, its result with the output added once it ends; `note` says where the output stopped, if it did. */
  into(running: RunningAttempt, note: (text: string) => void): RunningAttempt {
    const done = running.done.then((result) => {
      if (!this.full) this.endLine();
      const size = this.limit % 1_048_576 === 0 ? `${this.limit / 1_048_576} MiB` : `${this.limit} bytes`;
      if (this.full) note(`maestro: output '${this.name}' holds the first ${size} of the standard output; the rest is only in the log`);
      // Masked once every mask the attempt registered is known: a value printed before its mask is masked too.
      return { ...result, outputs: { ...result.outputs, [this.name]: this.masker.text(this.lines.join('\n')) } };
    });
    return { pid: running.pid, done, stop: (reason, message, hard) => running.stop(reason, message, hard) };
  }
}
