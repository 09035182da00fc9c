import { Worker } from 'node:worker_threads';
import type * as vscode from 'vscode';
import {
  isWorkerReady,
  isWorkerReply,
  type FileGraph,
  type FileValidation,
  type WorkerReply,
  type WorkerRequest,
} from '../../engine/validation/worker/protocol';

/** How long one file may take in the worker before it is given up on (and the worker started again). */
const FILE_TIMEOUT_MS = 60_000;
/** The worker's own heap limit: a file that needs more fails alone, without the extension host. */
const WORKER_HEAP_MB = 1024;
/**
 * How long a validation may keep a graph waiting before it is stopped and put back behind it: a person is waiting
 * for the graph, and a file in the worker may take up to FILE_TIMEOUT_MS. Most files validate well within this.
 */
const GRAPH_WAITS_MS = 250;

/** A file asked of the worker: to be validated, or its graph made; and how its answer is given. */
type Job = { id: number; path: string; reject(e: Error): void } & (ValidateJob | GraphJob);
type ValidateJob = { type: 'validate'; answer: Promise<FileValidation>; resolve(validation: FileValidation): void };
type GraphJob = { type: 'graph'; answer: Promise<FileGraph>; resolve(graph: FileGraph): void };

function deferred<T>(): { answer: Promise<T>; resolve(value: T): void; reject(e: Error): void } {
  let resolve!: (value: T) => void;
  let reject!: (e: Error) => void;
  const answer = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { answer, resolve, reject };
}

/**
 * Validates workflow files nobody has open, one at a time, in a worker thread, and makes the DAG panel's graph of
 * one: a workspace full of files (or a file built to be slow) never holds up the extension host. A file that takes
 * too long, or runs the worker out of memory, fails with a reason, and the worker starts again for the next one.
 */
export class WorkspaceValidator implements vscode.Disposable {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly queue: Job[] = [];
  /** The file in the worker; `started` is when the worker began on it (undefined while the worker loads). */
  private current: { job: Job; timer: NodeJS.Timeout; started: number | undefined } | undefined;
  private workerReady = false;
  private yieldTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  /**
   * `keepsGraph`: whether the graph of the file at a path, validated now, is worth keeping for the DAG panel's next
   * Show DAG of it (a panel is open, or the workflow has been shown before).
   */
  constructor(
    private readonly script: string,
    private readonly log: vscode.LogOutputChannel,
    private readonly keepsGraph: (path: string) => boolean = () => false,
  ) {}

  /** Validates the file as it is when its turn comes: asked again before then, it is validated once, for both. */
  validate(path: string): Promise<FileValidation> {
    const waiting = this.queue.find((job): job is Job & ValidateJob => job.type === 'validate' && job.path === path);
    if (waiting) return waiting.answer;
    const job = { id: this.nextId++, type: 'validate' as const, path, ...deferred<FileValidation>() };
    this.enqueue(job, 'last');
    return job.answer;
  }

  /**
   * The DAG panel's graph of the file, ahead of the files waiting to be validated, as a person waits for it; a
   * validation in the worker that keeps it waiting over GRAPH_WAITS_MS is stopped and done again after it.
   */
  graph(path: string): Promise<FileGraph> {
    const job = { id: this.nextId++, type: 'graph' as const, path, ...deferred<FileGraph>() };
    this.enqueue(job, 'first');
    this.yieldToGraphSoon();
    return job.answer;
  }

  private enqueue(job: Job, place: 'first' | 'last'): void {
    if (this.disposed) return job.reject(new Error('validation has stopped'));
    if (place === 'first') this.queue.unshift(job);
    else this.queue.push(job);
    this.next();
  }

  private start(): Worker {
    const worker = new Worker(this.script, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    worker.on('message', (m: unknown) => {
      // A worker stopped for a graph may still answer: its job is answered by the worker that has it now.
      if (this.worker !== worker) return;
      if (isWorkerReady(m)) this.onReady();
      else if (isWorkerReply(m)) this.settle(m);
    });
    worker.on('error', (e) => this.lose(worker, `the validation worker failed: ${e.message}`));
    worker.on('exit', (code) => this.lose(worker, `the validation worker stopped (exit code ${code})`));
    worker.unref();
    this.workerReady = false;
    return worker;
  }

  private onReady(): void {
    this.workerReady = true;
    if (this.current) this.current.started = performance.now();
    if (this.queue[0]?.type === 'graph') this.yieldToGraphSoon();
  }

  private next(): void {
    if (this.current || this.disposed) return;
    const job = this.queue.shift();
    if (!job) return;
    this.worker ??= this.start();
    const timer = setTimeout(() => {
      this.log.warn(`validating ${job.path} took over ${FILE_TIMEOUT_MS / 1000} s: given up`);
      this.stopWorker();
      this.fail(`validating it took over ${FILE_TIMEOUT_MS / 1000} s, and was given up`);
    }, FILE_TIMEOUT_MS);
    this.current = { job, timer, started: this.workerReady ? performance.now() : undefined };
    const keepGraph = job.type === 'validate' && this.keepsGraph(job.path) ? { keepGraph: true } : {};
    this.worker.postMessage({ type: job.type, id: job.id, path: job.path, ...keepGraph } satisfies WorkerRequest);
  }

  private settle(m: WorkerReply): void {
    if (!this.current || this.current.job.id !== m.id) return;
    clearTimeout(this.current.timer);
    const { job } = this.current;
    this.current = undefined;
    if (m.type === 'validated' && job.type === 'validate') job.resolve({ diagnostics: m.diagnostics, dependsOn: m.dependsOn });
    else if (m.type === 'graphed' && job.type === 'graph') job.resolve(m.found);
    else job.reject(new Error(m.type === 'failed' ? m.error : `the worker answered '${m.type}' to '${job.type}'`));
    this.next();
  }

  private yieldToGraphSoon(): void {
    if (this.current?.job.type !== 'validate' || this.current.started === undefined || this.yieldTimer) return;
    const wait = Math.max(0, this.current.started + GRAPH_WAITS_MS - performance.now());
    this.yieldTimer = setTimeout(() => {
      this.yieldTimer = undefined;
      this.yieldToGraph();
    }, wait);
  }

  /** Stops the validation in the worker if a graph waits for it, and puts it back behind the graphs waiting. */
  private yieldToGraph(): void {
    const current = this.current;
    if (current?.job.type !== 'validate' || current.started === undefined || this.queue[0]?.type !== 'graph') return;
    if (performance.now() - current.started < GRAPH_WAITS_MS) return this.yieldToGraphSoon();
    clearTimeout(current.timer);
    this.current = undefined;
    this.stopWorker();
    const job = current.job;
    const waiting = this.queue.find((other): other is Job & ValidateJob => other.type === 'validate' && other.path === job.path);
    if (waiting)
      waiting.answer.then(
        (validation) => job.resolve(validation),
        (e: Error) => job.reject(e),
      );
    else {
      const firstValidation = this.queue.findIndex((other) => other.type !== 'graph');
      this.queue.splice(firstValidation === -1 ? this.queue.length : firstValidation, 0, job);
    }
    this.next();
  }

  /** Stops the worker: what it still says is not heard, and the next file gets a new one. */
  private stopWorker(): void {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
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
    const { job } = this.current;
    this.current = undefined;
    job.reject(new Error(why));
    this.next();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.yieldTimer);
    if (this.current) clearTimeout(this.current.timer);
    for (const job of [...(this.current ? [this.current.job] : []), ...this.queue.splice(0)]) job.reject(new Error('validation has stopped'));
    this.current = undefined;
    this.stopWorker();
  }
}
