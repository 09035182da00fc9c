// Where validation time goes, stage by stage (a diagnostic aid for the validator benchmark).
import { parseDocument, Parser, Composer, LineCounter } from 'yaml';
import { parseWorkflowText } from '../../src/engine/validation/document';
import { checkSchema } from '../../src/engine/validation/schemaCheck';
import { checkSemantics } from '../../src/engine/validation/semantics';
import { buildWorkflow } from '../../src/engine/model';
import { LineIndex } from '../../src/engine/lineIndex';
import { validationWorkflow } from './generate';
import { median, ms } from './stats';

const base = validationWorkflow();
const stages: Record<string, number[]> = {};
const time = (name: string, f: () => unknown) => {
  const t = performance.now();
  const r = f();
  (stages[name] ??= []).push(performance.now() - t);
  return r;
};
for (let round = 0; round < 40; round++) {
  const text = `${base}# ${round}\n`;
  time('cst: Parser tokens only', () => {
    for (const _ of new Parser().parse(text)) {
      /* drain */
    }
  });
  time('parseDocument', () => parseDocument(text));
  time('parseDocument (lineCounter)', () => parseDocument(text, { lineCounter: new LineCounter() }));
  const doc = parseDocument(text);
  time('toJS', () => doc.toJS());
  time('LineIndex', () => new LineIndex(text));
  const parsed = time('parseWorkflowText total', () => parseWorkflowText(text)) as ReturnType<typeof parseWorkflowText>;
  const wf = time('buildWorkflow', () => buildWorkflow(parsed.value)) as ReturnType<typeof buildWorkflow>;
  time('checkSchema', () => checkSchema(parsed));
  time('checkSemantics', () => checkSemantics(parsed, wf));
  void Composer;
}
for (const [k, v] of Object.entries(stages)) console.log(k.padEnd(32), ms(median(v.slice(5))));
