// The outputs a Python or JavaScript program writes to `$MAESTRO_OUTPUT`, read from its text, and the language a
// script is in.
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { calledScripts } from '../../src/engine/calledScripts';
import { scriptOutputEdits } from '../../src/engine/edits/scriptOutputs';
import { applyEdits } from '../../src/engine/edits/actions';
import { outputWrites } from '../../src/engine/outputMentions';
import { type ProgramLanguage, programWrites } from '../../src/engine/programWrites';
import { scriptDialect, shellDialect } from '../../src/engine/scriptDialect';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { placedNames, yaml } from './helpers';

const namesOf = (text: string, language: ProgramLanguage): string[] => placedNames(text, programWrites(text, language));

describe('outputs a Python or JavaScript program writes', () => {
  it('reads the name=value and name<< lines of the strings Python writes to a file', () => {
    const program = [
      '#!/usr/bin/env python3',
      'import os, subprocess',
      'v = subprocess.check_output(["git", "describe"]).decode().strip()',
      'with open(os.environ["MAESTRO_OUTPUT"], "a") as f:',
      '    f.write(f"version={v}\\n")',
      '    f.write(f"sha={os.environ[\'SHA\']}\\nshort={v[:7]}\\n")',
      '    print("ok=yes", file=f)',
      '    f.write("""notes<<EOF',
      'line=1',
      'EOF',
      'multi=1',
      '""")',
      '    f.writelines(["b=2\\n", r"c=\\n", \'d-e=1\'])',
      '    f.write("\\n".join([f"joined={v}", "next=1"]))',
      '    f.write("fmt={}\\n".format(v))',
      'Path(os.environ["MAESTRO_OUTPUT"]).write_text(rf"path={v}")',
    ].join('\n');
    assert.deepEqual(namesOf(program, 'python'), ['version', 'sha', 'short', 'ok', 'notes', 'multi', 'b', 'c', 'd-e', 'joined', 'next', 'fmt', 'path']);
  });

  it("leaves out what Python does not write there: comments, stdout, other calls' strings, names made by expressions, a value's lines", () => {
    const program = [
      'import json, os  # f.write("commented=1")',
      'env = {"A=1": 2}',
      'print("stdout=1")',
      'print(f"error={e}", file=sys.stderr)',
      'sys.stderr.write("warning=1\\n")',
      'f.write(json.dumps({"key=v": 1}))',
      'f.write(f"{name}={value}\\n")',
      'f.write(f"{{braces}}=1")',
      'f.write(f"a_{n}=1")',
      'f.write(f"notes<<END\\nvalue=1\\nEND\\n")',
      'f.write("x\\u0041=1")',
      'f.write("  indented=1")',
      'f.write("""first=1',
      '    indented=2',
      '""")',
      'f.write("unclosed=1',
      'f.write("after=1")',
    ].join('\n');
    assert.deepEqual(namesOf(program, 'python'), ['notes', 'first', 'after']);
  });

  it('reads what JavaScript appends or writes, template literals included, and nothing else', () => {
    const program = [
      "const fs = require('node:fs');",
      '// fs.appendFileSync(process.env.MAESTRO_OUTPUT, "commented=1")',
      '/* writeFileSync(out, "block=1") */',
      'const out = process.env.MAESTRO_OUTPUT;',
      'fs.appendFileSync(out, `version=${pkg.version}\\nsha=${`${a}`}\\n`);',
      "fs.appendFileSync(out, 'name=' + JSON.stringify({ 'k=v': 1 }) + '\\n');",
      'console.log("log=1");',
      "process.stderr.write('error=1\\n');",
      'process.stdout . write("shown=1");',
      'const s = fs.createWriteStream(out, { flags: \'a\' }); s.write("streamed=1\\n");',
      'await Deno.writeTextFile(out, `deno=1\\n`, { append: true });',
      'fs.appendFileSync(out, `${key}=1`);',
    ].join('\n');
    assert.deepEqual(namesOf(program, 'javascript'), ['version', 'sha', 'name', 'streamed', 'deno']);
  });

  it('reads the names a program gives a function of its own that writes the name it is given', () => {
    const python = [
      'import os',
      'def set_output(name: str, value: str) -> None:',
      '    with open(os.environ["MAESTRO_OUTPUT"], "a") as fh:',
      '        print(f"{name}={value}", file=fh)',
      'def set_multiline(key, value):',
      '    with open(os.environ["MAESTRO_OUTPUT"], "a") as fh:',
      '        fh.write(f"{key!s}<<EOF\\n{value}\\nEOF\\n")',
      'class Outputs:',
      '    def put(self, out, value):',
      '        self.f.write(f"{out}={value}\\n")',
      'def log(name, value):',
      '    print(f"{name}={value}")',
      'set_output("version", v)',
      'set_output(name="digest", value=d)',
      "set_multiline('notes', text)",
      'Outputs().put("tag", t)',
      'log("logged", 1)',
      'set_output(variable, v)',
      'set_output(f"made_{n}", v)',
      'set_output("not a name", v)',
      'set_output(value="v", name="kw")',
      'def by_format(key, value):',
      '    fh.write("{}={}\\n".format(key, value))',
      'def by_number(value, key):',
      '    fh.write("{1}={0}\\n".format(value, key))',
      'def by_percent(key, value):',
      '    fh.write("%s=%s\\n" % (key, value))',
      'def by_one(key):',
      '    fh.write("%s=1\\n" % key)',
      'def by_lines(a, b):',
      '    fh.write("fixed=1\\n{}=2\\n{}=3\\n".format(a, b))',
      'by_format("formatted", 1); by_number(2, "numbered"); by_percent("percent", 3); by_one("single"); by_lines("second", "third")',
    ].join('\n');
    assert.deepEqual(namesOf(python, 'python'), [
      'version',
      'digest',
      'notes',
      'tag',
      'kw',
      'fixed',
      'formatted',
      'numbered',
      'percent',
      'single',
      'second',
      'third',
    ]);
    // Placeholders are counted in one pass, however many lines the string has.
    const many = 'def f(a):\n    fh.write("' + '%s=\\n'.repeat(50_000) + '" % (a,))\nf("x")\n';
    assert.deepEqual(namesOf(many, 'python'), ['x']);
    const javascript = [
      "setOutput('early', 1);",
      'function setOutput(name, value) {',
      '  fs.appendFileSync(process.env.MAESTRO_OUTPUT, `${name}=${value}\\n`);',
      '}',
      'const put = async (key, value = "") => { await fs.promises.appendFile(out, `${key}=${value}\\n`); };',
      "setOutput('version', v);",
      'put(`sha`, sha);',
      'put("a" + b, 1);',
    ].join('\n');
    assert.deepEqual(namesOf(javascript, 'javascript'), ['early', 'version', 'sha']);
  });

  it('reads any text without throwing, every name where it says', () => {
    const pieces = fc.constantFrom(
      'f.write(',
      'print(',
      ')',
      '(',
      '[',
      ']',
      '{',
      '}',
      '"',
      "'",
      '`',
      '"""',
      'f"',
      'r"',
      '${',
      '\\',
      '\\n',
      '\n',
      '#',
      '//',
      '/*',
      '*/',
      'file=',
      'a=',
      'b<<E',
      'E',
      ' ',
      'x',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 60 }), fc.constantFrom<ProgramLanguage>('python', 'javascript'), (parts, language) => {
        namesOf(parts.join(''), language);
      }),
      { numRuns: 2000 },
    );
    // Nesting no program has neither overflows the stack nor takes quadratic time.
    const deep = 100_000;
    assert.deepEqual(namesOf('f.write(' + '('.repeat(deep) + ']'.repeat(deep) + '"a=1")', 'python'), []);
    assert.deepEqual(namesOf('write(`' + '${`'.repeat(deep) + 'a=1', 'javascript'), []);
    assert.deepEqual(namesOf('f.write([' + '"a=1",'.repeat(deep) + '])', 'python').length, deep);
  });

  it('renames an output where a program writes it, and refuses a name it writes already', () => {
    const program = [
      'import os',
      'with open(os.environ["MAESTRO_OUTPUT"], "a") as f:',
      '    f.write(f"version={v}\\n")',
      '    f.write("tag=v1\\n")',
      'print("version=not-written")',
    ].join('\n');
    const renamed = scriptOutputEdits('tools/version.py', program, 'version', 'release');
    assert.ok('edits' in renamed);
    assert.equal(applyEdits(program, renamed.edits), program.replace('f"version=', 'f"release='));
    assert.deepEqual(scriptOutputEdits('tools/version.py', program, 'version', 'Tag'), { error: "it writes an output 'Tag' already" });
    // The same text as a shell script writes nothing: its language is told by its name.
    assert.deepEqual(scriptOutputEdits('tools/version.sh', program, 'version', 'release'), { edits: [] });
  });

  it('renames any name a program writes, and only its writes, in either language and through a function of its own', () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,8}$/);
    fc.assert(
      fc.property(name, name, fc.constantFrom('python', 'javascript', 'setter'), (from, other, form) => {
        fc.pre(from.toLowerCase() !== other.toLowerCase() && `${from}-x`.toLowerCase() !== other.toLowerCase());
        const programs = {
          python: `import os\nwith open(os.environ["MAESTRO_OUTPUT"], "a") as f:\n    f.write(f"${from}={from}\\n${other}=1\\n")\nprint("${from}=x")\n`,
          javascript: `const fs = require("fs");\nfs.appendFileSync(process.env.MAESTRO_OUTPUT, \`${other}=\${${from}}\\n${from}=1\\n\`);\nconsole.log("${from}=x");\n`,
          setter: `def put(key, value):\n    open(os.environ["MAESTRO_OUTPUT"], "a").write(f"{key}={value}\\n")\nput("${other}", "${from}")\nput("${from}", 1)\nprint("${from}")\n`,
        };
        const program = programs[form];
        const python = form !== 'javascript';
        const renamed = scriptOutputEdits(python ? 'v.py' : 'v.js', program, from, `${from}-x`);
        assert.ok('edits' in renamed);
        assert.equal(renamed.edits.length, 1);
        const after = applyEdits(program, renamed.edits);
        assert.deepEqual(
          programWrites(after, python ? 'python' : 'javascript')
            .map((w) => w.output)
            .sort(),
          [`${from}-x`, other].sort(),
        );
      }),
    );
  });
});

