import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { startSandbox, type Sandbox } from '../../../electron/sandbox';
import { sandboxEnv } from '../send/helpers';

/**
 * One sandbox and one temporary folder for a CLI test file, started before its tests and
 * removed after them; `seed` names both, so each file's invented ids and files are its own.
 */
export function useCliSandbox(seed: string): { readonly sandbox: Sandbox; readonly dir: string } {
  let sandbox: Sandbox | undefined;
  let dir: string | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed });
    dir = mkdtempSync(join(tmpdir(), `omnigage-${seed}-`));
  });
  afterAll(async () => {
    await sandbox?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get sandbox() {
      if (!sandbox) throw new Error('The CLI sandbox is not started (yet).');
      return sandbox;
    },
    get dir() {
      if (!dir) throw new Error('The CLI test folder is not made (yet).');
      return dir;
    },
  };
}

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** What `npm run cli` runs: the built CLI, rebuilt first when a source file is newer. */
const LAUNCHER = join(ROOT, 'build', 'cli.mjs');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a real child process, started as `npm run cli` starts it. */
export function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [LAUNCHER, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCliProcess(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return spawnCli(args, env).done;
}

/** Env for a CLI run against a sandbox with its own data folder. */
export function cliEnv(
  sandbox: Sandbox | null,
  home: string,
  extra: NodeJS.ProcessEnv = {},
): NodeJS.ProcessEnv {
  return { OMNIGAGE_CAMPAIGNS_HOME: home, ...(sandbox ? sandboxEnv(sandbox) : {}), ...extra };
}

/** Writes a campaign file and its recipient list into `dir`; returns the JSON path. */
export function writeCampaign(
  dir: string,
  options: {
    name?: string;
    callerId: string;
    rows: string[];
    header?: string;
    json?: Record<string, unknown>;
    fileName?: string;
  },
): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'list.csv'),
    `${[options.header ?? 'Phone,First Name,Last Name', ...options.rows].join('\n')}\n`,
  );
  const path = join(dir, options.fileName ?? 'campaign.json');
  writeFileSync(
    path,
    JSON.stringify({
      version: 1,
      name: options.name ?? 'Weekly Specials',
      callerId: options.callerId,
      human: {
        kind: 'text',
        body: 'Hello {{first-name}}, our rates are up.',
        voice: 'Polly-Brian',
      },
      recipients: { file: 'list.csv', defaultCountry: 'US' },
      delivery: { type: 'immediately' },
      ...options.json,
    }),
  );
  return path;
}
