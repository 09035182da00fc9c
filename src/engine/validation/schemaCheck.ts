import type { ErrorObject } from 'ajv';
import { isMap, isNode } from 'yaml';
import schema from '../../../schemas/workflow.schema.json';
import type { Span, SpanDiagnostic } from '../diagnostics';
import { DURATION_HINT } from '../duration';
import { didYouMean } from '../suggest';
import { locate, objectSpan, pointerToPath, type ParsedDocument, type PathSegment } from './document';
import { propertyMeant, valueAsOurs } from './propertyNames';
import validator from './schemaValidator';

const NODE_KINDS = ['run', 'approval', 'workflow'] as const;
type Json = Record<string, unknown>;
type SchemaObject = { type?: string | string[]; $ref?: string; properties?: Json; description?: string; anyOf?: SchemaObject[]; oneOf?: SchemaObject[] };

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
/** Every type but null: a matrix's values. */
const ANY_BUT_EMPTY = ['string', 'number', 'boolean', 'object', 'array'];
const typeWords = (t: string | string[]): string => {
  const types = Array.isArray(t) ? t : [t];
  if (ANY_BUT_EMPTY.every((x) => types.includes(x)) && !types.includes('null')) return 'a value (a string, number, boolean, list or mapping)';
  return types.map((x) => TYPE_WORDS[x] ?? x).join(' or ');
};

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

