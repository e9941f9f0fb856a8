import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const probe = join(import.meta.dirname, 'fixtures', 'keychain-probe.ts');

interface ProbeResult {
  status: { available: boolean; reason?: string; message?: string };
  setError: { code?: string; message: string } | null;
}

function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The real keytar addon where no keychain can be used. Each case runs in a child process with
 * its own environment: libsecret keeps its D-Bus connection for the life of a process, so this
 * process (which may sit inside a keyring session) cannot show it.
 */
async function probeIn(
  home: string,
  env: Record<string, string>,
  wrap: string[] = [],
): Promise<ProbeResult> {
  const command = [...wrap, process.execPath, '--import', 'tsx', probe];
  const { stdout } = await run(command[0]!, command.slice(1), {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: home,
      XDG_DATA_HOME: home,
      XDG_CONFIG_HOME: home,
      ...env,
    },
    timeout: 30_000,
  });
  const line = stdout.trim().split('\n').at(-1) ?? '{}';
  return JSON.parse(line) as ProbeResult;
}

const onLinux = process.platform === 'linux';
const canRunBus = onLinux && has('dbus-run-session');
const canRunKeyring = canRunBus && has('gnome-keyring-daemon');
if (!onLinux)
  console.log(
    'keychain-unavailable: skipped: these cases reproduce Linux failures (this is %s)',
    process.platform,
  );
else if (!canRunBus)
  console.log(
    'keychain-unavailable: D-Bus cases skipped: dbus-run-session is not installed (apt install dbus)',
  );
else if (!canRunKeyring)
  console.log(
    'keychain-unavailable: locked-keyring case skipped: gnome-keyring-daemon is not installed',
  );

describe.skipIf(!onLinux)('without a usable Secret Service (real keytar, Linux)', () => {
  let home: string;
  let busConfig: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'omnigage-nokeychain-'));
    // A private session bus that knows no services at all, so nothing gets activated.
    mkdirSync(join(home, 'services'));
    busConfig = join(home, 'bus.conf');
    writeFileSync(
      busConfig,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=${home}</listen>
  <servicedir>${join(home, 'services')}</servicedir>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
`,
    );
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  const expectRefusal = (result: ProbeResult, reason: string, advice: RegExp) => {
    expect(result.status).toMatchObject({ available: false, reason });
    expect(result.status.message).toMatch(advice);
    expect(result.setError).toMatchObject({ code: 'keychain_unavailable' });
    expect(result.setError?.message).toMatch(advice);
  };

  it('no D-Bus session and no display: says what to install', async () => {
    const result = await probeIn(home, {});
    expectRefusal(
      result,
      'not-installed',
      /Install a Secret Service keyring.*gnome-keyring.*libsecret/,
    );
    expect(result.status.message).toContain('Cannot autolaunch D-Bus');
  });

  it('no D-Bus session and an empty DISPLAY (dbus-launch fails): says what to install', async () => {
    const result = await probeIn(home, { DISPLAY: '' });
    expectRefusal(result, 'not-installed', /Install a Secret Service keyring/);
  });

  it('a D-Bus address that leads nowhere: says what to install', async () => {
    const result = await probeIn(home, {
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(home, 'no-bus')}`,
    });
    expectRefusal(result, 'not-installed', /Install a Secret Service keyring/);
  });

  it.skipIf(!canRunBus)(
    'a D-Bus session without any Secret Service: says what to install',
    async () => {
      const result = await probeIn(home, {}, [
        'dbus-run-session',
        `--config-file=${busConfig}`,
        '--',
      ]);
      expectRefusal(result, 'not-installed', /Install a Secret Service keyring/);
      expect(result.status.message).toContain('org.freedesktop.secrets was not provided');
    },
  );

  it.skipIf(!canRunKeyring)(
    'a keyring with no unlocked login collection: says to unlock it',
    async () => {
      const keyringHome = join(home, 'locked');
      mkdirSync(keyringHome);
      const result = await probeIn(keyringHome, {}, [
        'dbus-run-session',
        `--config-file=${busConfig}`,
        '--',
        'sh',
        '-c',
        'eval "$(gnome-keyring-daemon --start --components=secrets </dev/null)"; exec "$@"',
        'sh',
      ]);
      expectRefusal(result, 'locked', /Unlock your login keyring/);
    },
  );

  it('never falls back to a file: nothing under the home folders holds the refused secret', () => {
    const files = readdirSync(home, { recursive: true, withFileTypes: true }).filter((entry) =>
      entry.isFile(),
    );
    expect(files.length).toBeGreaterThan(0); // the bus config at least: the walk does see files
    for (const entry of files) {
      const text = readFileSync(join(entry.parentPath, entry.name)).toString('latin1');
      expect(text, join(entry.parentPath, entry.name)).not.toContain('never-stored-secret');
    }
  });
});
