// An `actions/cache` step restores folders from GitHub's cache, where here they stay on this machine between runs:
// its `cache-hit` output is what GitHub gives on a miss (''), so that a later step's `if` that asks for one
// (`steps.cache.outputs.cache-hit != 'true'`) runs the step that makes what a miss lacks, as it would on GitHub.
import { collectReferences } from '../../expressions/references';
import { expressionPieces } from '../../expressions/template';
import { type Json, textOf } from '../../json';
import { outputOf, type ScriptVariable, variableName } from './stepOutputs';
import { readingTexts } from './stepTexts';

const CACHE_HIT = 'cache-hit';

/** Whether a step restores from GitHub's cache (`actions/cache`, `actions/cache/restore`). */
export const restoresCache = (step: Json): boolean => /^actions\/cache(\/restore)?@/.test(textOf(step.uses));

/** The cache steps' `cache-hit` as the later steps read it, and the lines that give it its value at the script's start. */
export class CacheHits {
  /** By id, lower case: the position of the cache step and its variable. */
  private readonly steps = new Map<string, { position: number; variable: string }>();
  /** The variables later steps read. */
  private readonly read = new Set<string>();

  constructor(steps: readonly Json[]) {
    steps.forEach((step, i) => {
      if (restoresCache(step) && typeof step.id === 'string')
        this.steps.set(step.id.toLowerCase(), { position: i, variable: variableName(step.id, CACHE_HIT) });
    });
    steps.forEach((step, i) => {
      if (typeof step.run !== 'string') return;
      for (const { text, isCondition } of readingTexts(step))
        for (const piece of expressionPieces(text, isCondition))
          for (const ref of piece.parsed ? collectReferences(piece.parsed).refs : []) {
            const variable = this.variableAt(i)(ref.segments.map((s) => s.name));
            if (variable) this.read.add(variable);
          }
    });
  }

  /** Whether a later step reads a cache step's `cache-hit`. */
  get any(): boolean {
    return this.read.size > 0;
  }

  /** `steps.<id>.outputs.cache-hit` of an earlier cache step, read by the step at `position` (from 0): its variable. */
  variableAt(position: number): ScriptVariable {
    return (chain) => {
      const output = outputOf(chain);
      const step = output && output.name.toLowerCase() === CACHE_HIT ? this.steps.get(output.id.toLowerCase()) : undefined;
      return step && step.position < position ? step.variable : undefined;
    };
  }

  /** The lines that give the variables read their value, a miss's, at the script's start. */
  startLines(): string[] {
    return this.read.size
      ? ["# actions/cache restores nothing here (what it keeps stays on this machine): its cache-hit is a miss's.", ...[...this.read].map((v) => `${v}=''`)]
      : [];
  }
}
