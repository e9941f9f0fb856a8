// Bundles the main process and the preload into dist/electron as CommonJS. The preload must be
// ONE file: a sandboxed preload can require only 'electron', so everything else is inlined.
// The main bundle carries everything under electron/, the sandbox too: the app runs it for
// "Rehearse without calling anyone" (test/node/shell/bundle.test.ts checks what goes in).
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  sourcemap: 'linked',
  minify: true,
  logLevel: 'warning',
  external: ['electron'],
};

export const mainBundle = {
  ...common,
  entryPoints: ['electron/main.ts'],
  outfile: 'dist/electron/main.cjs',
  // Native addons load their own .node files at run time; they stay in node_modules.
  external: ['electron', 'better-sqlite3', 'keytar'],
};

// The recipient import's worker thread (electron/recipients/import-worker.ts): its own file,
// started by the main process with new Worker(); same externals as main.
export const importWorkerBundle = {
  ...common,
  entryPoints: ['electron/recipients/import-worker.ts'],
  outfile: 'dist/electron/import-worker.cjs',
  external: ['electron', 'better-sqlite3', 'keytar'],
};

export const preloadBundle = {
  ...common,
  entryPoints: ['electron/preload.ts'],
  outfile: 'dist/electron/preload.cjs',
  platform: 'browser',
  mainFields: ['module', 'main'],
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await Promise.all([build(mainBundle), build(importWorkerBundle), build(preloadBundle)]);
  console.log('built dist/electron/main.cjs, import-worker.cjs and preload.cjs');
}
