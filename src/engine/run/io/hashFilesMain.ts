// `"$MAESTRO_HASH_FILES" PATTERN...`: a node's script reading hashFiles() itself, when it wants the files as they are
// at that moment (an imported job's later step, after the steps before it wrote files). Each argument is one of
// hashFiles()'s, read below `$MAESTRO_WORKSPACE` (the folder the engine's own hashFiles() reads below), else below the
// folder it is started in. Prints the hash (nothing when no file matches); a failure says why and exits 1.
import { resolve } from 'node:path';
import { hashFiles } from './hashFiles';

function main(args: readonly string[]): number {
  if (!args.length) {
    process.stderr.write("hashFiles() needs a pattern: give each of its arguments as one argument ('**/package-lock.json')\n");
    return 2;
  }
  const workspace = resolve(process.env.MAESTRO_WORKSPACE || process.cwd()).replace(/\\/g, '/');
  try {
    const hash = hashFiles(workspace, args);
    if (hash) process.stdout.write(`${hash}\n`);
    return 0;
  } catch (e) {
    const written = args.map((a) => `'${a.replace(/'/g, "''")}'`).join(', ');
    process.stderr.write(`hashFiles(${written}) failed below ${workspace}: ${(e as Error).message}\n`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
