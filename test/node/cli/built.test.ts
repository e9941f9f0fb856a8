import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, cliEnv, writeCampaign } from './helpers';

/** `npm run cli` runs the built command (build/cli.mjs → dist/cli/main.mjs), not a transpiler. */
const LAUNCHER = join(ROOT, 'build', 'cli.mjs');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'omnigage-cli-built-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the built CLI', () => {
  it('is what `npm run cli` starts, and answers --help with the usage', () => {
    const pkg = spawnSync('npm', ['pkg', 'get', 'scripts.cli'], { cwd: ROOT, encoding: 'utf8' });
    expect(JSON.parse(pkg.stdout)).toBe('node build/cli.mjs');
    const result = spawnSync(process.execPath, [LAUNCHER, '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run -s cli -- /);
  }, 60_000);

  it('ends quietly with its own exit code when the reader closes the pipe early', async () => {
    // 20,000 rows whose numbers are all wrong: the JSON summary is far larger than a pipe's buffer.
    const rows = Array.from({ length: 20_000 }, (_, i) => `not a number ${i},Ann,Lee`);
    const file = writeCampaign(join(dir, 'pipe'), { callerId: 'Lv8UgucPVGWcwZd9Hre9dn', rows });
    const child = spawn(process.execPath, [LAUNCHER, 'validate', file, '--json'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...cliEnv(null, join(dir, 'pipe', 'home')),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let received = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Like `| head -c 100`: take the first bytes, then close our end.
    child.stdout.once('data', (d: Buffer) => {
      received = d.toString().slice(0, 100);
      child.stdout.destroy();
    });
    const code = await new Promise<number | null>((resolve) =>
      child.on('close', (c) => resolve(c)),
    );
    expect(received.startsWith('{"ok":false')).toBe(true);
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
    // Not sendable (every number is wrong): the command's own answer, not a crash's.
    expect(code).toBe(1);
  }, 60_000);
});
