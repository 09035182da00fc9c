/** A terminal's input as it is read for a hidden answer: raw mode on and off, key presses as text. */
export interface RawTerminal {
  setRawMode(on: boolean): void;
  on(event: 'data', listener: (chunk: Buffer | string) => void): void;
  off(event: 'data', listener: (chunk: Buffer | string) => void): void;
  resume(): void;
  pause(): void;
}

/** What ends or edits a hidden answer; every other character is taken as typed. */
const ENTER = /[\r\n]/;
const INTERRUPT = '\u0003';
const END_OF_INPUT = '\u0004';
const ERASE = new Set(['\u007f', '\b']);

/**
 * Reads one line from the terminal without echoing it (as `ssh` and `docker login` ask for a password): the prompt
 * is written to `write`, the answer is not. Undefined when the user gives up (Ctrl-C, or Ctrl-D on an empty line).
 */
export function readHidden(input: RawTerminal, write: (text: string) => void, prompt: string): Promise<string | undefined> {
  write(prompt);
  let answer = '';
  return new Promise((resolve) => {
    const done = (value: string | undefined): void => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      write('\n');
      resolve(value);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of String(chunk)) {
        if (ch === INTERRUPT || (ch === END_OF_INPUT && answer === '')) return done(undefined);
        if (ENTER.test(ch) || ch === END_OF_INPUT) return done(answer);
        if (ERASE.has(ch)) answer = answer.slice(0, -1);
        else if (ch >= ' ') answer += ch;
      }
    };
    input.setRawMode(true);
    input.on('data', onData);
    input.resume();
  });
}
