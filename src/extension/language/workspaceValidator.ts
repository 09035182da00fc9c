import { Worker } from 'node:worker_threads';
import type * as vscode from 'vscode';
import { isValidateFileReply, type FileValidation, type ValidateFileReply } from '../../engine/validation/worker/protocol';

/** How long one file may take in the worker before it is given up on (and the worker started again). */
const FILE_TIMEOUT_MS = 60_000;
/** The worker's own heap limit: a file that needs more fails alone, without the extension host. */
const WORKER_HEAP_MB = 1024;

interface Pending {
  path: string;
  resolve(validation: FileValidation): void;
  reject(e: Error): void;
}

/**
 * Validates workflow files nobody has open, one at a time, in a worker thread: a workspace full of files (or a file
 * built to be slow) never holds up the extension host. A file that takes too long, or runs the worker out of
 * memory, fails with a reason, and the worker starts again for the next one.
 */
export class WorkspaceValidator implements vscode.Disposable {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly queue: { id: number; pending: Pending; answer: Promise<FileValidation> }[] = [];
  private current: { id: number; pending: Pending; timer: NodeJS.Timeout } | undefined;
  private disposed = false;

  constructor(
    private readonly script: string,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Validates the file as it is when its turn comes: asked again before then, it is validated once, for both. */
  validate(path: string): Promise<FileValidation> {
    if (this.disposed) return Promise.reject(new Error('validation has stopped'));
    const waiting = this.queue.find((job) => job.pending.path === path);
    if (waiting) return waiting.answer;
    let pending!: Pending;
    const answer = new Promise<FileValidation>((resolve, reject) => (pending = { path, resolve, reject }));
    this.queue.push({ id: this.nextId++, pending, answer });
    this.next();
    return answer;
  }

  private start(): Worker {
    const worker = new Worker(this.script, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    worker.on('message', (m: unknown) => {
      if (isValidateFileReply(m)) this.settle(m);
    });
    worker.on('error', (e) => this.lose(worker, `the validation worker failed: ${e.message}`));
    worker.on('exit', (code) => this.lose(worker, `the validation worker stopped (exit code ${code})`));
    worker.unref();
    return worker;
  }

  private next(): void {
    if (this.current || this.disposed) return;
    const job = this.queue.shift();
    if (!job) return;
    this.worker ??= this.start();
    const timer = setTimeout(() => {
      this.log.warn(`validating ${job.pending.path} took over ${FILE_TIMEOUT_MS / 1000} s: given up`);
      const worker = this.worker;
      this.worker = undefined;
      this.fail(`validating it took over ${FILE_TIMEOUT_MS / 1000} s, and was given up`);
      void worker?.terminate();
    }, FILE_TIMEOUT_MS);
    this.current = { ...job, timer };
    this.worker.postMessage({ type: 'validate', id: job.id, path: job.pending.path });
  }

  private settle(m: ValidateFileReply): void {
    if (!this.current || this.current.id !== m.id) return;
    clearTimeout(this.current.timer);
    const { pending } = this.current;
    this.current = undefined;
    if (m.type === 'validated') pending.resolve({ diagnostics: m.diagnostics, subWorkflows: m.subWorkflows });
    else pending.reject(new Error(m.error));
    this.next();
  }

  /** The worker went away: the file it had fails with the reason, and the next one gets a new worker. */
  private lose(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (!this.disposed) this.fail(why);
  }

  private fail(why: string): void {
    if (!this.current) return;
    clearTimeout(this.current.timer);
    const { pending } = this.current;
    this.current = undefined;
    pending.reject(new Error(why));
    this.next();
  }

  dispose(): void {
    this.disposed = true;
    if (this.current) clearTimeout(this.current.timer);
    for (const job of [...(this.current ? [this.current] : []), ...this.queue.splice(0)]) job.pending.reject(new Error('validation has stopped'));
    this.current = undefined;
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
