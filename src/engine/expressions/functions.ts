// The functions an expression may call: GitHub's own (from @actions/expressions), the status functions of a node's
// condition, and hashFiles, which reads files as a node starts. Names are case-insensitive, as in GitHub Actions: the
// table is keyed by lower case.
import { wellKnownFunctions } from '@actions/expressions';

export interface FunctionSignature {
  /** The name as documentation writes it. */
  name: string;
  min: number;
  max: number;
  doc: string;
  /** A status function: it reads how the node's upstream went. */
  status?: true;
  /** It reads files: only the values evaluated as a node starts (and the workflow's env) can call it. */
  files?: true;
}

const STATUS: FunctionSignature[] = [
  { name: 'always', min: 0, max: 0, doc: 'always() — true: the node runs whatever happened upstream, even when the run is cancelled.', status: true },
  { name: 'success', min: 0, max: 0, doc: 'success() — true when every needed node completed (the default condition).', status: true },
  { name: 'failure', min: 0, max: 0, doc: 'failure() — true when a node upstream failed.', status: true },
  { name: 'cancelled', min: 0, max: 0, doc: 'cancelled() — true when the run is being cancelled (or timed out).', status: true },
];

const FILES: FunctionSignature[] = [
  {
    name: 'hashFiles',
    min: 1,
    max: 255,
    doc: "hashFiles(pattern, …) — the SHA-256 of the files the patterns match (GitHub's globs, '!' to leave out) below the folder nodes run in by default, or '' when none does; read when the node starts.",
    files: true,
  },
];

const DOCS: Record<string, string> = {
  contains: 'contains(search, item) — whether a string contains a substring, or a list an item (case-insensitive for strings).',
  startswith: 'startsWith(text, prefix) — whether text starts with prefix (case-insensitive).',
  endswith: 'endsWith(text, suffix) — whether text ends with suffix (case-insensitive).',
  format: "format(fmt, …) — replaces {0}, {1}… in fmt with the arguments; '{{' and '}}' stand for braces.",
  join: "join(list, separator) — the list's items as text, with the separator between them (',' by default).",
  tojson: 'toJSON(value) — the value as pretty-printed JSON.',
  fromjson: 'fromJSON(text) — parses JSON text into a value.',
  case: 'case(condition1, value1, …, default) — the value of the first condition that holds, else the default.',
};
const CASED: Record<string, string> = { startswith: 'startsWith', endswith: 'endsWith', tojson: 'toJSON', fromjson: 'fromJSON' };

/** Every function, by lower-case name. */
export const FUNCTION_SIGNATURES: Readonly<Record<string, FunctionSignature>> = Object.fromEntries([
  ...Object.entries(wellKnownFunctions).map(([key, f]): [string, FunctionSignature] => [
    key,
    { name: CASED[key] ?? key, min: f.minArgs, max: f.maxArgs, doc: DOCS[key] ?? f.description ?? f.name },
  ]),
  ...[...STATUS, ...FILES].map((f): [string, FunctionSignature] => [f.name.toLowerCase(), f]),
]);

export const isKnownFunction = (name: string): boolean => Object.hasOwn(FUNCTION_SIGNATURES, name.toLowerCase());

export const isStatusFunction = (name: string): boolean => FUNCTION_SIGNATURES[name.toLowerCase()]?.status === true;

export const isFileFunction = (name: string): boolean => FUNCTION_SIGNATURES[name.toLowerCase()]?.files === true;

/** A function of this project's own, which GitHub's expression library does not know. */
export const isAddedFunction = (name: string): boolean => isStatusFunction(name) || isFileFunction(name);
