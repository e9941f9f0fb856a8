import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listPackage } from '@electron/asar';
import { FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
import { beforeAll, describe, expect, it } from 'vitest';

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** The machine's own architecture: electron-builder names the folder after it except for x64. */
const ARCH = process.arch;
const UNPACKED = ARCH === 'x64' ? 'linux-unpacked' : `linux-${ARCH}-unpacked`;

/**
 * A stand-in for Electron's unpacked distribution: the real binary cannot be downloaded here,
 * so the stub carries a fuse wire in Electron's format (all fuses at Electron's defaults) and the
 * test can check that packaging flipped them.
 */
function stubElectronDist(): string {
  const dir = mkdtempSync(join(tmpdir(), 'omnigage-electron-stub-'));
  const defaults = '10110001'; // RunAsNode on, cookie encryption off, NODE_OPTIONS on, inspect on, …
  writeFileSync(
    join(dir, 'electron'),
    Buffer.concat([
      Buffer.from(`#!/bin/sh\n# ${SENTINEL}`),
      Buffer.from([1, defaults.length]),
      Buffer.from(`${defaults}\n`),
    ]),
  );
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'chrome-sandbox'), '');
  writeFileSync(join(dir, 'LICENSE'), 'stub');
  mkdirSync(join(dir, 'resources'));
  return dir;
}

describe('packaging (electron-builder --linux dir, offline, stub Electron)', () => {
  let out: string;
  let result: ReturnType<typeof spawnSync>;

  beforeAll(() => {
    const bundle = spawnSync(process.execPath, ['build/bundle-electron.mjs'], { encoding: 'utf8' });
    expect(bundle.status, bundle.stderr).toBe(0);
    out = mkdtempSync(join(tmpdir(), 'omnigage-dist-'));
    result = spawnSync(
      join('node_modules', '.bin', 'electron-builder'),
      [
        '--linux',
        'dir',
        `--${ARCH}`,
        '--config',
        'build/electron-builder.config.cjs',
        `-c.electronDist=${stubElectronDist()}`,
        '-c.npmRebuild=false',
        `-c.directories.output=${out}`,
      ],
      { encoding: 'utf8', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } },
    );
  });

  it('builds the unpacked app', () => {
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(existsSync(join(out, UNPACKED, 'omnigage-campaigns'))).toBe(true);
  });

  it('puts the bundled app in the asar and unpacks native addons next to it', () => {
    const resources = join(out, UNPACKED, 'resources');
    const files = listPackage(join(resources, 'app.asar'), { isPack: false }).map((f) =>
      f.replaceAll('\\', '/'),
    );
    for (const needed of [
      '/package.json',
      '/dist/electron/main.cjs',
      '/dist/electron/preload.cjs',
      '/dist/renderer/index.html',
    ]) {
      expect(files).toContain(needed);
    }
    expect(files.some((f) => f.endsWith('.map'))).toBe(false);
    expect(
      files.some(
        (f) => f.startsWith('/test/') || f.startsWith('/electron/') || f.startsWith('/renderer/'),
      ),
    ).toBe(false);

    const unpacked = readdirSync(join(resources, 'app.asar.unpacked'), { recursive: true }).map(
      String,
    );
    // better-sqlite3 13 ships one Node-API prebuild per platform.
    expect(
      unpacked.some((f) =>
        f.replaceAll('\\', '/').endsWith(`better-sqlite3/prebuilds/linux-${ARCH}.node`),
      ),
    ).toBe(true);
    expect(unpacked.some((f) => f.endsWith('keytar.node'))).toBe(true);
  });

  it('hardens the Electron fuses after packing', async () => {
    const wire = (await getCurrentFuseWire(join(out, UNPACKED, 'omnigage-campaigns'))) as Record<
      string,
      unknown
    >;
    expect(wire.version).toBe(FuseVersion.V1);
    const state = (fuse: FuseV1Options) => String.fromCharCode(wire[fuse] as number);
    expect(state(FuseV1Options.RunAsNode)).toBe('0');
    expect(state(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe('0');
    expect(state(FuseV1Options.EnableNodeCliInspectArguments)).toBe('0');
    expect(state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe('1');
    expect(state(FuseV1Options.OnlyLoadAppFromAsar)).toBe('1');
    // On by Electron's default (the stub's last fuse): off, since the page comes from app://.
    expect(state(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe('0');
  });
});
