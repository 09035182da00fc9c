// GitHub's parser gives a tree of tokens with lines; the import reads it as plain values, keeping each mapping's lines.
import { isBasicExpression, isLiteral, isMapping, isSequence } from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';

/** Where each key of a mapping value was written, by key. */
export const LINES = Symbol('lines');

export type Lined = Record<string, unknown> & { [LINES]?: Record<string, number> };

const childOf = (plain: unknown, key: string | number): unknown =>
  plain !== null && typeof plain === 'object' ? (plain as Record<string, unknown>)[key] : undefined;

/**
 * A token as a plain value, mappings with their keys' lines. Strings come from `plain`, the same document read by the
 * yaml library: GitHub's tokens hold an expression's text as the parser rewrote it (`format('…', …)`), not as written.
 */
export function tokenValue(token: TemplateToken | undefined, plain: unknown): unknown {
  if (!token) return undefined;
  if (isMapping(token)) {
    const out: Lined = {};
    const lines: Record<string, number> = {};
    for (let i = 0; i < token.count; i++) {
      const pair = token.get(i);
      const key = String(tokenValue(pair.key, undefined));
      out[key] = tokenValue(pair.value, childOf(plain, key));
      lines[key] = pair.key.line ?? 0;
    }
    Object.defineProperty(out, LINES, { value: lines, enumerable: false });
    return out;
  }
  if (isSequence(token)) return Array.from({ length: token.count }, (_, i) => tokenValue(token.get(i), childOf(plain, i)));
  if (typeof plain === 'string') return plain;
  if (isBasicExpression(token)) return `\${{ ${token.expression} }}`;
  if (isLiteral(token)) return (token as unknown as { value: unknown }).value ?? null;
  return undefined;
}

/** The line a key of a mapping value was written on (0 when unknown). */
export const lineOf = (value: unknown, key: string): number => (value as Lined | undefined)?.[LINES]?.[key] ?? 0;
