import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/campaign';
import type { LibraryItem } from '../../../shared/library';
import type { StoredAudio } from '../../../shared/workspace';
import type { Services } from '../../../electron/services';
import { wavBytes } from '../../helpers/audio';
import { useTempDir } from '../../helpers/temp';
import { ipcWindow } from '../../helpers/ipc-window';

const tempDir = useTempDir();

/** The window's view of the library: every operation through the dispatcher, as over IPC. */
function open(dataDir: string) {
  const { services, dialogs, call, answer } = ipcWindow(dataDir);
  const recording = async (name: string, seconds: number): Promise<StoredAudio> => {
    const file = join(dataDir, '..', name);
    writeFileSync(file, wavBytes(seconds));
    dialogs.willOpen(file);
    const { file: chosen } = await call<{ file: { handle: string } }>('dialog:openFile', {
      kind: 'audio',
    });
    return call<StoredAudio>('audio:import', { file: chosen.handle });
  };
  return { services, call, answer, recording };
}

const TEXT: Message = {
  kind: 'text',
  body: 'Hello {{first-name}}, school is closed today because of snow.',
  voice: 'Polly-Joanna',
};

const names = (items: LibraryItem[]) => items.map((i) => i.name);
const recordingsIn = (dataDir: string) => readdirSync(join(dataDir, 'audio')).sort();

describe('the message library', () => {
  it('saves a text message with its merge fields and voice, renames and deletes it; names are unique whatever their case', async () => {
    const dataDir = join(tempDir(), 'data');
    const { call, answer } = open(dataDir);
    const saved = await call<LibraryItem>('library:save', { name: 'Snow day', message: TEXT });
    expect(saved).toMatchObject({ name: 'Snow day', message: TEXT, available: true });
    await call('library:save', { name: 'Appointment reminder', message: { ...TEXT, body: 'Hi' } });
    expect(names(await call('library:list'))).toEqual(['Appointment reminder', 'Snow day']);

    const taken = await answer('library:save', { name: '  snow DAY ', message: TEXT });
    expect(taken).toMatchObject({
      ok: false,
      error: {
        code: 'conflict',
        message: 'The library already has a message named “snow DAY”. Choose another name.',
      },
    });
    const empty = await answer('library:save', { name: 'Empty', message: { ...TEXT, body: '  ' } });
    expect(empty).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const unnamed = await answer('library:save', { name: '   ', message: TEXT });
    expect(unnamed).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

    // Renaming to its own name in another case is fine; to another message's name is not.
    const renamed = await call<LibraryItem>('library:rename', { id: saved.id, name: 'SNOW day' });
    expect(renamed.name).toBe('SNOW day');
    const clash = await answer('library:rename', { id: saved.id, name: 'appointment REMINDER' });
    expect(clash).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(names(await call('library:list'))).toEqual(['Appointment reminder', 'SNOW day']);

    await call('library:delete', { id: saved.id });
    expect(names(await call('library:list'))).toEqual(['Appointment reminder']);
    const gone = await answer('library:delete', { id: saved.id });
    expect(gone).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('keeps a recording once, by its content, and it outlives the campaign it came from', async () => {
    const dataDir = join(tempDir(), 'data');
    const { services, call, recording } = open(dataDir);
    const first = services.campaigns.create('Closing early');
    const audio = await recording('closing.wav', 2);
    const message: Message = {
      kind: 'audio',
      file: audio.file,
      fileName: audio.fileName,
      durationMs: audio.durationMs,
    };
    await call('campaigns:update', { id: first.id, patch: { human: message } });
    const saved = await call<LibraryItem>('library:save', { name: 'Closing early', message });
    // The same sound chosen again under another file name: still one file in the data folder.
    const again = await recording('closing copy.wav', 2);
    expect(again.file).toBe(audio.file);
    await call('library:save', {
      name: 'Closing early (copy)',
      message: { ...message, fileName: 'closing copy.wav' },
    });
    expect(recordingsIn(dataDir)).toEqual([audio.file.split('/').pop()]);

    await call('campaigns:delete', { id: first.id });
    const [item] = (await call<LibraryItem[]>('library:list')).filter((i) => i.id === saved.id);
    expect(item).toMatchObject({ available: true, message });
    // It plays, and another campaign can use it.
    const played = await call<{ base64: string }>('audio:read', {
      file: item!.message.kind === 'audio' ? item!.message.file : '',
    });
    expect(Buffer.from(played.base64, 'base64')).toEqual(wavBytes(2));
    const second = services.campaigns.create('Closing early again');
    await call('campaigns:update', { id: second.id, patch: { human: item!.message } });
    expect(services.campaigns.detail(second.id).human).toEqual(message);

    // Deleting a library entry leaves the recording: campaigns may still use it.
    await call('library:delete', { id: saved.id });
    expect(recordingsIn(dataDir)).toHaveLength(1);
  });

  it('refuses a recording the app does not keep, and says when a kept one has gone from the data folder', async () => {
    const dataDir = join(tempDir(), 'data');
    const { call, answer, recording } = open(dataDir);
    const outside = join(dataDir, '..', 'elsewhere.wav');
    writeFileSync(outside, wavBytes(1));
    const refused = await answer('library:save', {
      name: 'Sneaky',
      message: { kind: 'audio', file: outside },
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    const audio = await recording('hello.wav', 1);
    await call('library:save', {
      name: 'Hello',
      message: { kind: 'audio', file: audio.file, fileName: 'hello.wav', durationMs: 1000 },
    });
    rmSync(audio.file);
    const [item] = await call<LibraryItem[]>('library:list');
    expect(item).toMatchObject({ name: 'Hello', available: false });
    const missing = await answer('library:save', {
      name: 'Hello again',
      message: { kind: 'audio', file: audio.file },
    });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(names(await call('library:list'))).toEqual(['Hello']);
  });

  it('is kept in the database: the library is there after the app restarts', async () => {
    const dataDir = join(tempDir(), 'data');
    const before = open(dataDir);
    await before.call('library:save', { name: 'Snow day', message: TEXT });
    (before.services as Services).close();
    const after = open(dataDir);
    expect(await after.call<LibraryItem[]>('library:list')).toMatchObject([
      { name: 'Snow day', message: TEXT, available: true },
    ]);
    after.services.close();
  });
});
