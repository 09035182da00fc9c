/** Where a command writes: injectable so that commands can be tested without a terminal. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is a terminal (for colours and live views). */
  isTTY: boolean;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  isTTY: Boolean(process.stdout.isTTY),
};
