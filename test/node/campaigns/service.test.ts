import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CampaignService, copyName } from '../../../electron/campaigns/service';
import { openDatabase } from '../../../electron/db/open';
import { useTempDir } from '../../helpers/temp';

const tempDir = useTempDir();

function service(file = join(tempDir(), 'db.sqlite')) {
  let tick = Date.parse('2026-11-27T09:00:00Z');
  const db = openDatabase(file);
  return {
    db,
    file,
    campaigns: new CampaignService({ db, clock: () => new Date((tick += 1000)) }),
  };
}

describe('CampaignService', () => {
  it('creates, lists newest first, and survives reopening the database', () => {
    const { db, file, campaigns } = service();
    campaigns.create('First');
    campaigns.create('Second');
    expect(campaigns.list().map((c) => c.name)).toEqual(['Second', 'First']);
    db.close();

    const reopened = service(file);
    expect(reopened.campaigns.list().map((c) => c.name)).toEqual(['Second', 'First']);
    expect(reopened.campaigns.list()[0]).toMatchObject({ status: 'draft', recipientCount: 0 });
    reopened.db.close();
  });

  it('searches by name, treating % and _ literally', () => {
    const { db, campaigns } = service();
    campaigns.create('Weekly specials');
    campaigns.create('100% match');
    campaigns.create('School closure');
    expect(campaigns.list('special').map((c) => c.name)).toEqual(['Weekly specials']);
    expect(campaigns.list('%').map((c) => c.name)).toEqual(['100% match']);
    expect(campaigns.list('_')).toEqual([]);
    db.close();
  });

  it('renames and moves the campaign to the top', () => {
    const { db, campaigns } = service();
    const a = campaigns.create('A');
    campaigns.create('B');
    const renamed = campaigns.rename(a.id, 'A renamed');
    expect(renamed.name).toBe('A renamed');
    expect(renamed.updatedAt > a.updatedAt).toBe(true);
    expect(campaigns.list()[0]?.id).toBe(a.id);
    db.close();
  });

  it('duplicates as an editable draft and runs the duplicate hooks in the same transaction', () => {
    const { db } = service();
    const seen: string[] = [];
    let failing = false;
    const campaigns = new CampaignService({
      db,
      duplicateHooks: [
        (_db, from, to) => seen.push(`${from}->${to}`),
        () => {
          if (failing) throw new Error('copy failed');
        },
      ],
    });
    const source = campaigns.create('Original');
    db.prepare("UPDATE campaigns SET status = 'scheduled' WHERE id = ?").run(source.id);
    const copy = campaigns.duplicate(source.id);
    expect(copy).toMatchObject({ name: 'Original (copy)', status: 'draft' });
    expect(seen).toEqual([`${source.id}->${copy.id}`]);

    failing = true;
    expect(() => campaigns.duplicate(source.id)).toThrow('copy failed');
    expect(campaigns.list()).toHaveLength(2);
    db.close();
  });

  it('locks a campaign that has been sent, and will not delete one being sent', () => {
    const { db, campaigns } = service();
    const sent = campaigns.create('Sent');
    db.prepare("UPDATE campaigns SET status = 'scheduled' WHERE id = ?").run(sent.id);
    expect(() => campaigns.rename(sent.id, 'x')).toThrow(
      expect.objectContaining({ code: 'locked', message: expect.stringMatching(/Duplicate it/) }),
    );

    const sending = campaigns.create('Sending');
    db.prepare("UPDATE campaigns SET status = 'sending' WHERE id = ?").run(sending.id);
    expect(() => campaigns.delete(sending.id)).toThrow(expect.objectContaining({ code: 'locked' }));
    campaigns.delete(sent.id);
    expect(campaigns.list().map((c) => c.name)).toEqual(['Sending']);
    db.close();
  });

  it('reports a missing campaign as not found', () => {
    const { db, campaigns } = service();
    expect(() => campaigns.rename('00000000-0000-4000-8000-000000000000', 'x')).toThrow(
      expect.objectContaining({ code: 'not_found' }),
    );
    db.close();
  });

  it('keeps copy names within the length limit', () => {
    expect(copyName('Short')).toBe('Short (copy)');
    const long = 'x'.repeat(120);
    expect(copyName(long)).toHaveLength(120);
    expect(copyName(long).endsWith(' (copy)')).toBe(true);
  });
});

describe('campaign content', () => {
  it('saves only the fields in the patch, reads them back, and copies them on duplicate', () => {
    const { db, campaigns } = service();
    const c = campaigns.create('Clinic');
    expect(campaigns.detail(c.id)).toMatchObject({
      callerId: null,
      human: null,
      machine: null,
      delivery: { type: 'immediately' },
    });
    campaigns.update(c.id, {
      callerId: 'Lv8UgucPVGWcwZd9Hre9dn',
      human: { kind: 'text', body: 'Hello {{first-name}}', voice: 'Polly-Joanna' },
    });
    const updated = campaigns.update(c.id, {
      machine: { kind: 'audio', file: '/data/audio/vm.mp3', fileName: 'vm.mp3' },
    });
    expect(updated).toMatchObject({
      callerId: 'Lv8UgucPVGWcwZd9Hre9dn',
      human: { kind: 'text', body: 'Hello {{first-name}}' },
      machine: { kind: 'audio', fileName: 'vm.mp3' },
    });
    const copy = campaigns.detail(campaigns.duplicate(c.id).id);
    expect(copy).toMatchObject({
      callerId: 'Lv8UgucPVGWcwZd9Hre9dn',
      human: updated.human,
      machine: updated.machine,
    });
    db.close();
  });

  it('refuses to change a campaign once it has been sent', () => {
    const { db, campaigns } = service();
    const c = campaigns.create('Sent');
    campaigns.setStatus(c.id, 'sending');
    expect(() => campaigns.update(c.id, { callerId: 'x' })).toThrow(
      expect.objectContaining({ code: 'locked' }),
    );
    db.close();
  });

  it('reads a damaged stored message as empty instead of failing', () => {
    const { db, campaigns } = service();
    const c = campaigns.create('Damaged');
    db.prepare(`UPDATE campaigns SET human_message = '{"kind":"video"}' WHERE id = ?`).run(c.id);
    expect(campaigns.detail(c.id).human).toBeNull();
    db.close();
  });
});
