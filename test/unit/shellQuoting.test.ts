import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { quotingAt, variableUse } from '../../src/engine/platform/shellQuoting';

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

  it('knows the body of a here-document, expanded or not, and where it ends', () => {
    const at = (script: string) => quotingAt(script, script.indexOf('@'));
    assert.equal(at("cat <<EOF\nit's @\nEOF"), 'heredoc', 'its quotes are text');
    assert.equal(at("cat > f << 'EOF'\nit's @\nEOF"), 'literal');
    assert.equal(at('cat <<"EOF" >f; cat <<-\\END\nx\nEOF\n\t@\n\tEND'), 'literal', 'two on one line, the second with tabs');
    assert.equal(at("cat <<EOF\nit's\nEOF\necho '@"), 'single', 'after its delimiter line, the script again');
    assert.equal(at('cat <<EOF\nEOFX\n EOF\nEOF\necho @'), 'none', 'only a line that is the delimiter ends it');
    assert.equal(at('echo $((1 << 2))\necho "@'), 'double', 'a shift is no here-document');
    assert.equal(at('cat <<< "here string"\necho @'), 'none');
  });

  it('puts a variable where it stood so that the shell reads its value as one word, or says it cannot', () => {
    assert.equal(variableUse('V', 'literal'), undefined);
    const value = "it's $(x) *";
    for (const [before, after] of [
      ['printf %s ', ''],
      ["printf %s 'a", "b'"],
      ['printf %s "a', 'b"'],
      ['cat <<E\na', 'b\nE'],
    ]) {
      const script = `${before}@${after}`;
      const use = variableUse('V', quotingAt(script, before.length)) ?? '';
      const out = spawnSync('sh', ['-c', script.replace('@', use)], { encoding: 'utf8', env: { V: value } });
      assert.equal(out.stdout.trim(), `${before.endsWith('a') ? 'a' : ''}${value}${after.startsWith('b') ? 'b' : ''}`, script);
    }
  });
});
