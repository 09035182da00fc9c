// What an attempt prints, turned into log lines and reports: `::` commands are acted on (progress, quality, masks,
// annotations), every line is masked before anyone sees it, and a line too long to pass whole comes in pieces.
import type { LogLine } from '../../protocol';
import { CutLines } from './cutLines';
import type { Masker } from './masker';
import { parseNodeCommand } from './nodeCommands';

type Stream = LogLine['stream'];

/** Where an attempt's output goes. Every text is masked already. */
export interface OutputSink {
  log(stream: Stream, maskedText: string): void;
  progress(percent: number, message?: string): void;
  quality(score: number): void;
  diagnostic(d: { severity: 'warning' | 'error'; message: string; file?: string; line?: number; column?: number }): void;
}

/** Reads one attempt's output, line by line, in the order the process wrote it to each stream. */
export class NodeOutput {
  /** Made for a stream's first long line only: most attempts never print one. */
  private readonly cut: Partial<Record<Stream, CutLines>> = {};

  constructor(
    private readonly masker: Masker,
    private readonly sink: OutputSink,
  ) {}

  /** A line, or with `continues` a piece of a longer line that the next text of this stream goes on with. */
  take(stream: Stream, text: string, continues: boolean): void {
    if (continues || this.cut[stream]?.inLine) this.piece(stream, text, continues);
    else this.line(stream, text);
  }

  /** The process went away in the middle of a long line (its spawn helper died): what was held back is logged. */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) if (this.cut[stream]?.inLine) this.piece(stream, '', false);
  }

  private piece(stream: Stream, text: string, continues: boolean): void {
    const logged = (this.cut[stream] ??= new CutLines(this.masker, stream)).take(text, continues);
    if (logged) this.sink.log(logged.stream, logged.text);
  }

  private line(stream: Stream, text: string): void {
    const command = stream === 'stdout' ? parseNodeCommand(text) : undefined;
    if (command?.kind === 'add-mask') {
      this.masker.add(command.value);
      return; // the secret itself never reaches a log
    }
    this.sink.log(stream, this.masker.text(text));
    if (command?.kind === 'progress') this.sink.progress(command.percent, command.message === undefined ? undefined : this.masker.text(command.message));
    else if (command?.kind === 'quality') this.sink.quality(command.score);
    else if (command?.kind === 'annotation') {
      const { severity, file, line, column } = command;
      this.sink.diagnostic({
        severity,
        message: this.masker.text(command.message),
        ...(file ? { file } : {}),
        ...(line ? { line } : {}),
        ...(column ? { column } : {}),
      });
    }
  }
}
