import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../electron/logging/logger';
import { MemorySecretStore } from '../../../electron/secrets/memory-store';
import { createServices } from '../../../electron/services';
import { useTempDir } from '../../helpers/temp';

const tempDir = useTempDir();

function setup() {
  const dir = tempDir();
  const services = createServices({
    dataDir: join(dir, 'data'),
    log: createMemoryLogger(),
    secrets: new MemorySecretStore(),
  });
  return { dir, services };
}

describe('a campaign’s merge settings (read as, fallbacks, columns sent)', () => {
  it('are stored with the campaign, start as defaults, and are copied by duplicate', () => {
    const { services } = setup();
    const c = services.campaigns.create('Reminders');
    expect(services.campaigns.detail(c.id).merge).toEqual({
      readAs: {},
      fallbacks: {},
      sendColumns: [],
    });
    const merge = {
      readAs: { 'appt-date': 'date' as const },
      fallbacks: { 'first-name': 'there' },
      sendColumns: ['branch'],
    };
    services.campaigns.update(c.id, { merge });
    expect(services.campaigns.detail(c.id).merge).toEqual(merge);
    const copy = services.campaigns.duplicate(c.id);
    expect(services.campaigns.detail(copy.id).merge).toEqual(merge);
    services.close();
  });

  it('go out in an exported campaign file (only what differs from the defaults) and come back on import', () => {
    const { dir, services } = setup();
    const c = services.campaigns.create('Reminders');
    services.campaigns.update(c.id, {
      human: {
        kind: 'text',
        body: 'Hi {{first-name}}, see you {{appt-date}}',
        voice: 'Polly-Joanna',
      },
      merge: {
        readAs: { 'appt-date': 'date', 'first-name': 'as-written' },
        fallbacks: { 'first-name': 'there' },
        sendColumns: [],
      },
    });
    const list = join(dir, 'list.csv');
    writeFileSync(list, 'Phone,First Name,Appt Date\n2125550142,Ann,3/5/2027\n');
    services.recipients.import({ campaignId: c.id, filePath: list });
    const out = join(dir, 'reminders.json');
    services.campaignFiles.export(c.id, out);
    const written = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    expect(written.readAs).toEqual({ 'appt-date': 'date' });
    expect(written.fallbacks).toEqual({ 'first-name': 'there' });
    expect(written).not.toHaveProperty('sendColumns');

    writeFileSync(out, JSON.stringify({ ...written, sendColumns: ['First Name'] }));
    const imported = services.campaignFiles.import(out);
    expect(services.campaigns.detail(imported.id).merge).toEqual({
      readAs: { 'appt-date': 'date' },
      fallbacks: { 'first-name': 'there' },
      sendColumns: ['First Name'],
    });
    services.close();
  });

  it('refuses a read-as kind the app does not know, naming the field', () => {
    const { dir, services } = setup();
    const out = join(dir, 'bad.json');
    writeFileSync(join(dir, 'list.csv'), 'Phone\n2125550142\n');
    writeFileSync(
      out,
      JSON.stringify({
        version: 1,
        name: 'Bad',
        human: { kind: 'text', body: 'Hi', voice: 'Polly-Joanna' },
        recipients: { file: 'list.csv' },
        readAs: { pin: 'spelled' },
      }),
    );
    expect(() => services.campaignFiles.import(out)).toThrow(/readAs\.pin/);
    services.close();
  });
});
