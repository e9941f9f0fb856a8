import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, runCliProcess } from './helpers';

/**
 * The app and a scheduled CLI run (or two CLI runs) may open a data folder for the first time at
 * the same moment: each finds the schema missing and brings it up to date. One of them must do
 * each step and the other see it done, never apply a migration twice.
 */
describe('two processes opening a new data folder at once', () => {
  const root = mkdtempSync(join(tmpdir(), 'omnigage-first-open-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('both start, and the schema is built once', async () => {
    for (let round = 0; round < 3; round++) {
      const home = join(root, `home-${round}`);
      const runs = await Promise.all(
        Array.from({ length: 4 }, () =>
          runCliProcess(['optouts', 'list', '--json'], cliEnv(null, home)),
        ),
      );
      for (const run of runs) {
        expect(run.stderr).not.toMatch(/could not be updated|database is locked/);
        expect(run.code, run.stderr).toBe(0);
        expect(JSON.parse(run.stdout)).toEqual({ numbers: [] });
      }
    }
  });
});
