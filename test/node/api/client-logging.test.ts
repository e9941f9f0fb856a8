import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../electron/logging/logger';
import { clientFor, sandboxForTest } from './helpers';

describe('what the client logs', () => {
  it('logs each request and each retry without credentials', async () => {
    const sandbox = await sandboxForTest();
    const log = createMemoryLogger();
    const api = clientFor(sandbox, { log, retry: { baseDelayMs: 1 } });
    sandbox.faults.next('GET', 'caller-ids', { type: 'status', status: 503 });
    await api.callerIds.list();
    await api.engagements.get('missing').catch(() => undefined);

    const messages = log.records.map(
      (r) => `${r.message} ${r.method} ${r.path} ${r.status ?? r.kind ?? ''}`,
    );
    expect(messages).toContain(
      'omnigage request GET /api/v1/caller-ids?page%5Boffset%5D=0&page%5Blimit%5D=100&filter%5Bstatus%5D=success&sort=-created-at 503',
    );
    expect(
      messages.some((m) => m.startsWith('omnigage request retried GET /api/v1/caller-ids')),
    ).toBe(true);
    expect(messages).toContain('omnigage request GET /api/v1/engagements/missing 404');

    const text = JSON.stringify(log.records);
    const { tokenKey, tokenSecret } = sandbox.credentials;
    expect(text).not.toContain(tokenSecret);
    expect(text).not.toContain(Buffer.from(`${tokenKey}:${tokenSecret}`).toString('base64'));
  });
});
