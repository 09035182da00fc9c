// Validation speed on a 1,000-node workflow: ours, yaml-language-server's, and the yaml parse alone (the floor).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { getLanguageService } from 'yaml-language-server';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseBlockYaml } from '../../src/engine/validation/blockYaml';
import { revalidate } from '../../src/engine/validation/incremental';
import { forgetParsedExpressions } from '../../src/engine/validation/semantics/expressions';
import { validateWorkflow } from '../../src/engine/validation/validate';
import { validationWorkflow } from './generate';
import { median, ms, ratio } from './stats';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const WARMUP = 5;

/** yaml-language-server, validating with the same schema as ours. */
function ylsService(): ReturnType<typeof getLanguageService> {
  const schemaText = readFileSync(join(__dirname, '..', 'schemas', 'workflow.schema.json'), 'utf8');
  const schemaUri = 'file:///workflow.schema.json';
  const service = getLanguageService({
    schemaRequestService: (uri: string) => (uri === schemaUri ? Promise.resolve(schemaText) : Promise.reject(new Error(`no schema ${uri}`))),
    workspaceContext: { resolveRelativePath: (relativePath: string) => relativePath },
  });
  service.configure({ validate: true, completion: false, hover: false, format: false, schemas: [{ uri: schemaUri, fileMatch: ['*.workflow.yaml'] }] });
  return service;
}

function report(result: Record<'ours' | 'yls' | 'parse' | 'blockParse' | 'edit', number>, lines: number): void {
  console.log(`\nValidation of a 1,000-node workflow (${lines} lines), median of ${ROUNDS} rounds`);
  console.log(`  maestro-dag validator (parse + schema + semantics)  ${ms(result.ours)}`);
  console.log(`  yaml-language-server doValidation, same schema      ${ms(result.yls)}`);
  console.log(`  yaml parseDocument alone (the general parser)       ${ms(result.parse)}`);
  console.log(`  maestro-dag's block YAML parser alone (the subset)  ${ms(result.blockParse)}`);
  console.log(
    `  a one-character edit in a node's run, revalidated   ${ms(result.edit)}   ${ratio(result.edit, result.yls)} yaml-language-server (target ≤ 0.25×)`,
  );
  console.log(`  ours ÷ yaml-language-server = ${ratio(result.ours, result.yls)} (target ≤ 0.75× cold); ours ÷ parse = ${ratio(result.ours, result.parse)}`);
}

async function main(): Promise<void> {
  const base = validationWorkflow();
  const service = ylsService();

  const errors = validateWorkflow(base).diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`the benchmark file is not valid: ${errors[0].message}`);
  const yls = await service.doValidation(TextDocument.create('file:///check.workflow.yaml', 'yaml', 1, base), false);
  if (yls.length) throw new Error(`yaml-language-server reports problems in the benchmark file: ${yls[0].message}`);

  const times = { ours: [] as number[], yls: [] as number[], parse: [] as number[], blockParse: [] as number[], edit: [] as number[] };
  // A one-character edit inside the `run` of the node in the middle of the file, as typing makes it.
  const middle = base.indexOf('    run: ', Math.floor(base.length / 2)) + '    run: "echo'.length;
  let editsAllIncremental = true;
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    // A different comment each round defeats any cache keyed on the text.
    const text = `${base}# round ${round}\n`;
    const doc = TextDocument.create(`file:///bench-${round}.workflow.yaml`, 'yaml', round + 1, text);
    // Cold: no expression of the file parsed before (an edit after it finds them parsed, as in the editor).
    forgetParsedExpressions();
    let t = performance.now();
    const whole = validateWorkflow(text);
    const ours = performance.now() - t;
    const edited = text.slice(0, middle) + 'x' + text.slice(middle);
    t = performance.now();
    const after = revalidate(whole, edited);
    const edit = performance.now() - t;
    editsAllIncremental &&= after.incremental;
    if (round === 0) {
      const full = validateWorkflow(edited);
      if (JSON.stringify(after.result.diagnostics) !== JSON.stringify(full.diagnostics))
        throw new Error('the edit validated alone differs from a full validation');
    }
    t = performance.now();
    await service.doValidation(doc, false);
    const ylsTime = performance.now() - t;
    t = performance.now();
    parseDocument(text);
    const parse = performance.now() - t;
    t = performance.now();
    if (!parseBlockYaml(text)) throw new Error('the benchmark file is outside the block YAML subset');
    const blockParse = performance.now() - t;
    if (round >= WARMUP) {
      times.ours.push(ours);
      times.yls.push(ylsTime);
      times.parse.push(parse);
      times.blockParse.push(blockParse);
      times.edit.push(edit);
    }
  }
  if (!editsAllIncremental) throw new Error('an edit inside a node was validated whole');
  const result = {
    ours: median(times.ours),
    yls: median(times.yls),
    parse: median(times.parse),
    blockParse: median(times.blockParse),
    edit: median(times.edit),
  };
  report(result, base.split('\n').length);
  process.send?.({ section: 'validator', ...result });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
