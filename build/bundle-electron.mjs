// Bundles the main process and the preload into dist/electron as CommonJS. The preload must be
// ONE file: a sandboxed preload can require only 'electron', so everything else is inlined.
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

await Promise.all([
  build({
    ...common,
    entryPoints: ['electron/main.ts'],
    outfile: 'dist/electron/main.cjs',
    // Native addons load their own .node files at run time; they stay in node_modules.
    external: ['electron', 'better-sqlite3', 'keytar'],
  }),
  build({
    ...common,
    entryPoints: ['electron/preload.ts'],
    outfile: 'dist/electron/preload.cjs',
    platform: 'browser',
    mainFields: ['module', 'main'],
  }),
]);
console.log('built dist/electron/main.cjs and dist/electron/preload.cjs');
