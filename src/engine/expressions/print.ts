// An expression's syntax tree written back as source: a part of a parsed expression as text of its own. Parentheses
// are the tree's groups, as written; names and literals keep their spelling.
import type { Expr } from '@actions/expressions';
import type { Binary, ContextAccess, ExprVisitor, FunctionCall, Grouping, IndexAccess, Literal, Logical, Unary } from '@actions/expressions/ast';
import { isStar } from './references';

/** The lexer's token type of a name: an index written after a dot (`github.ref`) has one. */
const IDENTIFIER = 19;

const printer: ExprVisitor<string> = {
  visitLiteral: (l: Literal) => l.token.lexeme,
  visitUnary: (u: Unary) => `${u.operator.lexeme}${printExpression(u.expr)}`,
  visitBinary: (b: Binary) => `${printExpression(b.left)} ${b.operator.lexeme} ${printExpression(b.right)}`,
  visitLogical: (l: Logical) => l.args.map(printExpression).join(` ${l.operator.lexeme} `),
  visitGrouping: (g: Grouping) => `(${printExpression(g.group)})`,
  visitContextAccess: (c: ContextAccess) => c.name.lexeme,
  visitIndexAccess: (ia: IndexAccess) => {
    const base = printExpression(ia.expr);
    if (isStar(ia.index)) return `${base}.*`;
    const token = (ia.index as Partial<Literal>).token;
    const dotted = token !== undefined && (token.type as number) === IDENTIFIER;
    return dotted ? `${base}.${token.lexeme}` : `${base}[${printExpression(ia.index)}]`;
  },
  visitFunctionCall: (f: FunctionCall) => `${f.functionName.lexeme}(${f.args.map(printExpression).join(', ')})`,
};

/** The source of an expression (or of a part of one). */
export function printExpression(e: Expr): string {
  return e.accept(printer);
}
