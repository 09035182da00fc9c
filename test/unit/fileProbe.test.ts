import { strict as assert } from 'node:assert';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileProbe } from '../../src/engine/run/io/fileProbe';

describe('the file probe of the simple-command rule', function () {
  if (process.platform === 'win32') return;
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'maestro-probe-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a program is what may be executed and starts as one; every change to the file is seen at once', () => {
    const tool = join(dir, 'tool');
    writeFileSync(tool, '#!/bin/sh\necho hi\n');
    chmodSync(tool, 0o755);
    assert.equal(fileProbe.isExecutable(tool), true);
    assert.equal(fileProbe.isExecutable(tool), true, 'asked again');
    chmodSync(tool, 0o644);
    assert.equal(fileProbe.isExecutable(tool), false, 'no longer executable');
    chmodSync(tool, 0o755);
    assert.equal(fileProbe.isExecutable(tool), true, 'executable again');
    writeFileSync(tool, 'echo hi, a script without #!\n');
    assert.equal(fileProbe.isExecutable(tool), false, 'bash runs a file without #! as a script of its own');
    writeFileSync(tool, '#!/bin/sh\necho hi again\n');
    assert.equal(fileProbe.isExecutable(tool), true);
    rmSync(tool);
    assert.equal(fileProbe.isExecutable(tool), false, 'gone');
    assert.equal(fileProbe.isExecutable(dir), false, 'a folder');
    assert.equal(fileProbe.isExecutable('/bin/sh'), true, 'a binary');
  });
});
