import { createInterface } from 'node:readline';
import { dirname } from 'node:path';
import { LOCAL_INPUT_NAMES, localRunValues, localValueSource } from '../../engine/localRunValues';
import type { EngineEvent, RunStatus } from '../../engine/protocol';
import type { RunState } from '../../engine/runState';
import { parseInputFlags } from '../../engine/run/core/inputs';
import { loadRunnable, resumeRunFromLog, RunSetupError, startRun, type RunHandle } from '../../engine/run/engine';
import type { LoadedWorkflow } from '../../engine/run/setup';
import { defaultRunsDir } from '../../engine/run/io/runsLocation';
import { RunReadError } from '../../engine/run/io/runStore';
import { toLineDiagnostics } from '../../engine/validation/validate';
import { parseCommandArgs, UsageError } from '../args';
import { readInput } from '../fileIo';
import { parseInputFile } from '../inputFile';
import type { Output } from '../output';
import { RunReporter } from '../runReporter';
import { processSecretSources, secretInputValues } from '../secretInputs';
import { TerminalApprovals } from '../terminalApprovals';
import { safeText, terminalJson } from '../terminalText';

export const RUN_HELP = `Usage: maestro-dag run FILE [--input name=value]... [--input-file FILE]... [--concurrency N] [--json] [--runs-dir DIR] [--approve] [--no-cache]

Runs a workflow. On a terminal, shows the running nodes live, then a summary. A node that fails is shown with
the last lines it wrote.

Options:
  --input name=value   an input value (repeat for each input)
  --input-file FILE    inputs from a file, one name=value a line, as in a .env file (--input wins over it)
  --concurrency N      the most nodes running at once (default: the workflow's, else the number of cores)
  --json               print the run's events as JSON lines on stdout, and nothing else there
  --runs-dir DIR       where runs are kept (default: .maestro/runs at the workspace root)
  --kill-grace SECONDS how long a process may take to end after SIGTERM before SIGKILL (default 5)
  --approve            approve every approval gate without asking
  --no-cache           run nodes with cache too, instead of reusing kept results (their new results are kept)
  -h, --help           show this help

A secret input (secret: true) not given with --input or --input-file is read from MAESTRO_SECRET_<NAME> (its name
in capitals, - as _); a GitHub token input (secrets_GITHUB_TOKEN, github_token, GH_TOKEN) then from GH_TOKEN or
GITHUB_TOKEN, as GitHub's CLI reads them; else it is asked for on the terminal without showing it. Its value is
masked as *** in the output and the run's files, and the run does not keep it.

Nodes with cache keep their results in the runs folder; with MAESTRO_CACHE_SHARED_DIR and
MAESTRO_CACHE_SHARED_KEY_FILE (the key the team holds: maestro-dag runs team-key) also in a folder the team
shares, where a teammate's run finds them (with MAESTRO_CACHE_SHARED_READ_ONLY=1, looked up there only).

Ctrl-C cancels the run cleanly; a second Ctrl-C ends it at once.
Exit status: 0 completed, 1 failed, 130 cancelled, 2 invalid workflow or usage.
`;

export const RESUME_HELP = `Usage: maestro-dag resume RUN [--runs-dir DIR] [--json] [--approve] [--workflow FILE] [--input-file FILE]...

Continues an ended or interrupted run from its log: completed nodes keep their outputs and do not run again;
failed, cancelled, skipped and never-started nodes run.

Options:
  --runs-dir DIR      where runs are kept (default: .maestro/runs of the workflow given with --workflow, or of the current folder)
  --workflow FILE     a workflow file whose default runs folder holds the run
  --json              print the run's events as JSON lines on stdout, and nothing else there
  --approve           approve every approval gate without asking
  --input-file FILE   the secret inputs' values, from a file as run takes it (its other inputs are left out)
  -h, --help          show this help

A run does not keep its secret inputs: each is read again from --input-file, else MAESTRO_SECRET_<NAME>, else
asked for on the terminal.

Exit status: 0 completed, 1 failed, 130 cancelled, 2 usage or a run that cannot be resumed.
`;

const EXIT: Record<RunStatus, number> = { completed: 0, failed: 1, cancelled: 130 };

interface Presenter {
  /** What the run was before the events to come (a resumed run), shown only as they change it. */
  seed(state: RunState): void;
  event(e: EngineEvent): void;
  message(text: string): void;
  stop(): void;
}

function presenter(io: Output, json: boolean, runsDir: string | undefined): Presenter {
  if (json)
    return {
      seed: () => undefined,
      event: (e) => io.out(terminalJson(JSON.stringify(e)) + '\n'),
      message: (t) => io.err(safeText(t) + '\n'),
      stop: () => undefined,
    };
  const reporter = new RunReporter(io, { runsDir });
  return { seed: (state) => reporter.seed(state), event: (e) => reporter.event(e), message: (t) => reporter.message(t), stop: () => reporter.stopLive() };
}

