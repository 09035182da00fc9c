// A shell function that writes the output named by its argument (`set_output() { echo "$1=$2" >> …; }`): the names
// its calls give it are outputs the script writes.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { scriptOutputEdits } from '../../src/engine/edits/scriptOutputs';
import { applyEdits } from '../../src/engine/edits/actions';
import { outputWrites } from '../../src/engine/outputMentions';
import { setterWrites } from '../../src/engine/shellSetters';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { placedNames, yaml } from './helpers';

const namesOf = (script: string): string[] => placedNames(script, setterWrites(script));

describe("outputs written through a shell script's own function", () => {
  it('reads the name each call gives a function that writes its argument as a name, and no other', () => {
    const script = [
      '#!/bin/bash',
      'set_output() { echo "$1=$2" >> "$MAESTRO_OUTPUT"; }',
      'function multi {',
      '  printf \'%s<<EOF\\n%s\\nEOF\\n\' "$1" "$2" >> "$MAESTRO_OUTPUT"',
      '}',
      'log() { echo "$1=$2"; }',
      'put ()',
      '{',
      '  local v="$2"',
      '  echo "${2}=$1" >> "$MAESTRO_OUTPUT"',
      '}',
      'set_output version "$v"',
      "if true; then set_output 'tag' v1; fi",
      'set_output "$var" x; set_output "digest" y && multi notes "$(git log)"',
      'log logged 1',
      'put value second',
      'set_output "a b" x',
      'echo set_output quoted',
    ].join('\n');
    assert.deepEqual(namesOf(script), ['version', 'tag', 'digest', 'notes', 'second']);
  });

  it("finds them in a node's own run too, and renames them there and in a script file", () => {
    const parsed = validateWorkflow(
      yaml(
        'version: 1',
        'name: T',
        'nodes:',
        '  a:',
        '    run: |',
        '      out() { echo "$1=$2" >> "$MAESTRO_OUTPUT"; }',
        '      out version 1.2.3',
        '      out "sha" "$(git rev-parse HEAD)"',
      ),
    ).parsed;
    assert.deepEqual(
      outputWrites(parsed, 'a').map((w) => [w.output, parsed.text.slice(w.span.start, w.span.end)]),
      [
        ['version', 'version'],
        ['sha', 'sha'],
      ],
    );
    const script = 'out() { echo "$1=$2" >> "$MAESTRO_OUTPUT"; }\nout version 1\nout sha 2\necho version\n';
    const renamed = scriptOutputEdits('release.sh', script, 'version', 'release');
    assert.ok('edits' in renamed);
    assert.equal(applyEdits(script, renamed.edits), script.replace('out version', 'out release'));
    assert.deepEqual(scriptOutputEdits('release.sh', script, 'version', 'SHA'), { error: "it writes an output 'SHA' already" });
  });

  it('reads any text without throwing, every name where it says, and fifty thousand nested definitions in one pass', () => {
    const pieces = fc.constantFrom('f() {', 'function g {', ' echo "$1=', '$2"', ' >> "$MAESTRO_OUTPUT"', ';', '}', '\n', 'f ', 'g ', 'a', "'b'", '"', ' ');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 40 }), (parts) => void namesOf(parts.join(''))),
      { numRuns: 2000 },
    );
    const nested = 'f() {\n'.repeat(50_000) + 'echo "$1=x" >> "$MAESTRO_OUTPUT"; }\nf version\n';
    assert.deepEqual(namesOf(nested), ['version']);
  });
});
