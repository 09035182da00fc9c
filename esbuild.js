// Bundles every entry point: node/cjs for the extension host, the engine child process and the CLI;
// browser/iife for the webview. Type checking is separate (`npm run typecheck`).
const esbuild = require('esbuild');
const { existsSync } = require('node:fs');
const { version } = require('./package.json');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'info',
  define: { MAESTRO_VERSION: JSON.stringify(version) },
};

const targets = [
  { entryPoints: { extension: 'src/extension/extension.ts' }, platform: 'node', format: 'cjs', target: 'node18', external: ['vscode'] },
  { entryPoints: { engine: 'src/engine/child/main.ts' }, platform: 'node', format: 'cjs', target: 'node18' },
  { entryPoints: { cli: 'src/cli/main.ts' }, platform: 'node', format: 'cjs', target: 'node18', banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: { webview: 'src/webview/main.tsx' }, platform: 'browser', format: 'iife', target: 'es2022', loader: { '.ttf': 'file' } },
].filter((t) => existsSync(Object.values(t.entryPoints)[0]));

async function main() {
  const contexts = await Promise.all(targets.map((t) => esbuild.context({ ...common, ...t, outdir: 'dist' })));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
