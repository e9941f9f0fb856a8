import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

const projectRoot = fileURLToPath(new URL('.', import.meta.url));

// One config for the renderer build and for every test project. The renderer is built from
// renderer/ into dist/renderer with relative asset paths, so Electron can load it from a file
// and the browser harness can serve it over http.
export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [svelte({ configFile: false })],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome140',
  },
  test: {
    root: projectRoot,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          root: projectRoot,
          environment: 'node',
          include: ['test/node/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        resolve: { conditions: ['browser'] },
        test: {
          name: 'components',
          root: projectRoot,
          environment: 'jsdom',
          include: ['test/components/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          root: projectRoot,
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          globalSetup: ['test/e2e/global-setup.ts'],
        },
      },
    ],
  },
});
