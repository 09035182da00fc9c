import type { ErrorObject } from 'ajv';
import schema from '../../../schemas/workflow.schema.json';
import type { Span, SpanDiagnostic } from '../diagnostics';
import { DURATION_HINT } from '../duration';
import { didYouMean, closest } from '../suggest';
import { locate, objectSpan, pointerToPath, type ParsedDocument, type PathSegment } from './document';
import validator from './schemaValidator';

const NODE_KINDS = ['run', 'approval', 'workflow'] as const;
type Json = Record<string, unknown>;
type SchemaObject = { type?: string | string[]; $ref?: string; properties?: Json; description?: string };

const jsonType = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);

function describeValue(v: unknown): string {
  if (typeof v === 'string') return `'${v.length > 40 ? v.slice(0, 40) + '…' : v}'`;
  if (v === null) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : 'nothing';
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'empty',
};
const typeWords = (t: string | string[]): string => (Array.isArray(t) ? t : [t]).map((x) => TYPE_WORDS[x] ?? x).join(' or ');

function resolveRef(s: SchemaObject): SchemaObject {
  if (s.$ref?.startsWith('#/definitions/')) return (schema.definitions as Json)[s.$ref.slice('#/definitions/'.length)] as SchemaObject;
  return s;
}

function typeMatches(s: SchemaObject, value: unknown): boolean {
  const t = resolveRef(s).type;
  if (t === undefined) return true;
  const actual = jsonType(value);
  return (Array.isArray(t) ? t : [t]).some((x) => x === actual || (x === 'number' && actual === 'integer'));
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let v = data;
  for (const seg of path) v = v !== null && typeof v === 'object' ? (v as Json)[String(seg)] : undefined;
  return v;
}

const label = (path: readonly PathSegment[]): string => {
  const last = path[path.length - 1];
  if (path.length === 2 && path[0] === 'nodes') return `node '${String(last)}'`;
  return last === undefined ? 'the workflow' : typeof last === 'number' ? `item ${last + 1} of '${String(path[path.length - 2])}'` : `'${last}'`;
};

// ajv gives schema paths relative to the definition a $ref points at, so errors are recognized by their schema. The
// compiled validator holds its own copies of the schema's objects: they are told apart by content, once per object.
const DEFINITION_BY_TEXT = new Map(Object.entries(schema.definitions).map(([name, definition]) => [JSON.stringify(definition), name]));
const definitionNames = new WeakMap<object, string | null>();

/** Which of the schema's definitions a schema object of an error is, if any. */
function definitionOf(s: unknown): string | undefined {
  if (typeof s !== 'object' || s === null) return undefined;
  let name = definitionNames.get(s);
  if (name === undefined) definitionNames.set(s, (name = DEFINITION_BY_TEXT.get(JSON.stringify(s)) ?? null));
  return name ?? undefined;
}

function isDurationError(e: ErrorObject): boolean {
  return definitionOf(e.parentSchema) === 'duration' || definitionOf(e.schema) === 'duration';
}

/** The node's "exactly one of run, approval, workflow" rule. */
function isNodeKindError(e: ErrorObject): boolean {
  return e.keyword === 'oneOf' && definitionOf(e.parentSchema) === 'node';
}

