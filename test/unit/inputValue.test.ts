import { strict as assert } from 'node:assert';
import { readInputValue } from '../../src/engine/inputValue';

describe('an input given as text', () => {
  const input = (type: 'string' | 'number' | 'boolean') => ({ name: 'x', type });

  it('reads each type as the workflow declares it', () => {
    assert.deepEqual(readInputValue(input('number'), '3.5'), { value: 3.5 });
    assert.deepEqual(readInputValue(input('number'), ' -2e3 '), { value: -2000 });
    assert.deepEqual(readInputValue(input('boolean'), 'true'), { value: true });
    assert.deepEqual(readInputValue(input('boolean'), 'false'), { value: false });
    assert.deepEqual(readInputValue(input('string'), ''), { value: '' });
    assert.deepEqual(readInputValue(input('string'), '42'), { value: '42' });
  });

  it('says what it expected, naming the input and the text', () => {
    assert.deepEqual(readInputValue(input('number'), 'three'), { error: "input 'x' is a number, not 'three'" });
    assert.deepEqual(readInputValue(input('number'), ' '), { error: "input 'x' is a number, not ' '" });
    assert.deepEqual(readInputValue(input('number'), '1e400'), { error: "input 'x' is a number, not '1e400'" }, 'infinite');
    assert.deepEqual(readInputValue(input('boolean'), 'yes'), { error: "input 'x' is a boolean: give true or false, not 'yes'" });
  });
});
