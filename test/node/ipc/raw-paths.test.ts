import { createHash } from 'node:crypto';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wavBytes } from '../../helpers/audio';
import { useTempDir } from '../../helpers/temp';
import { ipcWindow } from '../../helpers/ipc-window';

const tempDir = useTempDir();

/** A tampered window: it calls every file-reading channel with paths of its own making. */
function setup() {
  const dataDir = tempDir();
  const { services, dispatch } = ipcWindow(dataDir);
  return { dataDir, services, dispatch };
}

/** A file outside anything the person chose, with contents that must never come back. */
function secretFile(dir: string): string {
  const path = join(dir, 'private.csv');
  writeFileSync(path, 'Phone,Diagnosis\n2125550142,PRIVATE-CONTENT\n');
  return path;
}

describe('IPC calls that name files by raw path are refused', () => {
  it('every file-reading channel refuses a path, old or new field name, before reading anything', async () => {
    const { dataDir, services, dispatch } = setup();
    const outside = secretFile(tempDir());
    const campaign = services.campaigns.create('Target');
    await services.profiles.save({
      name: 'P',
      apiUrl: 'https://api.omnigage.io/api/v1/',
      accountKey: '',
      tokenKey: 'k',
    });
    const paths = [
      outside,
      '../../private.csv',
      '\\\\host\\share\\list.csv',
      'file:///etc/passwd',
      join(dataDir, 'campaigns.sqlite'),
    ];
    const answers = [];
    for (const path of paths) {
      answers.push(
        await dispatch('recipients:peek', { file: path }),
        await dispatch('recipients:peek', { filePath: path }),
        await dispatch('recipients:import', { campaignId: campaign.id, file: path }),
        await dispatch('recipients:import', { campaignId: campaign.id, filePath: path }),
        await dispatch('audio:import', { file: path }),
        await dispatch('audio:import', { filePath: path }),
        await dispatch('optouts:import', { file: path }),
      );
    }
    for (const answer of answers) {
      expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(JSON.stringify(answer)).not.toContain('PRIVATE-CONTENT');
    }
    expect(answers[0]).toMatchObject({
      error: { message: expect.stringContaining('Choose the file again') },
    });
    expect(services.recipients.getList(campaign.id)).toBeNull();
  });

  it('a handle main never issued is refused, and an issued one works only for its own file', async () => {
    const { services, dispatch } = setup();
    const made = await dispatch('recipients:peek', { file: 'A'.repeat(24) });
    expect(made).toEqual({
      ok: false,
      error: {
        code: 'not_found',
        message: 'That file is no longer available to the app. Choose it again.',
      },
    });
    const chosen = services.fileHandles.issue(secretFile(tempDir()));
    const peek = await dispatch('recipients:peek', { file: chosen.handle });
    expect(peek).toMatchObject({ ok: true, value: { headers: ['Phone', 'Diagnosis'] } });
  });

  it('a message can only name a recording the app keeps, and only those are played or uploaded', async () => {
    const { dataDir, services, dispatch } = setup();
    const campaign = services.campaigns.create('Audio');
    const outside = join(tempDir(), 'secret.wav');
    writeFileSync(outside, wavBytes(1));

    // A path outside the audio folder, a database file, and a hash-named link inside it that leads out.
    const audioDir = join(dataDir, 'audio');
    mkdirSync(audioDir, { recursive: true });
    const link = join(audioDir, `${createHash('sha256').update('x').digest('hex')}.wav`);
    symlinkSync(outside, link);
    for (const file of [
      outside,
      join(dataDir, 'campaigns.sqlite'),
      join(audioDir, '..', 'settings.json'),
      link,
    ]) {
      const update = await dispatch('campaigns:update', {
        id: campaign.id,
        patch: { human: { kind: 'audio', file } },
      });
      expect(update, file).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await dispatch('audio:read', { file }), file).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      });
      expect(() => services.audio.readStored(file)).toThrow(/Only recordings kept by the app/);
    }
    expect(services.campaigns.detail(campaign.id).human).toBeNull();

    // One that went through audio:import is accepted everywhere.
    const stored = services.audio.import(outside);
    const update = await dispatch('campaigns:update', {
      id: campaign.id,
      patch: { human: { kind: 'audio', file: stored.file } },
    });
    expect(update).toMatchObject({ ok: true });
    expect(services.audio.readStored(stored.file).byteLength).toBe(wavBytes(1).byteLength);
  });
});
