// What validation says about `cache`.
import { strict as assert } from 'node:assert';
import { diagnose, yaml } from './helpers';

/** Lines count from 1; the nodes start on line 4. */
const problems = (...nodeLines: string[]) => diagnose(yaml('version: 1', 'name: C', 'nodes:', ...nodeLines));

describe('validation: cache', () => {
  it('takes true, false, files and a ttl on a run node', () => {
    assert.deepEqual(
      problems('  a: { run: x, cache: true }', '  b: { run: x, cache: false }', '  c: { run: x, cache: { files: [src/**, package.json], ttl: 7d } }'),
      [],
    );
  });

  it('refuses it on an approval gate and a sub-workflow node, saying why', () => {
    const found = problems('  gate: { approval: {}, cache: true }', '  sub: { workflow: other.workflow.yaml, cache: { ttl: 1h } }');
    assert.deepEqual(
      found.map((p) => [p.line, p.code, p.text]),
      [
        [4, 'ignored-setting', 'cache'],
        [5, 'ignored-setting', 'cache'],
      ],
    );
    assert.match(found[0].message, /'gate' is an approval gate: only nodes that run a script keep a result to reuse/);
    assert.match(found[1].message, /'sub' is a sub-workflow node \(cache the nodes of its file instead\)/);
  });

  it('refuses a ttl of 0, a file outside the node’s folder, and what the schema does not know', () => {
    assert.deepEqual(
      problems('  a:', '    run: x', '    cache:', '      files: [../shared/lib, /etc/passwd]', '      ttl: 0s').map((p) => [p.line, p.code, p.text]),
      [
        [7, 'invalid-cache', '../shared/lib'],
        [7, 'invalid-cache', '/etc/passwd'],
        [8, 'invalid-duration', '0s'],
      ],
    );
    const schema = problems('  a: { run: x, cache: { key: x } }', '  b: { run: x, cache: yes please }');
    assert.equal(schema.length, 2);
    assert.ok(schema.every((p) => p.code === 'schema'));
  });

  it('warns of a node that reads run.id, whose result would never be reused', () => {
    const found = problems('  a: { run: "echo ${{ run.id }}", cache: true }', '  b: { run: x, env: { R: "${{ run.id }}" }, cache: true }');
    assert.deepEqual(
      found.map((p) => [p.line, p.severity, p.code]),
      [
        [4, 'warning', 'invalid-cache'],
        [5, 'warning', 'invalid-cache'],
      ],
    );
    assert.match(found[0].message, /reads run.id, which differs in every run/);
  });

  it('warns of a node whose script reads $MAESTRO_RUN_ID: a result of another run would be reused', () => {
    const found = problems(
      '  a: { run: \'echo "$MAESTRO_RUN_ID"\', cache: true }',
      "  b: { run: 'echo ${MAESTRO_RUN_ID}', cache: true }",
      '  c: { run: echo "$MAESTRO_RUN_IDS", cache: true }',
    );
    assert.deepEqual(
      found.map((p) => [p.line, p.severity, p.code]),
      [
        [4, 'warning', 'invalid-cache'],
        [5, 'warning', 'invalid-cache'],
      ],
    );
    assert.match(found[0].message, /reads \$MAESTRO_RUN_ID, which is not part of what its result is kept by/);
  });
});
