// `maestro-dag runs mutexes`: the mutexes held on this machine, who holds each, and giving back one whose holder
// cannot (a process id reused since its holder was killed keeps its lock looking held).
import { mutexHolderText } from '../../engine/mutexHolder';
import { listMutexLocks, machineMutexFolder, releaseMutexLock, type MutexLockEntry } from '../../engine/run/io/mutexLocks';
import { parseCommandArgs, UsageError } from '../args';
import type { Output } from '../output';
import { safeText, terminalJson } from '../terminalText';

export const MUTEXES_HELP = `Usage: maestro-dag runs mutexes [--json] [--release NAME]

Lists the mutexes the runs of this machine's user hold (the 'mutex' of nodes and workflows), with the node, run and
process holding each. A process that ended without giving its mutexes back holds nothing: the next run that wants
one takes it over. With --release, removes a mutex's lock whoever holds it: a run that holds it still runs as if it
did. The locks are in ${machineMutexFolder()} (MAESTRO_MUTEX_DIR puts them elsewhere).
`;

const holderOf = (entry: MutexLockEntry): string => {
  if (!entry.holder) return 'a file that is not a lock (the next run that wants it takes it over)';
  const text = mutexHolderText(entry.holder);
  return entry.live ? text : `${text}, which has ended (the next run that wants it takes it over)`;
};

export function mutexesCommand(argv: string[], io: Output): number {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' }, release: { type: 'string' } });
  if (values.help) {
    io.out(MUTEXES_HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError(`runs mutexes takes no arguments, not '${positionals[0]}'`);
  const folder = machineMutexFolder();
  if (values.release !== undefined) return release(folder, values.release, io);
  const entries = listMutexLocks(folder);
  if (values.json) {
    io.out(terminalJson(JSON.stringify(entries, null, 2)) + '\n');
    return 0;
  }
  if (entries.length === 0) {
    io.out(`no mutex is held (${folder})\n`);
    return 0;
  }
  const width = Math.max(5, ...entries.map((e) => e.mutex.length));
  io.out(`${'mutex'.padEnd(width)}  ${'since'.padEnd(24)}  held by\n`);
  for (const entry of entries) io.out(safeText(`${entry.mutex.padEnd(width)}  ${(entry.holder?.since ?? '').padEnd(24)}  ${holderOf(entry)}`) + '\n');
  return 0;
}

function release(folder: string, mutex: string, io: Output): number {
  const held = releaseMutexLock(folder, mutex);
  if (held === undefined) {
    io.err(safeText(`maestro-dag: no run holds the mutex '${mutex}' (${folder})`) + '\n');
    return 1;
  }
  const who = held.holder ? mutexHolderText(held.holder) : 'a file that was not a lock';
  io.out(safeText(`released ${mutex}, held by ${who}`) + '\n');
  return 0;
}
