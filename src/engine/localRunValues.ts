// What GitHub gives a run, as this machine and the Git checkout a workflow is in have it (as `act` does): the values
// of the inputs an import makes for `github.sha`, `runner.os`… A value given for the input always comes first.
import { CHECKOUT_INPUT_NAMES, checkoutInputs, readCheckout } from './gitCheckout';

const OS: Readonly<Record<string, string>> = { linux: 'Linux', win32: 'Windows', darwin: 'macOS' };
const ARCH: Readonly<Record<string, string>> = { ia32: 'X86', x64: 'X64', arm: 'ARM', arm64: 'ARM64' };

/** This machine's values for `runner.os` and `runner.arch`, in GitHub's words, by the inputs' names. */
export function runnerInputs(platform: string = process.platform, arch: string = process.arch): Record<string, string> {
  const values: Record<string, string> = {};
  if (Object.hasOwn(OS, platform)) values.runner_os = OS[platform];
  if (Object.hasOwn(ARCH, arch)) values.runner_arch = ARCH[arch];
  return values;
}

const RUNNER_INPUT_NAMES: readonly string[] = ['runner_os', 'runner_arch'];

/** The inputs this machine or a checkout may have values for. */
export const LOCAL_INPUT_NAMES: readonly string[] = [...CHECKOUT_INPUT_NAMES, ...RUNNER_INPUT_NAMES];

/** Where an input's local value comes from, as a message says it: "this checkout's" or "this machine's". */
export const localValueSource = (input: string): string => (RUNNER_INPUT_NAMES.includes(input) ? "this machine's" : "this checkout's");

/**
 * The local values of those of `wanted` (input names) that have one; the checkout of `folder` is read only when one
 * of them may come from it.
 */
export async function localRunValues(folder: string, wanted: readonly string[]): Promise<Record<string, string>> {
  const fromMachine = Object.fromEntries(Object.entries(runnerInputs()).filter(([name]) => wanted.includes(name)));
  if (!CHECKOUT_INPUT_NAMES.some((name) => wanted.includes(name))) return fromMachine;
  const checkout = await readCheckout(folder);
  return { ...fromMachine, ...(checkout ? checkoutInputs(checkout) : {}) };
}