/**
 * Signals and a closed stdout stop a run: Ctrl-C, a closed terminal (SIGHUP) and a kill (SIGTERM) cancel it cleanly
 * (nodes run in their own process groups, so they would not receive the signal themselves and would outlive the
 * CLI); a second Ctrl-C ends it and its processes at once; a reader that went away (`| head`) cancels it too.
 * Returns a function that stops listening.
 */
function stopOnSignals(handle: RunHandle, io: Output, show: Presenter): () => void {
  let interrupts = 0;
  const cancel = () => {
    try {
      handle.scheduler.cancel();
    } catch {
      // Already ended.
    }
  };
  const onSigint = () => {
    if (++interrupts === 1 && !handle.scheduler.isFinished) {
      show.message('cancelling… (Ctrl-C again to stop at once)');
      return cancel();
    }
    // Also the processes a spawn helper started, whose pids the events do not carry.
    handle.forceStop();
    show.stop();
    process.exit(130);
  };
  const onHangup = () => {
    interrupts = 1;
    cancel();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onHangup);
  process.on('SIGHUP', onHangup);
  const stopWatchingStdout = io.onStdoutClosed?.(() => {
    io.err('maestro-dag: stdout was closed: cancelling the run\n');
    onHangup();
  });
  return () => {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onHangup);
    process.off('SIGHUP', onHangup);
    stopWatchingStdout?.();
  };
}

/** Who answers approval gates: --approve, the terminal (one question at a time), or nobody (rejected, saying so). */
function gateKeeper(handle: RunHandle, autoApprove: boolean): { onEvent(e: EngineEvent): void; close(): void } {
  const terminal = !autoApprove && process.stdin.isTTY ? createInterface({ input: process.stdin, output: process.stderr }) : undefined;
  const decide = (id: string, approved: boolean, comment: string) => {
    try {
      handle.scheduler.approve(id, approved, comment);
    } catch {
      // The gate timed out or the run was cancelled meanwhile.
    }
  };
  const approvals = terminal ? new TerminalApprovals(terminal, decide) : undefined;
  return {
    onEvent(e) {
      if (e.type === 'node:completed' || e.type === 'node:failed' || e.type === 'node:cancelled') approvals?.ended(e.nodeId);
      if (e.type !== 'node:waiting') return;
      const id = e.nodeId;
      if (autoApprove) queueMicrotask(() => decide(id, true, 'approved with --approve'));
      else if (approvals) approvals.ask(id, e.prompt);
      else queueMicrotask(() => decide(id, false, 'nobody can approve it here: run with --approve, or from a terminal'));
    },
    close: () => terminal?.close(),
  };
}

/** Follows a run to its end: approvals, Ctrl-C, output. Returns the exit status. */
async function follow(handle: RunHandle, io: Output, show: Presenter, relay: EventRelay, autoApprove: boolean): Promise<number> {
  const stopListening = stopOnSignals(handle, io, show);
  const gates = gateKeeper(handle, autoApprove);
  relay.attach((e) => {
    show.event(e);
    gates.onEvent(e);
  });
  try {
    return EXIT[await handle.finished()];
  } finally {
    gates.close();
    stopListening();
    show.stop();
    handle.dispose();
  }
}

/** Holds the events a run emits before anyone listens (the start is synchronous), then forwards them in order. */
class EventRelay {
  private buffer: EngineEvent[] = [];
  private target: ((e: EngineEvent) => void) | undefined;

  readonly push = (e: EngineEvent): void => {
    if (this.target) this.target(e);
    else this.buffer.push(e);
  };

  attach(target: (e: EngineEvent) => void): void {
    this.target = target;
    for (const e of this.buffer) target(e);
    this.buffer = [];
  }
}

function printSetupError(e: RunSetupError, io: Output): number {
  if (e.lines && e.diagnostics.length) {
    for (const d of toLineDiagnostics(e.lines, e.diagnostics))
      io.err(safeText(`${e.file ?? ''}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`) + '\n');
  }
  io.err(`maestro-dag: ${safeText(e.message)}\n`);
  return 2;
}

/** The inputs `--input-file` files give, later files winning; undefined once what is wrong with one is said. */
function inputFiles(files: readonly string[], io: Output): Record<string, string> | undefined {
  let given: Record<string, string> = {};
  for (const file of files) {
    const text = readInput(file, io);
    if (text === undefined) return undefined;
    const parsed = parseInputFile(text, file);
    for (const error of parsed.errors) io.err(`maestro-dag: ${safeText(error)}\n`);
    if (parsed.errors.length) return undefined;
    given = { ...given, ...parsed.given };
  }
  return given;
}

