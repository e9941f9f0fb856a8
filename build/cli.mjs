#!/usr/bin/env node
// `npm run cli`: the CLI as a built command. The bundle (dist/cli/main.mjs, made by
// build/bundle-electron.mjs like the main process) starts in a fraction of the time a run-time
// transpiler needs; in a checkout it is rebuilt first whenever a source file is newer than it,
// so `npm run -s cli --` always runs the code as it is.
import { enableCompileCache } from 'node:module';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'cli', 'main.mjs');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|json)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function bundleTime() {
  try {
    return statSync(bundle).mtimeMs;
  } catch {
    return 0;
  }
}

const sources = Math.max(
  newestSource(join(root, 'electron')),
  newestSource(join(root, 'shared')),
  statSync(join(root, 'package-lock.json')).mtimeMs,
  statSync(join(root, 'build', 'bundle-cli.mjs')).mtimeMs,
);
if (bundleTime() < sources) {
  const { bundleCli } = await import('./bundle-cli.mjs');
  await bundleCli(root);
}
// V8's compiled code for the bundle is kept on disk between runs: compiling a megabyte of
// JavaScript is most of a cold start.
enableCompileCache();
await import(pathToFileURL(bundle).href);
