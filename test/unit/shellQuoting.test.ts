import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { quotingAt, variableUse } from '../../src/engine/platform/shells';

describe("a script's quoting at a place", () => {
  it('follows quotes, escapes and comments', () => {
    const at = (script: string) => quotingAt(script, script.indexOf('@'));
    assert.equal(at('echo @'), 'none');
    assert.equal(at("echo 'a @"), 'single');
    assert.equal(at('echo "it\'s @'), 'double');
    assert.equal(at("echo \\'@"), 'none');
    assert.equal(at("# don't\necho @"), 'none', "a comment's apostrophe opens nothing");
    assert.equal(at("echo a#b'@"), 'single', 'a # inside a word is no comment');
  });

  it('puts a variable where it stood so that the shell reads its value as one word', () => {
    const value = "it's $(x) *";
    for (const [before, after] of [
      ['printf %s ', ''],
      ["printf %s 'a", "b'"],
      ['printf %s "a', 'b"'],
    ]) {
      const script = `${before}@${after}`;
      const use = variableUse('V', quotingAt(script, before.length));
      const out = spawnSync('sh', ['-c', script.replace('@', use)], { encoding: 'utf8', env: { V: value } });
      assert.equal(out.stdout, `${before.endsWith('a') ? 'a' : ''}${value}${after.startsWith('b') ? 'b' : ''}`, script);
    }
  });
});
