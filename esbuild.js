// Bundles every entry point: node/cjs for the extension host, the engine child process, its spawn helper, the
// validation worker and the CLI; browser/iife for the webview (with its layout worker inlined as text). Type checking
// is separate (`npm run lint`).
const esbuild = require('esbuild');
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

const browser = {
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  define: { ...common.define, 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
};

/**
 * `import source from 'maestro:layout-worker'` gives the layout worker's bundle as a string: webviews cannot start
 * a worker from a file of theirs, only from a blob. The worker is rebuilt with the panel, and watched with it.
 */
const layoutWorkerPlugin = {
  name: 'layout-worker',
  setup(build) {
    build.onResolve({ filter: /^maestro:layout-worker$/ }, () => ({ path: 'layout-worker', namespace: 'maestro' }));
    build.onLoad({ filter: /.*/, namespace: 'maestro' }, async () => {
      const result = await esbuild.build({
        ...common,
        ...browser,
        entryPoints: ['src/webview/layout/layoutWorker.ts'],
        sourcemap: production ? false : 'inline',
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
      return {
        contents: `export default ${JSON.stringify(result.outputFiles[0].text)};`,
        loader: 'js',
        watchFiles: Object.keys(result.metafile.inputs),
      };
    });
  },
};

/** The CLI is the package's `bin`: it must stay executable however often it is rebuilt. */
const executablePlugin = {
  name: 'executable',
  setup(build) {
    build.onEnd((result) => {
      if (result.errors.length === 0) require('fs').chmodSync('dist/cli.js', 0o755);
    });
  },
};

const targets = [
  { entryPoints: { extension: 'src/extension/extension.ts' }, platform: 'node', format: 'cjs', target: 'node18', external: ['vscode'] },
  // Import and export (GitHub's workflow parser and its schema) load when first used, not with the extension.
  { entryPoints: { formats: 'src/engine/formats/index.ts' }, platform: 'node', format: 'cjs', target: 'node18' },
  // A window attached to a served engine loads its WebSocket client when it first attaches.
  { entryPoints: { servedEngine: 'src/extension/runs/servedEngine.ts' }, platform: 'node', format: 'cjs', target: 'node18' },
  { entryPoints: { engine: 'src/engine/child/main.ts' }, platform: 'node', format: 'cjs', target: 'node18' },
  { entryPoints: { spawnHelper: 'src/engine/run/io/spawnHelper/main.ts' }, platform: 'node', format: 'cjs', target: 'node18' },
  { entryPoints: { hashFiles: 'src/engine/run/io/hashFilesMain.ts' }, platform: 'node', format: 'cjs', target: 'node18' },
  { entryPoints: { validationWorker: 'src/engine/validation/worker/main.ts' }, platform: 'node', format: 'cjs', target: 'node18' },
  {
    entryPoints: { cli: 'src/cli/main.ts' },
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [executablePlugin],
  },
  // `maestro-dag serve` loads the server (fastify and its plugins) from its own bundle.
  { entryPoints: { server: 'src/server/serve.ts' }, platform: 'node', format: 'cjs', target: 'node18' },
  { entryPoints: { insights: 'src/webview/insights/main.tsx' }, ...browser },
  { entryPoints: { webview: 'src/webview/main.tsx' }, ...browser, loader: { '.ttf': 'file' }, assetNames: '[name]', plugins: [layoutWorkerPlugin] },
];

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
