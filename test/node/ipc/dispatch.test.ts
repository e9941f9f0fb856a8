import { describe, expect, it } from 'vitest';
import { createDispatcher, type Handlers } from '../../../electron/ipc/bind';
import { createHandlers } from '../../../electron/ipc/handlers';
import { createMemoryLogger } from '../../../electron/logging/logger';
import { createServices } from '../../../electron/services';
import { CHANNEL_NAMES, contract } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { buildApi } from '../../../shared/api-surface';
import { useTempDir } from '../../helpers/temp';
import { MemorySecretStore } from '../../../electron/secrets/memory-store';

const tempDir = useTempDir();

function realDispatcher() {
  const log = createMemoryLogger();
  const services = createServices({ dataDir: tempDir(), log, secrets: new MemorySecretStore() });
  const events: Array<{ event: string; payload: unknown }> = [];
  const handlers = createHandlers({
    services,
    emit: (event, payload) => events.push({ event, payload }),
    version: '1.2.3',
  });
  return { dispatch: createDispatcher(handlers, log), services, events, log };
}

describe('IPC dispatcher', () => {
  it('has exactly one handler per contract channel', () => {
    const { services } = realDispatcher();
    const handlers = createHandlers({ services, emit: () => {}, version: 'x' });
    expect(Object.keys(handlers).sort()).toEqual([...CHANNEL_NAMES].sort());
    services.close();
  });

  it('answers with data: ok and value', async () => {
    const { dispatch, events, services } = realDispatcher();
    const created = await dispatch('campaigns:create', { name: '  Clinic reminders  ' });
    expect(created).toMatchObject({
      ok: true,
      value: { name: 'Clinic reminders', status: 'draft' },
    });
    expect(events).toEqual([
      {
        event: 'campaigns:changed',
        payload: { ids: [(created as { value: { id: string } }).value.id] },
      },
    ]);
    await expect(dispatch('campaigns:list', undefined)).resolves.toMatchObject({
      ok: true,
      value: [{ name: 'Clinic reminders' }],
    });
    await expect(dispatch('app:status', null)).resolves.toEqual({
      ok: true,
      value: { state: 'ready', dataDir: services.dataDir, version: '1.2.3' },
    });
    services.close();
  });

  it('refuses unknown channels and invalid input before any handler runs', async () => {
    const { dispatch, services } = realDispatcher();
    await expect(dispatch('campaigns:drop-table', {})).resolves.toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'Unknown operation "campaigns:drop-table".' },
    });
    await expect(dispatch('__proto__', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    await expect(dispatch('campaigns:create', { name: '   ' })).resolves.toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'name: Give the campaign a name.' },
    });
    await expect(
      dispatch('campaigns:rename', { id: 'not-a-uuid', name: 'x' }),
    ).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(services.campaigns.list()).toEqual([]);
    services.close();
  });

  it('returns AppErrors as they are and hides the details of unexpected ones', async () => {
    const log = createMemoryLogger();
    const handlers = {
      'campaigns:list': () => {
        throw new AppError('locked', 'Locked for sending.');
      },
      'campaigns:create': () => {
        throw new Error('SQLITE_IOERR at /home/someone/secret/path');
      },
    } as unknown as Handlers;
    const dispatch = createDispatcher(handlers, log);
    await expect(dispatch('campaigns:list', {})).resolves.toEqual({
      ok: false,
      error: { code: 'locked', message: 'Locked for sending.' },
    });
    const failed = await dispatch('campaigns:create', { name: 'x' });
    expect(failed).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(failed)).not.toContain('SQLITE_IOERR');
    expect(
      log.records.some((r) => r.level === 'error' && JSON.stringify(r).includes('SQLITE_IOERR')),
    ).toBe(true);
  });

  it('builds window.api with one function per channel and nothing else', async () => {
    const calls: Array<[string, unknown]> = [];
    const api = buildApi(
      async (channel, input) => {
        calls.push([channel, input]);
        return { ok: true, value: channel };
      },
      () => () => {},
    );
    expect(Object.keys(api).sort()).toEqual([...Object.keys(contract), 'on'].sort());
    await api['campaigns:list']({ search: 'x' });
    expect(calls).toEqual([['campaigns:list', { search: 'x' }]]);
    expect(() => api.on('no-such-event' as never, () => {})).toThrow(/Unknown event/);
    expect(Object.isFrozen(api)).toBe(true);
  });
});
