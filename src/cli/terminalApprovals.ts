import type { Interface } from 'node:readline';
import { safeText } from './terminalText';

/**
 * Asks at the terminal about approval gates, one question at a time: two gates that wait at once are asked in turn
 * (a second readline question while one is open would be dropped, and its gate would wait for ever). A gate that
 * ends otherwise (its timeout, a cancel) is no longer asked about; when the terminal's input ends (Ctrl-D), every
 * gate still waiting is rejected.
 */
export class TerminalApprovals {
  private readonly queue: { id: string; prompt: string }[] = [];
  private open: { id: string; abort: AbortController } | undefined;
  private closed = false;

  constructor(
    private readonly terminal: Interface,
    private readonly decide: (id: string, approved: boolean, comment: string) => void,
  ) {
    terminal.on('close', () => {
      this.closed = true;
      const waiting = [...(this.open ? [this.open.id] : []), ...this.queue.splice(0).map((q) => q.id)];
      this.open = undefined;
      for (const id of waiting) this.decide(id, false, 'rejected: the terminal closed before an answer');
    });
  }

  ask(id: string, prompt: string): void {
    if (this.closed) return this.decide(id, false, 'rejected: the terminal closed before an answer');
    this.queue.push({ id, prompt });
    this.next();
  }

  /** The gate ended without an answer from here. */
  ended(id: string): void {
    const queued = this.queue.findIndex((q) => q.id === id);
    if (queued >= 0) this.queue.splice(queued, 1);
    if (this.open?.id === id) this.open.abort.abort();
  }

  private next(): void {
    if (this.open || this.closed) return;
    const q = this.queue.shift();
    if (!q) return;
    const abort = new AbortController();
    this.open = { id: q.id, abort };
    this.terminal.question(safeText(`Approve '${q.id}'? ${q.prompt} [y/N] `), { signal: abort.signal }, (answer) => {
      if (this.open?.id !== q.id) return;
      const approved = /^y(es)?$/i.test(answer.trim());
      this.decide(q.id, approved, approved ? 'approved at the terminal' : 'rejected at the terminal');
      this.moveOn(q.id);
    });
    // Once readline's own listener has withdrawn this question, or it would withdraw the next one with it.
    abort.signal.addEventListener('abort', () => queueMicrotask(() => this.moveOn(q.id)), { once: true });
  }

  private moveOn(id: string): void {
    if (this.open?.id !== id) return;
    this.open = undefined;
    this.next();
  }
}
