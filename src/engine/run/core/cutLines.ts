import { PieceMasker, type Masker } from './masker';
import { parseNodeCommand } from './nodeCommands';

/**
 * One output stream of an attempt, while a line too long to pass on whole arrives in pieces (see MAX_LINE_CHARS).
 * A piece is never a command, and it is masked as the whole line would be.
 */
export class CutLines {
  private within = false;
  private droppingMask = false;
  private readonly masking: PieceMasker;

  constructor(
    masker: Masker,
    private readonly stream: 'stdout' | 'stderr',
  ) {
    this.masking = new PieceMasker(masker);
  }

  /** A cut line has begun and not ended: the next text of this stream is a piece of it. */
  get inLine(): boolean {
    return this.within;
  }

  /** What a piece puts in the log: its masked text, a note, or nothing yet. */
  take(piece: string, continues: boolean): { stream: 'stdout' | 'stderr'; text: string } | undefined {
    const first = !this.within;
    this.within = continues;
    // The line that registers a mask never reaches a log, even when it is too long to act on.
    if (first && this.stream === 'stdout' && parseNodeCommand(piece)?.kind === 'add-mask') this.droppingMask = true;
    if (this.droppingMask) {
      if (continues) return undefined;
      this.droppingMask = false;
      return { stream: 'stderr', text: 'maestro: an ::add-mask line too long to act on was left out of the log; its value is not masked' };
    }
    const masked = this.masking.push(piece, continues);
    return masked !== '' || !continues ? { stream: this.stream, text: masked } : undefined;
  }
}
