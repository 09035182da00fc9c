import { ExpressionError, type Expr, type Value } from './ast';

/** What an expression can see while it is evaluated. */
export interface EvaluationScope {
  /** Root contexts by name: inputs, env, nodes, matrix, run, workflow. */
  contexts: Readonly<Record<string, Value>>;
  /** Answers the status functions for the node the expression belongs to. */
  status?: { success(): boolean; failure(): boolean; cancelled(): boolean };
}

export function isTruthy(v: Value): boolean {
  if (v === null || v === false || v === 0 || v === '') return false;
  if (typeof v === 'number' && Number.isNaN(v)) return false;
  return true;
}

function toNumber(v: Value): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.trim() === '' ? 0 : Number(v);
  return NaN;
}

/** Equality as GitHub Actions defines it: strings case-insensitively, mixed types as numbers. */
export function looseEquals(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  const aIsCompound = a !== null && typeof a === 'object';
  const bIsCompound = b !== null && typeof b === 'object';
  if (aIsCompound || bIsCompound) return a === b;
  if (a === null && b === null) return true;
  if (typeof a === typeof b) return a === b;
  return toNumber(a) === toNumber(b);
}

function compareOrder(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = toNumber(a);
  const y = toNumber(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  return x - y;
}

/** How a value reads when it is substituted into text. */
export function toText(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function property(object: Value, name: string): Value {
  if (object === null || typeof object !== 'object') return null;
  if (Array.isArray(object)) {
    // `list.name` maps over a list of objects, as GitHub's object filters do.
    return object.map((item) => property(item, name));
  }
  return Object.prototype.hasOwnProperty.call(object, name) ? object[name] : null;
}

function format(template: string, args: Value[], span: Expr['span']): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '{' && template[i + 1] === '{') {
      out += '{';
      i++;
    } else if (c === '}' && template[i + 1] === '}') {
      out += '}';
      i++;
    } else if (c === '{') {
      const close = template.indexOf('}', i);
      const index = close > 0 ? Number(template.slice(i + 1, close)) : NaN;
      if (!Number.isInteger(index) || index < 0 || index >= args.length)
        throw new ExpressionError(`format(): '${template.slice(i, close + 1 || undefined)}' names no argument`, span);
      out += toText(args[index]);
      i = close;
    } else out += c;
  }
  return out;
}

function callFunction(name: string, args: Value[], expr: Expr, scope: EvaluationScope): Value {
  const str = (v: Value) => toText(v).toLowerCase();
  switch (name) {
    case 'always':
      return true;
    case 'success':
      return scope.status ? scope.status.success() : true;
    case 'failure':
      return scope.status ? scope.status.failure() : false;
    case 'cancelled':
      return scope.status ? scope.status.cancelled() : false;
    case 'contains': {
      const [search, item] = args;
      if (Array.isArray(search)) return search.some((v) => looseEquals(v, item));
      return str(search).includes(str(item));
    }
    case 'startsWith':
      return str(args[0]).startsWith(str(args[1]));
    case 'endsWith':
      return str(args[0]).endsWith(str(args[1]));
    case 'format':
      return format(toText(args[0]), args.slice(1), expr.span);
    case 'toJSON':
      return JSON.stringify(args[0], null, 2);
    case 'fromJSON':
      try {
        return JSON.parse(toText(args[0])) as Value;
      } catch (e) {
        throw new ExpressionError(`fromJSON(): not valid JSON (${(e as Error).message})`, expr.span);
      }
    default:
      throw new ExpressionError(`unknown function '${name}'`, expr.span);
  }
}

/** Evaluates a parsed expression. Never uses eval: this is a tree-walking interpreter. */
export function evaluate(expr: Expr, scope: EvaluationScope): Value {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'context':
      return Object.prototype.hasOwnProperty.call(scope.contexts, expr.name) ? scope.contexts[expr.name] : null;
    case 'property':
      return property(evaluate(expr.object, scope), expr.name);
    case 'index': {
      const object = evaluate(expr.object, scope);
      const index = evaluate(expr.index, scope);
      if (Array.isArray(object)) return typeof index === 'number' ? (object[index] ?? null) : null;
      return property(object, toText(index));
    }
    case 'call':
      return callFunction(
        expr.name,
        expr.args.map((a) => evaluate(a, scope)),
        expr,
        scope,
      );
    case 'not':
      return !isTruthy(evaluate(expr.operand, scope));
    case 'logical': {
      const left = evaluate(expr.left, scope);
      if (expr.op === '&&') return isTruthy(left) ? evaluate(expr.right, scope) : left;
      return isTruthy(left) ? left : evaluate(expr.right, scope);
    }
    case 'compare': {
      const a = evaluate(expr.left, scope);
      const b = evaluate(expr.right, scope);
      switch (expr.op) {
        case '==':
          return looseEquals(a, b);
        case '!=':
          return !looseEquals(a, b);
        case '<':
          return compareOrder(a, b) < 0;
        case '<=':
          return compareOrder(a, b) <= 0;
        case '>':
          return compareOrder(a, b) > 0;
        case '>=':
          return compareOrder(a, b) >= 0;
      }
    }
  }
}
