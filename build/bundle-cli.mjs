// Bundles the headless CLI (electron/cli/main.ts) into dist/cli/main.mjs and its chunks: ES
// modules with every dependency inlined except the native addons, which load their own binaries
// at run time. Split at the dynamic import in main.ts, so `--help` reads only a few kilobytes and
// a command loads the rest.
import { build } from 'esbuild';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export async function bundleCli(root = process.cwd()) {
  const outdir = join(root, 'dist', 'cli');
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: 'electron/cli/main.ts' },
    outdir,
    splitting: true,
    // Chunk names carry their content's hash: a new build never overwrites a chunk a running
    // command may still load, and main.mjs (written last) names the chunks of its own build.
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.mjs' },
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
  // it into place, so nobody ever imports a half-written bundle. Maps and chunks go first and the
  // entry last, since the entry is what says a build is complete.
  const entry = join(outdir, 'main.mjs');
  const rank = (path) => (path.endsWith('.map') ? 0 : path === entry ? 2 : 1);
  const files = [...result.outputFiles].sort((a, b) => rank(a.path) - rank(b.path));
  for (const file of files) {
    mkdirSync(dirname(file.path), { recursive: true });
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents);
    renameSync(temp, file.path);
  }
  // Chunks of earlier builds go once no command can still be loading them (a command loads its
  // chunks in its first second).
  const chunks = join(outdir, 'chunks');
  const current = new Set(files.map((f) => f.path));
  for (const name of readdirSync(chunks)) {
    const path = join(chunks, name);
    if (!current.has(path) && Date.now() - statSync(path).mtimeMs > 60_000)
      rmSync(path, { force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await bundleCli();
  console.log('built dist/cli/main.mjs');
}
