import type { ValidateFunction } from 'ajv';

/** The workflow schema's validator, compiled ahead of time by scripts/compile-schema.mjs. */
declare const validate: ValidateFunction;
export default validate;
