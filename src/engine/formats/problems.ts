/** Something of a workflow that a format cannot express: where (a node, or the workflow) and what. */
export interface ConversionProblem {
  node?: string;
  message: string;
}

export const problemText = (p: ConversionProblem): string => (p.node ? `node '${p.node}': ${p.message}` : p.message);

/** An export or import that cannot be done faithfully; the message lists every problem. */
export class ConversionError extends Error {
  constructor(
    readonly target: string,
    readonly problems: ConversionProblem[],
  ) {
    super(`cannot convert to ${target} without changing what the workflow does:\n${problems.map((p) => `  - ${problemText(p)}`).join('\n')}`);
  }
}

/** Whether problems stop a conversion or become comments in its output. */
export interface ConversionOptions {
  lenient?: boolean;
}

/** Collects problems and decides, at the end, whether they are errors or comments. */
export class ProblemList {
  readonly items: ConversionProblem[] = [];
  add(node: string | undefined, message: string): void {
    this.items.push(node ? { node, message } : { message });
  }
  forNode(node: string): string[] {
    return this.items.filter((p) => p.node === node).map((p) => p.message);
  }
  /** Throws when there are problems and the conversion is not lenient. */
  settle(target: string, options: ConversionOptions): void {
    if (this.items.length && !options.lenient) throw new ConversionError(target, this.items);
  }
}