/**
 * What GitHub would give a run of the workflow (`github_sha`, `runner_os`…), as this machine and the Git checkout it
 * is in have it, as `act` does; for the inputs not given.
 */
function localInputsOf(loaded: LoadedWorkflow, given: Readonly<Record<string, string>>): Promise<Record<string, string>> {
  const wanted = LOCAL_INPUT_NAMES.filter((name) => name in loaded.workflow.inputs && !Object.hasOwn(given, name));
  return localRunValues(dirname(loaded.path), wanted);
}

export async function runCommand(argv: string[], io: Output): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    input: { type: 'string', multiple: true },
    'input-file': { type: 'string', multiple: true },
    concurrency: { type: 'string' },
    json: { type: 'boolean' },
    'runs-dir': { type: 'string' },
    'kill-grace': { type: 'string' },
    approve: { type: 'boolean' },
    'no-cache': { type: 'boolean' },
  });
  if (values.help) {
    io.out(RUN_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('run takes exactly one workflow file');
  const fromFiles = inputFiles(values['input-file'] ?? [], io);
  if (!fromFiles) return 2;
  const flags = parseInputFlags(values.input ?? []);
  if (flags.errors.length) throw new UsageError(flags.errors[0]);
  const given = { ...fromFiles, ...flags.given };
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1))
    throw new UsageError(`--concurrency must be a positive whole number, not '${values.concurrency}'`);
  const grace = values['kill-grace'] === undefined ? undefined : Number(values['kill-grace']);
  if (grace !== undefined && !(grace >= 0)) throw new UsageError(`--kill-grace must be a number of seconds, not '${values['kill-grace']}'`);
  const show = presenter(io, values.json === true, values['runs-dir']);
  const relay = new EventRelay();
  let handle: RunHandle;
  try {
    const loaded = loadRunnable(positionals[0]);
    const wanted = Object.values(loaded.workflow.inputs).filter((spec) => spec.secret && !Object.hasOwn(given, spec.name));
    const secrets = await secretInputValues(
      wanted,
      processSecretSources(true, (m) => show.message(m)),
    );
    handle = startRun({
      workflowPath: positionals[0],
      loaded,
      inputs: { ...given, ...secrets },
      fallbackInputs: await localInputsOf(loaded, given),
      onFallbackInput: (name, value) => show.message(`${name}: ${localValueSource(name)}, ${value} (--input ${name}=… gives another)`),
      runsDir: values['runs-dir'],
      concurrency,
      killGraceMs: grace === undefined ? undefined : grace * 1000,
      reuseResults: values['no-cache'] !== true,
      onWarning: (m) => show.message(`warning: ${m}`),
      onEvent: relay.push,
    });
  } catch (e) {
    if (e instanceof RunSetupError) return printSetupError(e, io);
    throw e;
  }
  return follow(handle, io, show, relay, values.approve === true);
}

export async function resumeCommand(argv: string[], io: Output): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    'runs-dir': { type: 'string' },
    workflow: { type: 'string' },
    json: { type: 'boolean' },
    approve: { type: 'boolean' },
    'input-file': { type: 'string', multiple: true },
  });
  if (values.help) {
    io.out(RESUME_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('resume takes exactly one run id (see maestro-dag runs)');
  const runsDir = values['runs-dir'] ?? defaultRunsDir(values.workflow ?? 'x');
  const fromFiles = inputFiles(values['input-file'] ?? [], io);
  if (!fromFiles) return 2;
  const show = presenter(io, values.json === true, values['runs-dir']);
  const relay = new EventRelay();
  let handle: RunHandle;
  try {
    handle = await resumeRunFromLog({
      runsDir,
      runId: positionals[0],
      // The record had a value for each: the resumed run needs one too.
      secretInputs: (missing) =>
        secretInputValues(
          missing.map((spec) => ({ ...spec, required: true })),
          { ...processSecretSources(false, (m) => show.message(m)), given: fromFiles },
        ),
      onWarning: (m) => show.message(`warning: ${m}`),
      onEvent: relay.push,
    });
  } catch (e) {
    if (e instanceof RunSetupError) return printSetupError(e, io);
    if (e instanceof RunReadError) {
      io.err(`maestro-dag: ${safeText(e.message)}\n`);
      return 2;
    }
    throw e;
  }
  if (handle.resumedFrom) show.seed(handle.resumedFrom);
  return follow(handle, io, show, relay, values.approve === true);
}
