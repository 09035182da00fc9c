import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { joinNames, splitNames } from '../../src/webview/state/nameList';

const plain = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,8}$/);
/** An expression a mutex name may hold: commas, spaces and a quoted `}}` included. */
const template = fc
  .constantFrom('inputs.environment', "format('{0}, {1}', inputs.a, inputs.b)", "format('a }} b', matrix.port)", 'matrix.port')
  .map((expr) => `\${{ ${expr} }}`);
const name = fc.array(fc.oneof(plain, template), { minLength: 1, maxLength: 3 }).map((parts) => parts.join(''));

describe('the builder reads a list of names typed in one field', () => {
  it('splits on commas and spaces', () => {
    assert.deepEqual(splitNames('db, port-5432  deploy,,staging '), ['db', 'port-5432', 'deploy', 'staging']);
    assert.deepEqual(splitNames('  '), []);
  });

  it('keeps an expression with commas and spaces in one name', () => {
    assert.deepEqual(splitNames("db, deploy-${{ format('{0}, {1}', inputs.a, inputs.b) }}"), ['db', "deploy-${{ format('{0}, {1}', inputs.a, inputs.b) }}"]);
    assert.deepEqual(splitNames('deploy-${{ inputs.environment }}-eu db'), ['deploy-${{ inputs.environment }}-eu', 'db']);
  });

  it('keeps the rest of the text in a name whose expression is not closed', () => {
    assert.deepEqual(splitNames('db, deploy-${{ inputs.x, y'), ['db', 'deploy-${{ inputs.x, y']);
  });

  it('reads back any names it wrote', () => {
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 5 }), (names) => {
        assert.deepEqual(splitNames(joinNames(names)), names);
      }),
    );
  });
});
