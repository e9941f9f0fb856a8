import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, vi } from 'vitest';
import type { Message } from '../../../shared/campaign';
import { createMemoryLogger } from '../../../electron/logging/logger';
import { MemorySecretStore } from '../../../electron/secrets/memory-store';
import type { Power } from '../../../electron/power';
import { createServices, type ServiceOptions, type Services } from '../../../electron/services';
import type { EngineOptions } from '../../../electron/send/index';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../electron/sandbox';

/** The env overrides that point the credentials at a sandbox (what the CLI uses). */
export function sandboxEnv(sandbox: Sandbox): NodeJS.ProcessEnv {
  return {
    OMNIGAGE_API_URL: sandbox.baseUrl,
    OMNIGAGE_API_KEY: sandbox.credentials.tokenKey,
    OMNIGAGE_API_SECRET: sandbox.credentials.tokenSecret,
    OMNIGAGE_ACCOUNT_KEY: sandbox.credentials.accountKey,
  };
}

/** Engine settings for tests: no real waiting, short timeouts. */
export const FAST: Partial<EngineOptions> = {
  settleMs: 0,
  timeoutMs: 2000,
  retry: { baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 60_000 },
  timing: { sleep: async () => {}, random: () => 0.5 },
};

export interface SendFixture {
  dir: string;
  sandbox: Sandbox;
  services: Services;
  log: ReturnType<typeof createMemoryLogger>;
  /** Creates a campaign with content and a recipient list of `count` numbers (+1555555xxxx style, unique). */
  campaign(options?: {
    count?: number;
    human?: Message;
    machine?: Message | null;
    callerId?: string;
    extraRows?: string[];
  }): string;
  phones(count: number): string[];
  /** Keeps bytes as the app keeps a recording (in its audio folder, named by hash); returns the stored path. */
  recording(bytes: Uint8Array, ext: 'wav' | 'mp3'): string;
}

export function phoneFor(i: number): string {
  // 202-555-01xx style numbers are fiction; spread across several exchanges for variety.
  const area = ['202', '212', '303', '415', '617'][i % 5];
  return `+1${area}${String(2000000 + i).padStart(7, '0')}`;
}

/** A sandbox and real services (temp SQLite, in-memory keychain, env credentials) per test. */
export async function sendFixture(
  options: {
    sandbox?: SandboxOptions;
    engine?: Partial<EngineOptions>;
    results?: ServiceOptions['results'];
    /** The services' clock (default the real one). */
    clock?: () => Date;
    power?: Power;
    /** Who presses Send (default: this computer's user and name). */
    who?: ServiceOptions['who'];
    /** The worker for imports and long jobs, as the app has (default: none, all on this thread). */
    importWorker?: ServiceOptions['importWorker'];
  } = {},
): Promise<SendFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'omnigage-send-'));
  const sandbox = await startSandbox({ seed: 'send', ...options.sandbox });
  const log = createMemoryLogger();
  const services = createServices({
    dataDir: join(dir, 'data'),
    log,
    secrets: new MemorySecretStore(),
    env: sandboxEnv(sandbox),
    send: { ...FAST, ...options.engine },
    results: options.results,
    clock: options.clock,
    power: options.power,
    who: options.who,
    importWorker: options.importWorker,
  });
  afterEach(async () => {
    await services.send.stopOutbox();
    services.close();
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const phones = (count: number) => Array.from({ length: count }, (_, i) => phoneFor(i));
  let n = 0;
  return {
    dir,
    sandbox,
    services,
    log,
    phones,
    recording(bytes, ext) {
      const folder = join(dir, 'data', 'audio');
      mkdirSync(folder, { recursive: true });
      const path = join(folder, `${createHash('sha256').update(bytes).digest('hex')}.${ext}`);
      writeFileSync(path, bytes);
      return path;
    },
    campaign({ count = 5, human, machine = null, callerId, extraRows = [] } = {}) {
      const c = services.campaigns.create(`Weekly specials ${++n}`);
      services.campaigns.update(c.id, {
        callerId: callerId ?? sandbox.callerId.id,
        human: human ?? {
          kind: 'text',
          body: 'Hello {{first-name}}, our rates are up.',
          voice: 'Polly-Joanna',
        },
        machine,
      });
      const file = join(dir, `list-${n}.csv`);
      const lines = ['Phone,First Name,City'];
      phones(count).forEach((p, i) => lines.push(`${p},Name${i},Town${i % 7}`));
      lines.push(...extraRows);
      writeFileSync(file, `${lines.join('\n')}\n`);
      services.recipients.import({ campaignId: c.id, filePath: file });
      return c.id;
    },
  };
}

/** Exactly-once: one envelope per valid recipient in one engagement, one schedule, nothing else scheduled. */
export function expectExactlyOnce(
  sandbox: Sandbox,
  engagementId: string | null,
  phones: readonly string[],
): void {
  expect(engagementId).toBeTruthy();
  const envelopes = sandbox.state.envelopesOf(engagementId!);
  const numbers = envelopes.map((e) => String(e.attributes['phone-number']));
  expect(numbers.length).toBe(phones.length);
  expect(new Set(numbers).size).toBe(numbers.length);
  expect([...numbers].sort()).toEqual([...phones].sort());
  expect(sandbox.state.schedulePatchCount(engagementId!)).toBe(1);
  // No other engagement got envelopes or a schedule.
  expect(sandbox.state.envelopes.length).toBe(phones.length);
  expect(sandbox.state.schedulePatchCount()).toBe(1);
}

/**
 * Every POST of envelopes answers `ms` late from now on: the send is slow enough for a test
 * to pause, cancel or look at it between batches.
 */
export function slowEnvelopes(sandbox: Sandbox, ms = 20): void {
  sandbox.faults.add({
    method: 'POST',
    path: 'envelopes',
    action: { type: 'delay', ms },
    times: Infinity,
  });
}

/** Waits until `what` holds (vitest's own waiting, checked every 5 ms), or fails after `ms`. */
export async function until(what: () => boolean, ms = 10_000): Promise<void> {
  await vi.waitFor(
    () => {
      if (!what()) throw new Error(`timed out after ${ms} ms waiting for ${what.toString()}`);
    },
    { timeout: ms, interval: 5 },
  );
}
