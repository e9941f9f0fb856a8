import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createOmnigageClient } from '../../../electron/api/client';
import { launchSandbox, type Launched } from '../../../electron/sandbox/launch';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Reads "  Label:   value" lines back out of what the launcher printed. */
function printed(lines: string[], label: string): string {
  const line = lines.find((l) => l.trimStart().startsWith(`${label}:`));
  if (!line) throw new Error(`no "${label}" line in:\n${lines.join('\n')}`);
  return (
    line
      .slice(line.indexOf(':') + 1)
      .trim()
      .split(/\s+/)[0] ?? ''
  );
}

describe('npm run sandbox', () => {
  let launched: Launched | undefined;
  afterEach(async () => {
    await launched?.sandbox.close();
    launched = undefined;
  });

  it('prints what a person needs, and what it prints works with the client', async () => {
    const lines: string[] = [];
    launched = await launchSandbox({
      argv: ['--port', '0', '--no-dialer', '--quiet'],
      env: {},
      print: (l) => lines.push(l),
    });
    const api = createOmnigageClient({
      baseUrl: printed(lines, 'API address'),
      credentials: {
        tokenKey: printed(lines, 'Token key'),
        tokenSecret: printed(lines, 'Token secret'),
        accountKey: printed(lines, 'Account key'),
      },
    });
    const [callerId] = await api.callerIds.list();
    expect(callerId?.phoneNumber).toBe(printed(lines, 'Caller ID'));
    expect(lines.join('\n')).toContain(callerId!.id);
    expect(lines.join('\n')).toMatch(/nobody will be called/);
  });

  it('--deviate switches on misbehaviour by name; an unknown name is refused with the known ones', async () => {
    const lines: string[] = [];
    launched = await launchSandbox({
      argv: [
        '--port',
        '0',
        '--no-dialer',
        '--quiet',
        '--deviate',
        'ignore-filter,digits-numbers',
        '--deviate=no-total',
      ],
      env: {},
      print: (l) => lines.push(l),
    });
    expect(launched.sandbox.fake.behaviour).toMatchObject({
      ignoreEnvelopeFilter: true,
      echoPhone: 'digits',
      listMeta: false,
    });
    expect(lines.join('\n')).toMatch(
      /Deviating on purpose .*ignore-filter, digits-numbers, no-total/,
    );
    await expect(
      launchSandbox({ argv: ['--port', '0', '--deviate', 'nonsense'], env: {}, print: () => {} }),
    ).rejects.toThrow(/Unknown sandbox deviation "nonsense". Known: ignore-filter/);
  });

  it('takes the port from the environment and falls back to a free one when it is busy', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const busy = (blocker.address() as { port: number }).port;
    try {
      const lines: string[] = [];
      launched = await launchSandbox({
        argv: ['--no-dialer'],
        env: { OMNIGAGE_SANDBOX_PORT: String(busy) },
        print: (l) => lines.push(l),
      });
      expect(launched.fellBack).toBe(true);
      expect(launched.port).not.toBe(busy);
      expect(lines.join('\n')).toContain(`Port ${busy} was busy`);
      await fetch(`${launched.sandbox.baseUrl}caller-ids`);
      expect(lines.some((l) => /GET \/caller-ids → 401/.test(l))).toBe(true);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('refuses a port that is not a number', async () => {
    await expect(launchSandbox({ argv: ['--port=abc'], env: {}, print: () => {} })).rejects.toThrow(
      /Not a port/,
    );
  });

  it('runs as its own process and stops cleanly on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [`${ROOT}node_modules/tsx/dist/cli.mjs`, 'electron/sandbox/cli.ts', '--port', '0', '--quiet'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    try {
      await expect.poll(() => out, { timeout: 15_000, interval: 50 }).toContain('Press Ctrl+C');
      const baseUrl = printed(out.split('\n'), 'API address');
      expect((await fetch(`${baseUrl}caller-ids`)).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
