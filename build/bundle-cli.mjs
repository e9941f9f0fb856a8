// Bundles the headless CLI (electron/cli/main.ts) into dist/cli/main.mjs: one ES module with
// every dependency inlined except the native addons, which load their own binaries at run time.
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export async function bundleCli(root = process.cwd()) {
  const outfile = join(root, 'dist', 'cli', 'main.mjs');
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['electron/cli/main.ts'],
    outfile,
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    sourcemap: 'linked',
    minify: true,
    logLevel: 'warning',
    external: ['electron', 'better-sqlite3', 'keytar'],
    // Bundled CommonJS dependencies call require(); an ES module has none of its own.
    banner: {
      js: "import { createRequire as __cliRequire } from 'node:module'; const require = __cliRequire(import.meta.url);",
    },
  });
  // Two commands may start at once in a checkout (tests do): each writes its own copy and renames
  // it into place, so nobody ever imports a half-written bundle. The map goes first.
  mkdirSync(dirname(outfile), { recursive: true });
  const files = [...result.outputFiles].sort((a) => (a.path.endsWith('.map') ? -1 : 1));
  for (const file of files) {
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents);
    renameSync(temp, file.path);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await bundleCli();
  console.log('built dist/cli/main.mjs');
}
