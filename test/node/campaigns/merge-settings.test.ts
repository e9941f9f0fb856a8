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

  it('the preview, the recipients table and the check show what will be said: spoken forms, fallbacks counted, unreadable values reported', () => {
    const { dir, services } = setup();
    const c = services.campaigns.create('Reminders');
    const body = 'Hi {{first-name}}, see you {{appt-date}}.';
    services.campaigns.update(c.id, {
      human: { kind: 'text', body, voice: 'Polly-Joanna' },
      merge: {
        readAs: { 'appt-date': 'date' },
        fallbacks: { 'first-name': 'there' },
        sendColumns: ['nope'],
      },
    });
    const list = join(dir, 'list.csv');
    writeFileSync(
      list,
      [
        'Phone,First Name,Appt Date',
        '2125550142,Ann,3/5/2027',
        '2125550143,,3/8/2027',
        '2125550144,Cy,next week',
        '2125550145,,',
      ].join('\n'),
    );
    services.recipients.import({ campaignId: c.id, filePath: list });

    expect(services.recipients.preview(c.id, 1, body).text).toBe(
      'Hi Ann, see you Friday, March 5.',
    );
    expect(services.recipients.preview(c.id, 2, body)).toMatchObject({
      text: 'Hi there, see you Monday, March 8.',
      emptyFields: [],
      fallbackFields: ['first-name'],
    });
    const page = services.recipients.page(c.id);
    expect(page.rows.map((r) => r.fields)).toEqual([
      { 'first-name': 'Ann', 'appt-date': 'Friday, March 5' },
      { 'first-name': 'there', 'appt-date': 'Monday, March 8' },
      { 'first-name': 'Cy', 'appt-date': 'next week' },
      { 'first-name': 'there', 'appt-date': '' },
    ]);
    expect(page.rows[1]!.fallbacks).toEqual(['first-name']);

    const summary = services.recipients.summary(c.id, { texts: [body] });
    expect(summary.mergeFields).toEqual({
      used: ['first-name', 'appt-date'],
      missing: [{ field: 'appt-date', rows: [4] }],
      fallbacks: [{ field: 'first-name', fallback: 'there', rows: 2 }],
    });
    expect(summary.problems.filter((p) => p.code === 'unreadable_merge_value')).toEqual([
      expect.objectContaining({
        row: 3,
        column: 'Appt Date',
        blocking: false,
        message: expect.stringContaining('"next week", which cannot be read as a date'),
      }),
    ]);
    expect(summary.problems.find((p) => p.message.includes('"nope"'))).toMatchObject({
      blocking: false,
    });
    expect(summary.ok).toBe(true);
    services.close();
  });
});
