// A node's standard output as one of its outputs (`stdoutAs`, Argo's `outputs.result`): the lines as its log shows
// them (masked; a secret's `::add-mask::` line is in neither), joined, without the last line's end.
import type { LogLine } from '../../protocol';
import type { RunningAttempt } from './ports';

/** The most of the standard output an output holds, as `$MAESTRO_OUTPUT` holds at most. */
export const MAX_STDOUT_OUTPUT_BYTES = 1024 * 1024;

export class StdoutOutput {
  private readonly lines: string[] = [];
  private bytes = 0;
  private full = false;

  constructor(
    private readonly name: string,
    private readonly limit = MAX_STDOUT_OUTPUT_BYTES,
  ) {}

  /** A line the attempt logged (or a piece of a long one, which the log shows as a line of its own). */
  take(stream: LogLine['stream'], maskedText: string): void {
    if (stream !== 'stdout' || this.full) return;
    const size = Buffer.byteLength(maskedText) + 1;
    if (this.bytes + size > this.limit) this.full = true;
    else {
      this.lines.push(maskedText);
      this.bytes += size;
    }
  }

  /** The attempt, its result with the output added once it ends; `note` says where the output stopped, if it did. */
  into(running: RunningAttempt, note: (text: string) => void): RunningAttempt {
    const done = running.done.then((result) => {
      const size = this.limit % 1_048_576 === 0 ? `${this.limit / 1_048_576} MiB` : `${this.limit} bytes`;
      if (this.full) note(`maestro: output '${this.name}' holds the first ${size} of the standard output; the rest is only in the log`);
      return { ...result, outputs: { ...result.outputs, [this.name]: this.lines.join('\n') } };
    });
    return { pid: running.pid, done, stop: (reason, message, hard) => running.stop(reason, message, hard) };
  }
}
