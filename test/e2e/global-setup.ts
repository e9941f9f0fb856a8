import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Builds the real renderer and the test transport once for the whole e2e run. */
export default async function setup(): Promise<void> {
  await viteBuild({ configFile: `${root}/vite.config.ts`, logLevel: 'warn' });
  await esbuild({
    entryPoints: [`${root}/test/e2e/transport-preload.ts`],
    outfile: `${root}/dist/test-transport/transport.js`,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'warning',
  });
}