describe('the language of a script', () => {
  it('is told by its #! line, else by its extension, else it is the shell', () => {
    assert.equal(scriptDialect('tools/version', '#!/usr/bin/env python3\nimport os\n'), 'python');
    assert.equal(scriptDialect('tools/version', '#!/usr/bin/python3.12\n'), 'python');
    assert.equal(scriptDialect('tools/version', '#!/usr/bin/env -S node --no-warnings\n'), 'javascript');
    assert.equal(scriptDialect('tools/version', '#! /usr/bin/env PYTHONPATH=lib pypy3\n'), 'python');
    assert.equal(scriptDialect('tools/version.py', '#!/bin/bash\necho\n'), 'shell');
    assert.equal(scriptDialect('tools/version.py', 'import os\n'), 'python');
    assert.equal(scriptDialect('tools/version.MJS', 'import fs from "fs";\n'), 'javascript');
    assert.equal(scriptDialect('tools/version.ts', ''), 'javascript');
    assert.equal(scriptDialect('tools/version', 'echo\n'), 'shell');
    assert.equal(scriptDialect('tools/version.rb', '#!/usr/bin/env ruby\n'), 'shell');
  });

  it("of a node's run is its shell's: Python or JavaScript where it names their interpreter", () => {
    assert.equal(shellDialect(undefined), 'shell');
    assert.equal(shellDialect('bash -x'), 'shell');
    assert.equal(shellDialect('python3 -u'), 'python');
    assert.equal(shellDialect('/usr/bin/node'), 'javascript');
  });

  it("finds the writes of a node whose shell is Python in its own run, by its shell or the workflow's, a line indented as YAML's block only, and not in a quoted run", () => {
    const parsed = validateWorkflow(
      yaml(
        'version: 1',
        'name: T',
        'defaults: { shell: python3 }',
        'nodes:',
        '  plan:',
        '    run: |',
        '      import os',
        '      with open(os.environ["MAESTRO_OUTPUT"], "a") as f:',
        '          f.write("""shards=3',
        '      region=eu',
        '        indented=no',
        '      """)',
        '  shell:',
        '    shell: bash',
        '    run: echo "tag=1" >> "$MAESTRO_OUTPUT"',
        "  quoted: { run: \"open(os.environ['MAESTRO_OUTPUT'], 'a').write('q=1')\" }",
      ),
    ).parsed;
    const names = (id: string) => outputWrites(parsed, id).map((w) => [w.output, parsed.text.slice(w.span.start, w.span.end)]);
    assert.deepEqual(names('plan'), [
      ['shards', 'shards'],
      ['region', 'region'],
    ]);
    assert.deepEqual(names('shell'), [['tag', 'tag']]);
    assert.deepEqual(names('quoted'), []);
  });

  it('places the program an interpreter runs, past its options, and none it is given as code or a module', () => {
    assert.deepEqual(
      calledScripts(
        [
          'python3 tools/version.py',
          'python3 -u v.py --flag',
          '/usr/bin/python3 -W ignore w.py',
          'node --require ./r.js scripts/x.mjs',
          'deno run -A x.ts',
          'python -- y.py',
        ].join('\n'),
      ).map((c) => c.path),
      ['tools/version.py', 'v.py', 'w.py', 'scripts/x.mjs', 'x.ts', 'y.py'],
    );
    assert.deepEqual(calledScripts('python -m pkg.main\npython3 -c "import x"\npython3 -uc x.py\nnode -e "1"\nnode --eval x.js\nnode\npython3 - < x.py'), []);
  });
});
