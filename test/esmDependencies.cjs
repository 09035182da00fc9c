// Dependencies published as ECMAScript modules only (their package exports nothing to `require`), bundled once into
// CommonJS for the tests, which run as CommonJS through tsx. The product's bundles get them from esbuild directly.
const { buildSync } = require('esbuild');
const { existsSync, statSync } = require('node:fs');
const Module = require('node:module');
const { join } = require('node:path');

const ESM_ONLY = ['@actions/expressions', '@actions/workflow-parser'];
const root = join(__dirname, '..');
const cache = join(root, 'node_modules', '.cache', 'maestro-tests');
const bundles = new Map();

for (const name of ESM_ONLY) {
  const manifest = join(root, 'node_modules', name, 'package.json');
  const out = join(cache, `${name.replace('/', '+')}.cjs`);
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(manifest).mtimeMs) {
    buildSync({
      stdin: { contents: `export * from '${name}';`, resolveDir: root },
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      outfile: out,
      logLevel: 'error',
    });
  }
  bundles.set(name, out);
}

const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return bundles.get(request) ?? resolve.call(this, request, ...rest);
};
