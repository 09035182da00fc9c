import type { YAMLError } from 'yaml';

/** Messages clearer than the parser's own, by yaml error code. */
const YAML_MESSAGES: Record<string, string> = {
  TAB_AS_INDENT: 'tabs are not allowed as indentation in YAML: indent with spaces',
};

/** The parser ran out of stack: collections nested hundreds of levels deep. */
const STACK_EXHAUSTED = /maximum call stack size exceeded/i;
const TOO_DEEP = 'collections are nested too deeply here to be read (hundreds of levels): nest them less';

/** What a YAML parser error says, in one line that starts in lower case, without the place (said apart). */
export function yamlErrorText(e: Pick<YAMLError, 'code' | 'message'>): string {
  const first = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  if (YAML_MESSAGES[e.code]) return YAML_MESSAGES[e.code];
  if (STACK_EXHAUSTED.test(first)) return TOO_DEEP;
  return first.charAt(0).toLowerCase() + first.slice(1);
}
