// Mutex names with expressions (`deploy-${{ inputs.environment }}`, `port-${{ matrix.port }}`): what a run holds is
// the name its expressions give, made a name. One name per target: the runs and instances that give the same one
// take turns, the others do not wait for each other.
import type { EvaluationScope } from './expressions/evaluate';
import { interpolate } from './expressions/interpolate';

const hasMutexExpression = (name: string): boolean => name.includes('${{');

/**
 * A text made a mutex name (a filled-in name, another system's lock): each run of characters a name cannot have
 * becomes `-`, and those before its first letter or digit are dropped (`deploy prod` → `deploy-prod`).
 */
export const mutexNameOf = (text: string): string => text.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');

/**
 * A mutex name written with expressions made from another system's (a GitHub group, an Argo name with variables):
 * its literal parts as `mutexNameOf` makes them, its `${{ }}` kept as they are.
 */
export function mutexNameAround(text: string): string {
  const pieces = text.split(/(\$\{\{[\s\S]*?\}\})/);
  return pieces
    .map((piece, i) => (i % 2 ? piece : piece.replace(/[^A-Za-z0-9_.-]+/g, '-')))
    .join('')
    .replace(/^[^A-Za-z0-9$]+/, '');
}

/**
 * The mutexes as a run holds them: each name with its expressions filled in from `scope` and made a name (a name
 * without expressions is itself), each once; or why one cannot be (an expression that fails, a name left empty).
 */
export function resolveMutexNames(names: readonly string[], scope: EvaluationScope): { names: string[] } | { error: string } {
  const out: string[] = [];
  for (const written of names) {
    if (!hasMutexExpression(written)) {
      if (!out.includes(written)) out.push(written);
      continue;
    }
    let filled: string;
    try {
      filled = interpolate(written, scope);
    } catch (e) {
      return { error: `its mutex '${written}' cannot be filled in: ${(e as Error).message}` };
    }
    const name = mutexNameOf(filled);
    if (!name) return { error: `its mutex '${written}' gives '${filled}', which has no letter or digit to name a mutex` };
    if (!out.includes(name)) out.push(name);
  }
  return { names: out };
}
