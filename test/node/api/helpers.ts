import { afterEach } from 'vitest';
import {
  createOmnigageClient,
  type OmnigageClient,
  type OmnigageClientOptions,
} from '../../../electron/api/client';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../electron/sandbox';

/** Starts a sandbox for one test and closes it afterwards. */
export async function sandboxForTest(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox(options);
  afterEach(() => sandbox.close());
  return sandbox;
}

/**
 * A client on the sandbox whose backoff sleeps are recorded instead of waited for, so retry
 * tests are fast and can assert the delays chosen.
 */
export function clientFor(
  sandbox: Sandbox,
  overrides: Partial<OmnigageClientOptions> = {},
): OmnigageClient & { sleeps: number[] } {
  const sleeps: number[] = [];
  const client = createOmnigageClient({
    baseUrl: sandbox.baseUrl,
    credentials: sandbox.credentials,
    timeoutMs: 2000,
    ...overrides,
    timing: {
      sleep: async (ms, signal) => {
        sleeps.push(ms);
        if (signal?.aborted) throw signal.reason;
      },
      random: () => 0.5,
      ...overrides.timing,
    },
  });
  return Object.assign(client, { sleeps });
}

/** 8 bytes that are enough to stand for an MP3 in the upload tests. */
export const FAKE_MP3 = new Uint8Array([0x49, 0x44, 0x33, 0x04, 0x00, 0x00, 0x00, 0x00]);
