// hashFiles() against GitHub's own: @actions/glob's hashFiles (the runner's, at the version the runner uses), on
// generated trees of files, folders and links, with generated patterns.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as githubGlob from '@actions/glob';
import fc from 'fast-check';
import { hashFiles } from '../../src/engine/run/io/hashFiles';

const NAMES = ['a', 'b', '.x', 'a.js', 'b.lock', '[a]', 'a b', 'A'];
const PARTS = ['**', '**', '*', '*', '?', 'a', 'b', 'a*', '*.js', '*.lock', '[ab]', '[a]', '\\[a\\]', '.x', 'a b', 'A', '..', '.'];

type Entry = { path: string[]; kind: 'file' | 'folder' | 'link'; target: string };
const entry = fc.record({
  path: fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 4 }),
  kind: fc.constantFrom<Entry['kind']>('file', 'file', 'folder', 'link'),
  target: fc.constantFrom('a', '../a', '.', 'nowhere', 'b.lock'),
});
const pattern = fc
  .tuple(fc.array(fc.constantFrom(...PARTS), { minLength: 1, maxLength: 3 }), fc.constantFrom('', '', '', '!', './', '/', '#'), fc.boolean())
  .map(([parts, lead, folder]) => (lead === '/' ? `${parts.join('/')}/` : `${lead}${parts.join('/')}${folder ? '/' : ''}`));

/** Makes the entries below `ws`; one whose place is taken, or below a file, is left out. */
function make(ws: string, entries: readonly Entry[]): void {
  for (const { path, kind, target } of entries) {
    const full = join(ws, ...path);
    try {
      mkdirSync(join(ws, ...path.slice(0, -1)), { recursive: true });
      if (kind === 'folder') mkdirSync(full);
      else if (kind === 'link') symlinkSync(target, full);
      else writeFileSync(full, path.join('/'), { flag: 'wx' });
    } catch {
      // Taken already, or below a file or a link.
    }
  }
}

/** GitHub's answer, or its error; patterns are relative to the process's folder, and its debug lines are kept quiet. */
async function githubHash(ws: string, patterns: string[], followLinks: boolean): Promise<string> {
  const write = process.stdout.write.bind(process.stdout);
  const folder = process.cwd();
  process.stdout.write = () => true;
  process.chdir(ws);
  try {
    return await githubGlob.hashFiles(patterns.join('\n'), ws, { followSymbolicLinks: followLinks });
  } catch {
    return 'error';
  } finally {
    process.chdir(folder);
    process.stdout.write = write;
  }
}

function ourHash(ws: string, patterns: string[], followLinks: boolean): string {
  try {
    return hashFiles(ws, followLinks ? ['--follow-symbolic-links', ...patterns] : patterns);
  } catch {
    return 'error';
  }
}

describe('hashFiles() against GitHub’s own (properties)', () => {
  it('hashes what GitHub hashes, or fails where it fails, for any tree and patterns', async () => {
    let matched = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(entry, { maxLength: 16 }),
        fc.array(pattern, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (entries, patterns, follow) => {
          const ws = realpathSync(mkdtempSync(join(tmpdir(), 'maestro-hash-property-')));
          try {
            make(ws, entries);
            const theirs = await githubHash(ws, patterns, follow);
            if (theirs !== '' && theirs !== 'error') matched++;
            assert.equal(ourHash(ws, patterns, follow), theirs);
          } finally {
            rmSync(ws, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 300 },
    );
    assert.ok(matched > 30, `the generated patterns matched files in ${matched} of 300 trees`);
  });
});
