import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importWorkflow } from '../../../src/engine/formats';
import { validateWorkflow } from '../../../src/engine/validation/validate';
import { yaml } from '../helpers';
import { inFolder, runWorkflowText } from './importedRuns';

const SOURCE = yaml(
  'on: push',
  'jobs:',
  '  build:',
  '    runs-on: x',
  '    steps:',
  '      - run: mkdir -p dist && echo built > dist/app.js && echo ok > report.txt',
  '      - uses: actions/upload-artifact@v4',
  '        with: { name: dist, path: dist/ }',
  '      - uses: actions/upload-artifact@v4',
  '        with: { name: report, path: report.txt }',
  '  deploy:',
  '    needs: build',
  '    runs-on: x',
  '    steps:',
  '      - uses: actions/download-artifact@v4',
  '        with: { name: dist, path: dist }',
  '      - uses: actions/download-artifact@v4',
  "        with: { name: dist, path: 'site/my public' }",
  '      - uses: actions/download-artifact@v4',
  '        with: { name: report }',
  '      - uses: actions/download-artifact@v4',
  '        if: failure()',
  '        with: { name: report, path: logs }',
  '      - run: cat "site/my public/app.js" report.txt > deployed.txt; ls logs 2> /dev/null > logs.txt || true',
);

describe('GitHub Actions import: artifacts between jobs', () => {
  it('copies a download to where the job expects it, from where the uploading job left it in the working copy', async () => {
    await inFolder('artifacts', async (dir) => {
      const { text, notImported } = await importWorkflow(SOURCE, 'ci.yml');
      assert.deepEqual(notImported, []);
      const deploy = validateWorkflow(text).workflow.nodes.find((n) => n.id === 'deploy')!;
      assert.match(deploy.run!, /# actions\/download-artifact: 'dist' is at dist, where its job left it in this working copy\n/);
      assert.match(
        deploy.run!,
        /mkdir -p 'site\/my public' && if \[ -d dist \]; then cp -R dist\/\. 'site\/my public'\/; else cp dist 'site\/my public'\/; fi/,
      );
      assert.match(
        deploy.run!,
        /mkdir -p \. && if \[ -d report\.txt \]; then cp -R report\.txt\/\. \.\/; fi/,
        'a file where it is already is not copied onto itself',
      );
      assert.equal((await runWorkflowText(dir, text)).status, 'completed');
      assert.equal(readFileSync(join(dir, 'deployed.txt'), 'utf8'), 'built\nok\n');
      assert.equal(readFileSync(join(dir, 'logs.txt'), 'utf8'), '', 'the download under if: failure() did not run');
    });
  });

  it('notes a download it cannot place: every artifact, one no job uploads, one uploaded twice, a pattern elsewhere', async () => {
    const { text, notImported } = await importWorkflow(
      yaml(
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: x',
        '    steps:',
        '      - uses: actions/upload-artifact@v4',
        '        with: { name: twice, path: out }',
        '      - uses: actions/upload-artifact@v4',
        '        with: { name: globbed, path: "out/*.log" }',
        '      - uses: actions/upload-artifact@v4',
        '        with: { name: both, path: "out/\\nextensions/*/out/\\n!extensions/x" }',
        '  c:',
        '    runs-on: x',
        '    steps:',
        '      - uses: actions/upload-artifact@v4',
        '        with: { name: twice, path: out }',
        '  b:',
        '    needs: [a, c]',
        '    runs-on: x',
        '    steps:',
        '      - uses: actions/download-artifact@v4',
        '      - uses: actions/download-artifact@v4',
        '        with: { name: missing }',
        '      - uses: actions/download-artifact@v4',
        '        with: { name: twice }',
        '      - uses: actions/download-artifact@v4',
        '        with: { name: globbed }',
        '      - uses: actions/download-artifact@v4',
        '        with: { pattern: "log-*", merge-multiple: true }',
        '      - uses: actions/download-artifact@v4',
        '        with: { name: both }',
        '      - run: ls',
      ),
      'ci.yml',
    );
    const expected = [
      [21, 'downloads every artifact of the run, each into a folder of its name: copy the files where this job expects them'],
      [22, "downloads 'missing', which is uploaded by no job of this workflow: copy the files where this job expects them"],
      [24, "downloads 'twice', which is uploaded more than once, or from no path: copy the files where this job expects them"],
      [26, "downloads 'globbed' to ., where its job uploaded it from several paths or a pattern under out: copy the files there"],
      [28, 'downloads with pattern, merge-multiple: copy the files where this job expects them'],
    ];
    assert.deepEqual(
      notImported,
      expected.map(([line, what]) => `step 'actions/download-artifact@v4' (line ${line}) ${what}`),
    );
    assert.match(text, /# actions\/download-artifact: 'both' is at \., where its job left it in this working copy/, 'several paths: their common folder');
  });
});