/** Whether a value is of a type the schema takes, in one of its alternatives if it has them. */
function acceptsType(s: SchemaObject, value: unknown): boolean {
  const resolved = resolveRef(s);
  const branches = resolved.anyOf ?? resolved.oneOf;
  return branches ? branches.some((b) => acceptsType(b, value)) : typeMatches(resolved, value);
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

/** A schema error, explained: where it points, what it says, and a fix when there is an obvious one. */
interface Finding {
  span: Span;
  message: string;
  code?: SpanDiagnostic['code'];
  fixes?: SpanDiagnostic['fixes'];
}

/** What an error is about: the document, the error's data path and the value there. */
interface ErrorSite {
  parsed: ParsedDocument;
  e: ErrorObject;
  path: PathSegment[];
  value: unknown;
}

const at = (s: ErrorSite, message: string): Finding => ({ span: locate(s.parsed, s.path).valueSpan, message });

/**
 * Alternatives (anyOf/oneOf): the errors of the branch whose type fits the value are kept and the others' type
 * errors dropped; when no branch fits, one message says which types would. Returns what to drop and what to say.
 */
function sortAlternatives(errors: readonly ErrorObject[], data: unknown): { dropped: Set<ErrorObject>; explained: Map<ErrorObject, string> } {
  const dropped = new Set<ErrorObject>();
  const explained = new Map<ErrorObject, string>();
  for (const e of errors) {
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') continue;
    const path = e.instancePath;
    if (isNodeKindError(e)) {
      for (const x of errors)
        if (x.instancePath === path && x.keyword === 'required' && (NODE_KINDS as readonly string[]).includes(String(x.params.missingProperty))) dropped.add(x);
      continue;
    }
    const value = valueAt(data, pointerToPath(path, data));
    const branches = (e.schema as SchemaObject[]) ?? [];
    for (const x of errors) if (x !== e && x.instancePath === path && x.keyword === 'type') dropped.add(x);
    if (branches.some((b) => typeMatches(b, value))) {
      dropped.add(e);
      continue;
    }
    const types = branches.flatMap((b) => resolveRef(b).type).filter((t): t is string => typeof t === 'string');
    explained.set(e, `${label(pointerToPath(path, data))} must be ${typeWords([...new Set(types)])}, not ${describeValue(value)}`);
  }
  return { dropped, explained };
}

function unknownProperty(s: ErrorSite): Finding {
  const prop = String(s.e.params.additionalProperty);
  const parent = (s.e.parentSchema as SchemaObject | undefined) ?? {};
  const allowed = Object.keys(parent.properties ?? {});
  const where = locate(s.parsed, [...s.path, prop]);
  const suggestion = propertyMeant(prop, allowed);
  const place = s.path.length === 0 ? 'at the top level' : `in ${label(s.path)}`;
  const written = (s.value as Json | null)?.[prop];
  const value = suggestion === undefined ? undefined : valueAsOurs(prop, written);
  const meant = value?.kind === 'rewritten' ? `${suggestion}: ${value.text}` : suggestion;
  // Renamed, the value must be of a type ours takes (Compose's `command` may be a list, our `run` is a string).
  const fits = value?.kind === 'rewritten' || (value?.kind === 'same' && acceptsType(parent.properties![suggestion!] as SchemaObject, written));
  const edits = suggestion !== undefined && where.keySpan && fits ? [{ span: where.keySpan, newText: suggestion }] : [];
  if (value?.kind === 'rewritten' && edits.length) edits.push({ span: where.valueSpan, newText: value.text });
  return {
    span: where.keySpan ?? where.valueSpan,
    message: `unknown property '${prop}' ${place}${meant ? ` — did you mean '${meant}'?` : ` (allowed: ${allowed.join(', ')})`}`,
    ...(edits.length ? { fixes: [{ title: `Change to '${meant}'`, edits }] } : {}),
  };
}

function nodeKind(s: ErrorSite): Finding {
  if (!isNodeKindError(s.e)) return at(s, `${label(s.path)} must match exactly one of its allowed forms`);
  const present = NODE_KINDS.filter((k) => s.value !== null && typeof s.value === 'object' && k in (s.value as Json));
  const message =
    present.length === 0
      ? `${label(s.path)} has nothing to do: give it one of 'run' (a shell script), 'approval' (a manual gate) or 'workflow' (a sub-workflow)`
      : `${label(s.path)} has ${present.map((k) => `'${k}'`).join(' and ')}: a node has exactly one of 'run', 'approval' or 'workflow'`;
  return { span: objectSpan(s.parsed, s.path), message };
}

/** What the keys of a mapping name, by the mapping's key. */
const NAMED: Record<string, string> = { inputs: 'input name', matrix: 'matrix key' };

/** A name that is not one of the workflow's names (node ids, inputs, outputs, matrix keys): what one is. */
const notAName = (shown: string, what: string): string => `${shown} is not a valid ${what}: start with a letter or '_', then use letters, digits, '_' or '-'`;

function invalidName(s: ErrorSite): Finding {
  const name = String(s.e.params.propertyName);
  const where = locate(s.parsed, [...s.path, name]);
  const span = where.keySpan ?? where.valueSpan;
  if (s.path[s.path.length - 1] === 'env') {
    const why = name.includes('\0') ? 'has a NUL character, which no process can be given' : "is empty or has '=' (it would set another variable)";
    return { span, message: `'${JSON.stringify(name).slice(1, -1)}' cannot name an environment variable: it ${why}` };
  }
  const what = s.path.length === 1 && s.path[0] === 'nodes' ? 'node id' : (NAMED[String(s.path.at(-1))] ?? 'name');
  return { span, message: notAName(`'${name}'`, what) };
}

/** `version: 1` written above the first key of a workflow written as a block mapping (its comments above it kept). */
function versionFix(parsed: ParsedDocument): NonNullable<Finding['fixes']>[number] | undefined {
  const root = parsed.doc.contents;
  const first = isMap(root) && !root.flow ? root.items[0]?.key : undefined;
  const start = isNode(first) ? first.range?.[0] : undefined;
  if (start === undefined || (start > 0 && parsed.text[start - 1] !== '\n')) return undefined;
  const newline = parsed.text.includes('\r\n') ? '\r\n' : '\n';
  return { title: "Add 'version: 1'", edits: [{ span: { start, end: start }, newText: `version: 1${newline}` }] };
}

/** What each keyword's error says. */
const EXPLAIN: Record<string, (s: ErrorSite) => Finding> = {
  additionalProperties: unknownProperty,
  required: (s) => {
    const fix = s.path.length === 0 && s.e.params.missingProperty === 'version' ? versionFix(s.parsed) : undefined;
    return {
      span: objectSpan(s.parsed, s.path),
      message: `${label(s.path)} is missing the required property '${String(s.e.params.missingProperty)}'`,
      ...(fix ? { fixes: [fix] } : {}),
    };
  },
  oneOf: nodeKind,
  propertyNames: invalidName,
  type: (s) => at(s, `${label(s.path)} must be ${typeWords(s.e.params.type as string | string[])}, not ${describeValue(s.value)}`),
  enum: (s) => {
    const allowed = (s.e.params.allowedValues as unknown[]).map(String);
    const hint = typeof s.value === 'string' ? didYouMean(s.value, allowed) : '';
    return at(s, `${label(s.path)} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, not ${describeValue(s.value)}${hint}`);
  },
  const: (s) => at(s, `${label(s.path)} must be ${JSON.stringify(s.e.params.allowedValue)}, not ${describeValue(s.value)}`),
  minimum: (s) => at(s, `${label(s.path)} must be at least ${String(s.e.params.limit)}, not ${describeValue(s.value)}`),
  exclusiveMinimum: (s) => at(s, `${label(s.path)} must be at least ${String(s.e.params.limit)}, not ${describeValue(s.value)}`),
  maximum: (s) => at(s, `${label(s.path)} must be at most ${String(s.e.params.limit)}, not ${describeValue(s.value)}`),
  minProperties: (s) => ({
    span: objectSpan(s.parsed, s.path),
    message: s.path[0] === 'nodes' && s.path.length === 1 ? "'nodes' needs at least one node" : `${label(s.path)} must not be empty`,
  }),
  minItems: (s) => at(s, `${label(s.path)} needs at least ${String(s.e.params.limit)} item${s.e.params.limit === 1 ? '' : 's'}`),
  uniqueItems: (s) => ({
    span: locate(s.parsed, [...s.path, s.e.params.i as number]).valueSpan,
    message: `${label(s.path)} lists ${describeValue((s.value as unknown[])[s.e.params.i as number])} twice`,
  }),
  pattern: (s) => at(s, patternMessage(s)),
};

function patternMessage(s: ErrorSite): string {
  const shown = describeValue(s.value);
  if (s.path.includes('needs')) return `${shown} is not a valid node id`;
  if (s.path.at(-2) === 'outputs') return notAName(shown, 'output name');
  if ((s.path[0] === 'nodes' && s.path[2] === 'mutex') || s.path[0] === 'mutex')
    return `${shown} is not a valid mutex name: start with a letter or digit, then use letters, digits, '_', '.' or '-'`;
  if (s.path.at(-1) === 'continueOnError') return `${label(s.path)} must be true, false or an expression such as \${{ matrix.experimental }}, not ${shown}`;
  if (s.path[0] === 'nodes' && s.path[2] === 'matrix') {
    const what =
      s.path.length === 3
        ? 'a mapping of keys to lists'
        : s.path.length === 4 && ['include', 'exclude'].includes(String(s.path[3]))
          ? 'a list of entries'
          : 'a list of values';
    return `${label(s.path)} must be ${what}, or one expression that makes it such as \${{ fromJSON(nodes.plan.outputs.matrix) }}, not ${shown}`;
  }
  return `${label(s.path)} ${shown} does not have the expected form`;
}

/** Checks the parsed document against the JSON schema, with messages that say what is wrong and what would be right. */
export function checkSchema(parsed: ParsedDocument): SpanDiagnostic[] {
  if (validator(parsed.value)) return [];
  const errors = [...(validator.errors ?? [])];
  const { dropped, explained } = sortAlternatives(errors, parsed.value);
  const out: SpanDiagnostic[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // A propertyNames error comes with one for the name itself (ajv gives that one the name as propertyName): the
    // propertyNames error says it.
    if (dropped.has(e) || typeof e.propertyName === 'string') continue;
    const path = pointerToPath(e.instancePath, parsed.value);
    const site: ErrorSite = { parsed, e, path, value: valueAt(parsed.value, path) };
    // An infinite number, or NaN, is checkFiniteNumbers' to report, wherever it is written.
    if (typeof site.value === 'number' && !Number.isFinite(site.value)) continue;
    const alternative = explained.get(e);
    const finding: Finding = alternative
      ? at(site, alternative)
      : isDurationError(e)
        ? { ...at(site, `${describeValue(site.value)} is not a duration: write ${DURATION_HINT}`), code: 'invalid-duration' }
        : (EXPLAIN[e.keyword] ?? ((s: ErrorSite) => at(s, `${label(s.path)} ${e.message ?? 'is not valid'}`)))(site);
    const key = `${finding.span.start}:${finding.span.end}:${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      span: finding.span,
      severity: 'error',
      code: finding.code ?? 'schema',
      message: finding.message,
      ...(finding.fixes ? { fixes: finding.fixes } : {}),
      ...(path.length === 0 && e.keyword === 'required' ? { ofFile: true as const } : {}),
    });
  }
  return out;
}
