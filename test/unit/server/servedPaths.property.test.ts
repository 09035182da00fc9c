import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import fc from 'fast-check';
import { localPath, servedPath, servedProblemFile, workspaceRelative } from '../../../src/engine/protocol/paths';
import { parseEngineUrl } from '../../../src/extension/runs/engineConnection';

const WORKSPACE = '/srv/build/ws';
const ROOT = '/home/dev/project';
const segment = fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/).filter((s) => s !== '.' && s !== '..');
const relativePath = fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('/'));

describe('serve: paths between a served workspace and a window', () => {
  it('a file inside the workspace travels as its relative path and lands at the same place in the window', () => {
    fc.assert(
      fc.property(relativePath, (rel) => {
        const served = servedPath(WORKSPACE, join(WORKSPACE, rel));
        assert.equal(served, rel);
        assert.equal(localPath(ROOT, served), join(ROOT, rel));
        assert.equal(workspaceRelative(ROOT, localPath(ROOT, served)), rel);
      }),
    );
  });

  it('a file outside the workspace (a sibling with the same prefix, a parent) is neither shortened nor moved', () => {
    fc.assert(
      fc.property(relativePath, (rel) => {
        for (const outside of [join('/srv/build/ws-old', rel), join('/srv/build', rel), '/srv/build/ws']) {
          if (outside.startsWith(WORKSPACE + '/')) continue;
          assert.equal(servedPath(WORKSPACE, outside), outside);
          assert.equal(localPath(ROOT, outside), outside);
        }
        assert.equal(workspaceRelative(ROOT, join('/home/dev/project-2', rel)), undefined);
        assert.equal(workspaceRelative(ROOT, join(ROOT, '..', rel)), rel.startsWith('project/') ? rel.slice(8) : undefined);
      }),
    );
  });

  it('a problem’s file is named from its workflow’s folder, as nodes name them', () => {
    assert.equal(servedProblemFile(WORKSPACE, `${WORKSPACE}/src/a.ts`, `${WORKSPACE}/flows/ci.workflow.yaml`), '../src/a.ts');
    assert.equal(servedProblemFile(WORKSPACE, 'src/a.ts', `${WORKSPACE}/ci.workflow.yaml`), 'src/a.ts');
    assert.equal(servedProblemFile(WORKSPACE, '/etc/hosts', `${WORKSPACE}/ci.workflow.yaml`), '/etc/hosts');
  });

  it('takes an engine address as http(s)://host:port, and says what is wrong with anything else', () => {
    assert.deepEqual(parseEngineUrl(' http://build:7400/ '), { url: 'http://build:7400' });
    assert.deepEqual(parseEngineUrl('https://maestro.example.com'), { url: 'https://maestro.example.com' });
    assert.match((parseEngineUrl('build:7400') as { error: string }).error, /http:\/\/ or https:\/\//);
    assert.match((parseEngineUrl('not an address') as { error: string }).error, /is not an address/);
    assert.match((parseEngineUrl('http://build:7400/api') as { error: string }).error, /without a path/);
    assert.match((parseEngineUrl('http://ana:secret@build:7400') as { error: string }).error, /user or password/);
    assert.match((parseEngineUrl('ftp://build') as { error: string }).error, /http:\/\//);
  });
});
