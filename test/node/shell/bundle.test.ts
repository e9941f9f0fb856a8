import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { mainBundle } from '../../../build/bundle-electron.mjs';

describe('the main-process bundle', () => {
  it('carries the sandbox (for rehearsals in the installed app) and no test code', async () => {
    const result = await build({
      ...(mainBundle as object),
      write: false,
      metafile: true,
      sourcemap: false,
      minify: false,
      outfile: 'main.cjs',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain('electron/rehearsal.ts');
    expect(inputs).toContain('electron/sandbox/server.ts');
    expect(inputs).toContain('electron/sandbox/dialer.ts');
    expect(
      inputs.filter((path) => /^test\/|node_modules\/(vitest|@vitest|playwright)/.test(path)),
    ).toEqual([]);
  });
});
