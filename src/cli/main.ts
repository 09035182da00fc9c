import { keepHeapSmall } from '../engine/memory';
import { UsageError } from './args';
import { editCommand } from './commands/edit';
import { exportCommand } from './commands/export';
import { graphCommand } from './commands/graph';
import { importCommand } from './commands/import';
import { serveCommand } from './commands/serve';
import { statsCommand } from './commands/stats';
import { validateCommand } from './commands/validate';
import { resumeCommand, runCommand } from './commands/run';
import { logsCommand, runsCommand } from './commands/runs';
import { processOutput, watchStdout, type Output } from './output';

declare const MAESTRO_VERSION: string;

export const MAIN_HELP = `Usage: maestro-dag <command> [options]

Commands:
  validate FILE...   check workflow files and print diagnostics
  graph FILE         print a workflow's DAG (mermaid, dot or json): export's drawing formats
  export FILE        write a workflow for GitHub Actions or Argo Workflows, or as a drawing
  import FILE        read a GitHub Actions or Argo workflow as a Maestro workflow
  run FILE           run a workflow (live view on a terminal, --json for events)
  resume RUN         continue an ended or interrupted run from its log
  runs               list past runs (runs prune: delete old ones)
  stats FILE         a workflow's figures over its runs: durations, failures, flaky nodes, bottlenecks
  logs RUN [NODE]    print a run's logs
  edit FILE ACTION   add, remove, connect, rename or set nodes, as the DAG panel's builder does
  serve              serve the engine over HTTP and WebSocket, for several windows and people

Run 'maestro-dag <command> --help' for a command's options.
`;

type Command = (argv: string[], io: Output) => number | Promise<number>;

const COMMANDS: Record<string, Command> = {
  validate: validateCommand,
  graph: graphCommand,
  export: exportCommand,
  import: importCommand,
  run: runCommand,
  resume: resumeCommand,
  runs: runsCommand,
  logs: logsCommand,
  stats: statsCommand,
  edit: editCommand,
  serve: serveCommand,
};

export async function main(argv: string[], io: Output = processOutput): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(MAIN_HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.out(`${typeof MAESTRO_VERSION === 'string' ? MAESTRO_VERSION : 'dev'}\n`);
    return 0;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  try {
    if (!command) throw new UsageError(`unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')})`);
    return await command(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`maestro-dag: ${e.message}\nRun 'maestro-dag ${command !== undefined ? name + ' ' : ''}--help' for usage.\n`);
      return 2;
    }
    io.err(`maestro-dag: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 70;
  }
}

if (require.main === module) {
  keepHeapSmall();
  watchStdout();
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`maestro-dag: ${String(e)}\n`);
      process.exitCode = 70;
    },
  );
}