/** Checks the parsed document against the JSON schema, with messages that say what is wrong and what would be right. */
export function checkSchema(parsed: ParsedDocument): SpanDiagnostic[] {
  if (validator(parsed.value)) return [];
  const errors = [...(validator.errors ?? [])];
  const data = parsed.value;
  const out: SpanDiagnostic[] = [];
  const seen = new Set<string>();
  const push = (span: Span, message: string, code: SpanDiagnostic['code'] = 'schema', fixes?: SpanDiagnostic['fixes']) => {
    const key = `${span.start}:${span.end}:${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ span, severity: 'error', code, message, ...(fixes ? { fixes } : {}) });
  };

  // Alternatives (anyOf/oneOf): keep the errors of the branch whose type fits the value, drop the others' type errors.
  const dropped = new Set<ErrorObject>();
  for (const e of errors) {
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') continue;
    const path = e.instancePath;
    const value = valueAt(data, pointerToPath(path));
    if (isNodeKindError(e)) {
      for (const x of errors)
        if (x.instancePath === path && x.keyword === 'required' && (NODE_KINDS as readonly string[]).includes(String(x.params.missingProperty))) dropped.add(x);
      continue;
    }
    const branches = (e.schema as SchemaObject[]) ?? [];
    const fitting = branches.filter((b) => typeMatches(b, value));
    for (const x of errors) if (x !== e && x.instancePath === path && x.keyword === 'type') dropped.add(x);
    if (fitting.length > 0) {
      dropped.add(e);
    } else {
      const types = branches
        .map((b) => resolveRef(b).type)
        .flat()
        .filter((t): t is string => typeof t === 'string');
      (e as ErrorObject & { explained?: string }).explained =
        `${label(pointerToPath(path))} must be ${typeWords([...new Set(types)])}, not ${describeValue(value)}`;
    }
  }

  for (const e of errors) {
    if (dropped.has(e)) continue;
    if (e.schemaPath.includes('/propertyNames/')) continue; // reported through the propertyNames error itself
    const path = pointerToPath(e.instancePath);
    const value = valueAt(data, path);
    const explained = (e as ErrorObject & { explained?: string }).explained;
    if (explained) {
      push(locate(parsed, path).valueSpan, explained);
      continue;
    }
    if (isDurationError(e)) {
      push(locate(parsed, path).valueSpan, `${describeValue(value)} is not a duration: write ${DURATION_HINT}`, 'invalid-duration');
      continue;
    }
    switch (e.keyword) {
      case 'additionalProperties': {
        const prop = String(e.params.additionalProperty);
        const allowed = Object.keys((e.parentSchema as SchemaObject | undefined)?.properties ?? {});
        const at = locate(parsed, [...path, prop]);
        const suggestion = closest(prop, allowed);
        const where = path.length === 0 ? 'at the top level' : `in ${label(path)}`;
        push(
          at.keySpan ?? at.valueSpan,
          `unknown property '${prop}' ${where}${suggestion ? ` — did you mean '${suggestion}'?` : ` (allowed: ${allowed.join(', ')})`}`,
          'schema',
          suggestion && at.keySpan ? [{ title: `Change to '${suggestion}'`, edits: [{ span: at.keySpan, newText: suggestion }] }] : undefined,
        );
        break;
      }
      case 'required': {
        const missing = String(e.params.missingProperty);
        push(objectSpan(parsed, path), `${label(path)} is missing the required property '${missing}'`);
        break;
      }
      case 'oneOf': {
        if (!isNodeKindError(e)) {
          push(locate(parsed, path).valueSpan, `${label(path)} must match exactly one of its allowed forms`);
          break;
        }
        const present = NODE_KINDS.filter((k) => value !== null && typeof value === 'object' && k in (value as Json));
        const message =
          present.length === 0
            ? `${label(path)} has nothing to do: give it one of 'run' (a shell script), 'approval' (a manual gate) or 'workflow' (a sub-workflow)`
            : `${label(path)} has ${present.map((k) => `'${k}'`).join(' and ')}: a node has exactly one of 'run', 'approval' or 'workflow'`;
        push(objectSpan(parsed, path), message);
        break;
      }
      case 'propertyNames': {
        const name = String(e.params.propertyName);
        const at = locate(parsed, [...path, name]);
        const what = path.length === 1 && path[0] === 'nodes' ? 'node id' : 'name';
        push(at.keySpan ?? at.valueSpan, `'${name}' is not a valid ${what}: start with a letter or '_', then use letters, digits, '_' or '-'`);
        break;
      }
      case 'type':
        push(locate(parsed, path).valueSpan, `${label(path)} must be ${typeWords(e.params.type as string | string[])}, not ${describeValue(value)}`);
        break;
      case 'enum': {
        const allowed = (e.params.allowedValues as unknown[]).map(String);
        push(
          locate(parsed, path).valueSpan,
          `${label(path)} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, not ${describeValue(value)}${typeof value === 'string' ? didYouMean(value, allowed) : ''}`,
        );
        break;
      }
      case 'const':
        push(locate(parsed, path).valueSpan, `${label(path)} must be ${JSON.stringify(e.params.allowedValue)}, not ${describeValue(value)}`);
        break;
      case 'minimum':
      case 'exclusiveMinimum':
        push(locate(parsed, path).valueSpan, `${label(path)} must be at least ${String(e.params.limit)}, not ${describeValue(value)}`);
        break;
      case 'maximum':
        push(locate(parsed, path).valueSpan, `${label(path)} must be at most ${String(e.params.limit)}, not ${describeValue(value)}`);
        break;
      case 'minProperties':
        push(objectSpan(parsed, path), path[0] === 'nodes' && path.length === 1 ? "'nodes' needs at least one node" : `${label(path)} must not be empty`);
        break;
      case 'minItems':
        push(locate(parsed, path).valueSpan, `${label(path)} needs at least ${String(e.params.limit)} item${e.params.limit === 1 ? '' : 's'}`);
        break;
      case 'uniqueItems':
        push(
          locate(parsed, [...path, e.params.i as number]).valueSpan,
          `${label(path)} lists ${describeValue((value as unknown[])[e.params.i as number])} twice`,
        );
        break;
      case 'pattern':
        push(
          locate(parsed, path).valueSpan,
          path.includes('needs') ? `${describeValue(value)} is not a valid node id` : `${label(path)} ${describeValue(value)} does not have the expected form`,
        );
        break;
      default:
        push(locate(parsed, path).valueSpan, `${label(path)} ${e.message ?? 'is not valid'}`);
    }
  }
  return out;
}
