import { strict as assert } from 'node:assert';
import { graphJson, toDot, toMermaid } from '../../../src/engine/formats/graph';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import { yaml } from '../helpers';

const text = yaml(
  'version: 1',
  'name: "SDLC \\"parallel\\""',
  'nodes:',
  '  design: { phase: design, run: x }',
  '  backend: { phase: impl, needs: design, run: x }',
  '  frontend: { phase: impl, needs: design, run: x, name: Front-end }',
  '  test-all: { needs: [backend, frontend], run: x, matrix: { shard: [1, 2, 3] } }',
  '  gate: { needs: test-all, approval: { prompt: ok } }',
);
const { workflow } = validateWorkflow(text);

describe('graph export', () => {
  it('lists nodes and edges from needed to needing', () => {
    const g = graphJson(workflow);
    assert.deepEqual(g.edges, [
      { from: 'design', to: 'backend' },
      { from: 'design', to: 'frontend' },
      { from: 'backend', to: 'test-all' },
      { from: 'frontend', to: 'test-all' },
      { from: 'test-all', to: 'gate' },
    ]);
    assert.deepEqual(g.nodes[3].instances, ['test-all[shard=1]', 'test-all[shard=2]', 'test-all[shard=3]']);
  });

  it('prints Mermaid with safe ids, shapes by kind, and phases as classes', () => {
    const m = toMermaid(workflow);
    assert.match(m, /^flowchart TD\n/);
    assert.match(m, /test_all\["test-all ×3"\]/);
    assert.match(m, /gate\{\{"gate"\}\}/);
    assert.match(m, /backend --> test_all/);
    assert.match(m, /class backend,frontend phase_impl/);
  });

  it('keeps Mermaid ids one to one, away from its keyword end, and shows labels as written', () => {
    const tricky = validateWorkflow(
      yaml(
        'version: 1',
        'name: T',
        'nodes:',
        '  a-b: { phase: p-1, run: x, name: \'<b>bold</b> #1 "q"\' }',
        '  a_b: { phase: p_1, needs: a-b, run: x }',
        '  end: { needs: a_b, run: x, name: "two\\nlines" }',
      ),
    ).workflow;
    const m = toMermaid(tricky);
    assert.match(m, /^ {2}a_b\["#lt;b#gt;bold#lt;\/b#gt; #35;1 #quot;q#quot;"\]$/m);
    assert.match(m, /^ {2}a_b_2\["a_b"\]$/m);
    assert.match(m, /^ {2}end_2\["two<br>lines"\]$/m);
    assert.match(toDot(tricky), /^ {2}"end" \[label="two\\nlines"\];$/m);
    assert.match(m, /^ {2}a_b --> a_b_2\n {2}a_b_2 --> end_2$/m);
    assert.match(m, /class a_b phase_p_1\n.*\n {2}class a_b_2 phase_p_1_2$/m);
  });

  it('prints Graphviz with quoted names', () => {
    const d = toDot(workflow);
    assert.match(d, /^digraph "SDLC \\"parallel\\"" \{/);
    assert.match(d, /"test-all" -> "gate";/);
    assert.match(d, /"gate" \[label="gate", shape=hexagon\]/);
  });
});
