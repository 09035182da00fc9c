// The file system as the simple-command rule asks it (see core/simpleCommand): whether a file is a program the
// system runs itself, what a folder is.
import { accessSync, closeSync, constants, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import type { FileProbe } from '../core/simpleCommand';

/** First bytes of what the kernel executes by itself: `#!` scripts, ELF, and Mach-O (thin and universal, both ends). */
const RUNNABLE = [
  Buffer.from('#!'),
  Buffer.from([0x7f, 0x45, 0x4c, 0x46]),
  ...['feedface', 'feedfacf', 'cefaedfe', 'cffaedfe', 'cafebabe'].map((h) => Buffer.from(h, 'hex')),
];

function startsRunnable(path: string): boolean {
  const head = Buffer.alloc(4);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const read = readSync(fd, head, 0, 4, 0);
    return RUNNABLE.some((magic) => read >= magic.length && head.subarray(0, magic.length).equals(magic));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Whether a file may be executed by this process and is a program the system runs itself, by path, with the file's
 * identity when it was asked: any change to its content, mode, owner, links or ACL moves its ctime, so an answer
 * holds while that identity does. A run asks for the same few programs thousands of times.
 */
const runnable = new Map<string, { identity: string; answer: boolean }>();
const RUNNABLE_ANSWERS_KEPT = 1000;

function isRunnableFile(path: string, s: Stats): boolean {
  const identity = `${s.dev}:${s.ino}:${s.mode}:${s.uid}:${s.gid}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
  const known = runnable.get(path);
  if (known?.identity === identity) return known.answer;
  let answer: boolean;
  try {
    accessSync(path, constants.X_OK);
    answer = startsRunnable(path);
  } catch {
    answer = false;
  }
  if (runnable.size >= RUNNABLE_ANSWERS_KEPT) runnable.clear();
  runnable.set(path, { identity, answer });
  return answer;
}

export const fileProbe: FileProbe = {
  // A file without `#!` or a binary's header is run by bash as a script of its own: left to bash.
  // Most PATH entries do not have the program: asked without an exception for each (they cost more than the look).
  isExecutable(path) {
    let s: Stats | undefined;
    try {
      s = statSync(path, { throwIfNoEntry: false });
    } catch {
      return false;
    }
    return s?.isFile() === true && isRunnableFile(path, s);
  },
  directory(path) {
    try {
      const s = statSync(path, { throwIfNoEntry: false });
      return s?.isDirectory() ? { dev: s.dev, ino: s.ino } : undefined;
    } catch {
      return undefined;
    }
  },
  realPath: (path) => realpathSync(path),
};
