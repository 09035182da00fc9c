/** Where the compiled validator is written. */
export const OUTPUT: string;
/** The standalone validator code for a schema's text. */
export function compileSchema(schemaText: string): string;
