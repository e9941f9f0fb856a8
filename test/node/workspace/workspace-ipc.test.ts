import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectAudio } from '../../../electron/audio';
import { wavBytes } from '../../helpers/audio';
import { useTempDir } from '../../helpers/temp';
import { createMemoryLogger } from '../../../electron/logging/logger';
import { MemorySecretStore } from '../../../electron/secrets/memory-store';
import { createServices } from '../../../electron/services';
import { ipcWindow } from '../../helpers/ipc-window';

const tempDir = useTempDir();

function setup() {
  const dataDir = tempDir();
  const { services, dialogs, call } = ipcWindow(dataDir);
  /** What the window does to name a file: a person picks it in the dialog, main answers with a handle. */
  const choose = async (path: string): Promise<string> => {
    dialogs.willOpen(path);
    const { file } = await call<{ file: { handle: string } | null }>('dialog:openFile', {
      kind: 'recipients',
    });
    return file!.handle;
  };
  return { dataDir, services, dialogs, call, choose };
}

/** MPEG-1 Layer III frames at 128 kbit/s, 44.1 kHz: 417 bytes and 1152 samples each. */
function mp3Bytes(frames: number): Buffer {
  const frame = Buffer.alloc(417);
  frame[0] = 0xff;
  frame[1] = 0xfb;
  frame[2] = 0x90;
  frame[3] = 0x64;
  const id3 = Buffer.from([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5]);
  return Buffer.concat([id3, ...Array.from({ length: frames }, () => frame)]);
}

describe('workspace channels', () => {
  it('shows a file’s first rows and the phone column it found, without importing', async () => {
    const { dataDir, call, choose } = setup();
    const file = join(dataDir, 'list.csv');
    writeFileSync(
      file,
      'First Name,Mobile\n' +
        Array.from({ length: 30 }, (_, i) => `P${i},212555${String(1000 + i)}`).join('\n'),
    );
    const peek = await call<{ headers: string[]; rows: string[][]; detectedPhoneColumn: string }>(
      'recipients:peek',
      { file: await choose(file), rows: 5 },
    );
    expect(peek.headers).toEqual(['First Name', 'Mobile']);
    expect(peek.rows).toHaveLength(5);
    expect(peek.rows[0]).toEqual(['P0', '2125551000']);
    expect(peek.detectedPhoneColumn).toBe('Mobile');
  });

  it('flags a UTF-8 BOM in front of Windows-1252 accents and imports in the encoding chosen', async () => {
    const { dataDir, call, choose } = setup();
    const campaign = await call<{ id: string }>('campaigns:create', { name: 'Accents' });
    const file = join(dataDir, 'bom-1252.csv');
    // A UTF-8 BOM, then bytes saved by a Windows program: é = E9, ú = FA, ñ = F1.
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from('Name,Phone\r\nAnn Lee,2125550100\r\n', 'latin1'),
        Buffer.from([0x4a, 0x6f, 0x73, 0xe9, 0x20, 0x4e, 0xfa, 0xf1, 0x65, 0x7a]),
        Buffer.from(',2125550101\r\nBo,2125550102\r\n', 'latin1'),
        Buffer.from([0x52, 0x65, 0x6e, 0xe9]),
        Buffer.from(',2125550103\r\n', 'latin1'),
      ]),
    );
    const handle = await choose(file);
    type Peek = {
      rows: string[][];
      encoding: string;
      encodingDoubt: { sheetRows: number[]; count: number } | null;
      totalRows: number;
    };
    const guessed = await call<Peek>('recipients:peek', { file: handle, rows: 2 });
    expect(guessed.encoding).toBe('utf-8');
    // Row 3 and row 5 as the spreadsheet numbers them (the header is row 1), found past the rows shown.
    expect(guessed.encodingDoubt).toEqual({ sheetRows: [3, 5], count: 2 });
    expect(guessed.rows[1]?.[0]).toBe('Jos\uFFFD N\uFFFD\uFFFDez');
    expect(guessed.totalRows).toBe(4);

    const reread = await call<Peek>('recipients:peek', {
      file: handle,
      rows: 2,
      encoding: 'windows-1252',
    });
    expect(reread.encoding).toBe('windows-1252');
    expect(reread.encodingDoubt).toBeNull();
    expect(reread.rows).toEqual([
      ['Ann Lee', '2125550100'],
      ['José Núñez', '2125550101'],
    ]);

    const imported = await call<{ encoding: string }>('recipients:import', {
      campaignId: campaign.id,
      file: handle,
      encoding: 'windows-1252',
    });
    expect(imported.encoding).toBe('windows-1252');
    const page = await call<{ rows: Array<{ fields: Record<string, string> }> }>(
      'recipients:page',
      { campaignId: campaign.id, offset: 0, limit: 10 },
    );
    expect(page.rows.map((r) => r.fields.Name ?? Object.values(r.fields)[0])).toEqual([
      'Ann Lee',
      'José Núñez',
      'Bo',
      'René',
    ]);
  });

  it('says a file of column names only has no rows before importing', async () => {
    const { dataDir, call, choose } = setup();
    const file = join(dataDir, 'header-only.csv');
    writeFileSync(file, 'Name,Phone\r\n\r\n');
    const peek = await call<{ headers: string[]; rows: string[][]; totalRows: number }>(
      'recipients:peek',
      { file: await choose(file) },
    );
    expect(peek.headers).toEqual(['Name', 'Phone']);
    expect(peek.totalRows).toBe(0);
    expect(peek.rows).toEqual([]);
  });

  it('reports a number’s extension on its row instead of dropping it, until the number is fixed', async () => {
    const { dataDir, call, choose } = setup();
    const campaign = await call<{ id: string }>('campaigns:create', { name: 'Extensions' });
    const file = join(dataDir, 'ext.csv');
    writeFileSync(file, 'Name,Phone\nAnn,212.555.0142 ext 4\nBo,3125550199\n');
    await call('recipients:import', { campaignId: campaign.id, file: await choose(file) });
    type Page = {
      rows: Array<{ row: number; e164: string; status: string; problem: string | null }>;
    };
    const before = await call<Page>('recipients:page', {
      campaignId: campaign.id,
      offset: 0,
      limit: 10,
    });
    expect(before.rows[0]).toMatchObject({ row: 1, e164: '+12125550142', status: 'valid' });
    expect(before.rows[0]?.problem).toContain('has an extension (ext. 4) that a call cannot dial');
    expect(before.rows[1]?.problem).toBeNull();
    const summary = await call<{
      problems: Array<{ row: number; code: string; blocking: boolean }>;
    }>('recipients:summary', { campaignId: campaign.id });
    expect(summary.problems).toContainEqual(
      expect.objectContaining({ row: 1, code: 'phone_extension', blocking: false }),
    );

    await call('recipients:setPhone', { campaignId: campaign.id, row: 1, phone: '212 555 0143' });
    const after = await call<Page>('recipients:page', {
      campaignId: campaign.id,
      offset: 0,
      limit: 10,
    });
    expect(after.rows[0]).toMatchObject({ e164: '+12125550143', problem: null });
  });

  it('fixes one number, works duplicates out again, and removes rows', async () => {
    const { dataDir, services, call, choose } = setup();
    const campaign = await call<{ id: string }>('campaigns:create', { name: 'Fixes' });
    const file = join(dataDir, 'list.csv');
    writeFileSync(
      file,
      'Phone,Name\n2125550142,Ann\nnot a number,Bo\n2125550142,Cy\n3125550199,Di\n',
    );
    await call('recipients:import', { campaignId: campaign.id, file: await choose(file) });

    await expect(
      call('recipients:setPhone', { campaignId: campaign.id, row: 2, phone: 'still bad' }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    const fixed = await call('recipients:setPhone', {
      campaignId: campaign.id,
      row: 2,
      phone: '(646) 555-0100',
    });
    expect(fixed).toEqual({ row: 2, e164: '+16465550100', status: 'valid' });
    expect(services.recipients.summary(campaign.id).recipients).toEqual({
      total: 4,
      valid: 3,
      invalid: 0,
      duplicates: 1,
      optedOut: 0,
    });

    // Removing the first of two equal numbers makes the second the one that is called.
    await expect(
      call('recipients:removeRows', { campaignId: campaign.id, rows: [1] }),
    ).resolves.toEqual({ removed: 1 });
    const page = services.recipients.page(campaign.id, { filter: 'all' });
    expect(page.rows.map((r) => [r.row, r.status])).toEqual([
      [2, 'valid'],
      [3, 'valid'],
      [4, 'valid'],
    ]);
    expect(page.rows[0]!.fields).toEqual({ name: 'Bo' });
    expect(services.recipients.summary(campaign.id).recipients.duplicates).toBe(0);
  });

  it('removes a selection of 100,000 rows sent as ranges (all but a few), and one Undo restores every row', async () => {
    const { dataDir, services, call, choose } = setup();
    const campaign = await call<{ id: string }>('campaigns:create', { name: 'Everyone' });
    const file = join(dataDir, 'big.csv');
    const lines = ['Phone,Name'];
    for (let i = 0; i < 100_000; i++) lines.push(`+1212${String(2_000_000 + i)},P${i}`);
    writeFileSync(file, lines.join('\n'));
    await call('recipients:import', { campaignId: campaign.id, file: await choose(file) });
    const before = services.recipients.page(campaign.id, { filter: 'all', limit: 1000 }).rows;

    // "Select all", then rows 10 and 50,000 unticked: three bounds, not 99,998 row numbers.
    const selection = {
      filter: 'all',
      ranges: [
        [0, 10],
        [11, 50_000],
        [50_001, null],
      ],
      count: 99_998,
    };
    expect(JSON.stringify(selection).length).toBeLessThan(120);
    const started = performance.now();
    await expect(
      call('recipients:removeSelection', { campaignId: campaign.id, selection }),
    ).resolves.toEqual({ removed: 99_998 });
    const took = performance.now() - started;
    expect(
      services.recipients.page(campaign.id, { filter: 'all' }).rows.map((r) => r.fields.name),
    ).toEqual(['P9', 'P49999']);
    // Generous for a shared machine; an in-memory copy per row took several times longer.
    expect(took).toBeLessThan(15_000);

    const undone = await call<{ restored: number; rows: number[] }>('recipients:undoRemove', {
      campaignId: campaign.id,
    });
    expect(undone.restored).toBe(99_998);
    expect(undone.rows).toHaveLength(1000);
    expect(undone.rows.slice(0, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 11]);
    expect(services.recipients.summary(campaign.id).recipients.total).toBe(100_000);
    expect(services.recipients.page(campaign.id, { filter: 'all', limit: 1000 }).rows).toEqual(
      before,
    );
  });

  it('refuses a selection that no longer matches the list, removing nothing', async () => {
    const { dataDir, services, call, choose } = setup();
    const campaign = await call<{ id: string }>('campaigns:create', { name: 'Changed' });
    const file = join(dataDir, 'list.csv');
    writeFileSync(file, 'Phone,Name\n2125550142,Ann\nnope,Bo\n3125550199,Cy\n');
    await call('recipients:import', { campaignId: campaign.id, file: await choose(file) });
    const problems = { filter: 'problems', ranges: [[0, null]], count: 1 };
    // Cy's number goes on the do-not-call list after the window counted one problem.
    await call('optouts:add', { numbers: ['3125550199'] });
    await expect(
      call('recipients:removeSelection', { campaignId: campaign.id, selection: problems }),
    ).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/1 were selected and 2 match now\. Nothing was removed/),
    });
    expect(services.recipients.summary(campaign.id).recipients.total).toBe(3);
    await expect(
      call('recipients:removeSelection', {
        campaignId: campaign.id,
        selection: { ...problems, count: 2 },
      }),
    ).resolves.toEqual({ removed: 2 });
    expect(
      services.recipients.page(campaign.id, { filter: 'all' }).rows.map((r) => r.fields.name),
    ).toEqual(['Ann']);
  });

  it('undoes the last removal exactly, once, and never into a list that was replaced since', async () => {
    const { dataDir, services, call, choose } = setup();
    const campaign = await call<{ id: string }>('campaigns:create', { name: 'Undo' });
    const file = join(dataDir, 'list.csv');
    writeFileSync(file, 'Phone,Name\n2125550142,Ann\n2125550142,Bo\n3125550199,Cy\n');
    await call('recipients:import', { campaignId: campaign.id, file: await choose(file) });
    const before = services.recipients.page(campaign.id, { filter: 'all' }).rows;

    await call('recipients:removeRows', { campaignId: campaign.id, rows: [1, 3] });
    expect(
      services.recipients.page(campaign.id, { filter: 'all' }).rows.map((r) => [r.row, r.status]),
    ).toEqual([[2, 'valid']]);
    await expect(call('recipients:undoRemove', { campaignId: campaign.id })).resolves.toEqual({
      restored: 2,
      rows: [1, 3],
    });
    // Everything as it was, Bo a duplicate of Ann again.
    expect(services.recipients.page(campaign.id, { filter: 'all' }).rows).toEqual(before);
    await expect(call('recipients:undoRemove', { campaignId: campaign.id })).rejects.toMatchObject({
      code: 'not_found',
    });

    await call('recipients:removeRows', { campaignId: campaign.id, rows: [3] });
    writeFileSync(file, 'Phone,Name\n6465550100,Di\n');
    await call('recipients:import', { campaignId: campaign.id, file: await choose(file) });
    await expect(call('recipients:undoRemove', { campaignId: campaign.id })).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(
      services.recipients.page(campaign.id, { filter: 'all' }).rows.map((r) => r.fields.name),
    ).toEqual(['Di']);
  });

  it('reads WAV and MP3 lengths from their headers and refuses other files', () => {
    expect(inspectAudio(wavBytes(3), 'a.wav')).toEqual({
      format: 'wav',
      mimeType: 'audio/wav',
      durationMs: 3000,
    });
    const mp3 = inspectAudio(mp3Bytes(100), 'a.mp3');
    expect(mp3.format).toBe('mp3');
    expect(mp3.durationMs).toBe(Math.round(((100 * 1152) / 44100) * 1000));
    expect(() => inspectAudio(Buffer.from('this is a text file, not audio'), 'notes.wav')).toThrow(
      /not a WAV or MP3/,
    );
  });

  it('keeps a copy of a recording and plays back only kept files', async () => {
    const { dataDir, call, choose } = setup();
    const original = join(dataDir, 'greeting.wav');
    writeFileSync(original, wavBytes(2));
    const stored = await call<{ file: string; durationMs: number; fileName: string }>(
      'audio:import',
      { file: await choose(original) },
    );
    expect(stored).toMatchObject({ fileName: 'greeting.wav', durationMs: 2000 });
    expect(stored.file.startsWith(join(dataDir, 'audio'))).toBe(true);
    const played = await call<{ mimeType: string; base64: string }>('audio:read', {
      file: stored.file,
    });
    expect(played.mimeType).toBe('audio/wav');
    expect(Buffer.from(played.base64, 'base64').equals(readFileSync(original))).toBe(true);
    await expect(
      call('audio:read', { file: join(dataDir, 'campaigns.sqlite') }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      call('audio:read', { file: join(dataDir, 'audio', '..', 'settings.json') }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('stages a dropped file, then treats it like a chosen one', async () => {
    const { call, dialogs, dataDir } = setup();
    const staged = await call<{ handle: string; fileName: string; size: number }>(
      'files:stageDropped',
      {
        fileName: 'dropped.csv',
        base64: Buffer.from('Phone\n2125550142\n').toString('base64'),
      },
    );
    expect(staged).toEqual({
      handle: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
      fileName: 'dropped.csv',
      size: 17,
    });
    const peek = await call<{ rows: string[][] }>('recipients:peek', { file: staged.handle });
    expect(peek.rows).toEqual([['2125550142']]);
    await expect(
      call('files:stageDropped', { fileName: '../evil.csv', base64: 'AA==' }),
    ).rejects.toMatchObject({ code: 'invalid_input' });

    await expect(call('dialog:openFile', { kind: 'recipients' })).resolves.toEqual({ file: null });
    const chosen = join(dataDir, 'chosen.csv');
    writeFileSync(chosen, 'Phone\n2125550199\n');
    dialogs.willOpen(chosen);
    const picked = await call<{ file: { handle: string; fileName: string; size: number } }>(
      'dialog:openFile',
      { kind: 'recipients' },
    );
    expect(picked.file).toMatchObject({ fileName: 'chosen.csv', size: 17 });
    expect(picked.file.handle).not.toBe(staged.handle);
    expect(JSON.stringify(picked)).not.toContain(dataDir);
    expect(dialogs.asked.map((a) => a.kind)).toEqual(['open', 'open']);
    expect(existsSync(join(dataDir, 'dropped'))).toBe(true);
  });

  it('keeps defaults in settings, and falls back field by field from a damaged file', async () => {
    const { call, dataDir } = setup();
    await expect(call('settings:get')).resolves.toEqual({
      defaultCountry: 'US',
      defaultVoice: 'Polly-Joanna',
      batchSize: 100,
      profilePreferences: {},
    });
    await expect(
      call('settings:update', { defaultCountry: 'ca', batchSize: 250 }),
    ).resolves.toEqual({
      defaultCountry: 'CA',
      defaultVoice: 'Polly-Joanna',
      batchSize: 250,
      profilePreferences: {},
    });
    await expect(call('settings:update', { batchSize: 0 })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    writeFileSync(
      join(dataDir, 'settings.json'),
      JSON.stringify({ defaultCountry: 'GB', batchSize: 'lots' }),
    );
    await expect(call('settings:get')).resolves.toEqual({
      defaultCountry: 'GB',
      defaultVoice: 'Polly-Joanna',
      batchSize: 100,
      profilePreferences: {},
    });
  });

  it('sends with the batch size from Settings when the app starts', () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ batchSize: 250 }));
    const services = createServices({
      dataDir,
      log: createMemoryLogger(),
      secrets: new MemorySecretStore(),
    });
    try {
      expect(services.send.options.batchSize).toBe(250);
    } finally {
      services.close();
    }
  });

  it('exports a campaign file in the CLI format and imports it back as a new draft', async () => {
    const { call, dialogs, dataDir, services, choose } = setup();
    const campaign = await call<{ id: string }>('campaigns:create', { name: 'Weekly specials' });
    const list = join(dataDir, 'list.csv');
    writeFileSync(list, 'Phone,First Name\n2125550142,"Ann, Jr."\nbad,Bo\n');
    await call('recipients:import', { campaignId: campaign.id, file: await choose(list) });
    const wav = join(dataDir, 'vm.wav');
    writeFileSync(wav, wavBytes(1));
    const audio = await call<{ file: string; durationMs: number }>('audio:import', {
      file: await choose(wav),
    });
    await call('campaigns:update', {
      id: campaign.id,
      patch: {
        callerId: 'Lv8UgucPVGWcwZd9Hre9dn',
        human: { kind: 'text', body: 'Hello {{first-name}}', voice: 'Polly-Brian' },
        machine: { kind: 'audio', file: audio.file, durationMs: audio.durationMs },
      },
    });

    await expect(call('campaigns:exportFile', { id: campaign.id })).resolves.toEqual({
      saved: null,
    });
    const out = join(tempDir(), 'weekly.json');
    dialogs.willSave(out);
    const saved = await call<{ saved: { files: string[] } }>('campaigns:exportFile', {
      id: campaign.id,
    });
    expect(saved.saved.files).toEqual([
      'weekly.json',
      'weekly-recipients.csv',
      'weekly-voicemail.wav',
    ]);
    const json = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    expect(json).toEqual({
      version: 1,
      name: 'Weekly specials',
      callerId: 'Lv8UgucPVGWcwZd9Hre9dn',
      human: { kind: 'text', body: 'Hello {{first-name}}', voice: 'Polly-Brian' },
      machine: { kind: 'audio', file: 'weekly-voicemail.wav' },
      recipients: { file: 'weekly-recipients.csv', phoneColumn: 'Phone', defaultCountry: 'US' },
      delivery: { type: 'immediately' },
    });
    expect(readFileSync(join(out, '..', 'weekly-recipients.csv'), 'utf8')).toBe(
      '\uFEFFPhone,First Name\r\n2125550142,"Ann, Jr."\r\nbad,Bo\r\n',
    );

    // Exporting over the same files asks first; "Cancel" leaves every file as it was.
    writeFileSync(join(out, '..', 'weekly-recipients.csv'), 'kept');
    dialogs.willSave(out).willConfirm(false);
    await expect(call('campaigns:exportFile', { id: campaign.id })).resolves.toEqual({
      saved: null,
    });
    expect(dialogs.asked.at(-1)).toEqual({ kind: 'confirm', title: 'Export campaign file' });
    expect(readFileSync(join(out, '..', 'weekly-recipients.csv'), 'utf8')).toBe('kept');
    expect(() => services.campaignFiles.export(campaign.id, out)).toThrow(
      /^Not exported: weekly\.json, weekly-recipients\.csv, weekly-voicemail\.wav already exist in .*\. Choose another name, or agree to replace them\.$/,
    );
    dialogs.willSave(out).willConfirm(true);
    await call('campaigns:exportFile', { id: campaign.id });
    expect(readFileSync(join(out, '..', 'weekly-recipients.csv'), 'utf8')).toMatch(
      /^\uFEFFPhone,First Name\r\n/,
    );

    dialogs.willOpen(out);
    const imported = await call<{ campaign: { id: string; name: string; recipientCount: number } }>(
      'campaigns:importFile',
    );
    expect(imported.campaign).toMatchObject({ name: 'Weekly specials', recipientCount: 2 });
    const detail = services.campaigns.detail(imported.campaign.id);
    expect(detail.human).toEqual({
      kind: 'text',
      body: 'Hello {{first-name}}',
      voice: 'Polly-Brian',
    });
    expect(detail.machine).toMatchObject({
      kind: 'audio',
      fileName: 'weekly-voicemail.wav',
      durationMs: 1000,
    });

    // A broken file makes no campaign.
    const broken = join(dataDir, 'broken.json');
    writeFileSync(
      broken,
      JSON.stringify({
        version: 1,
        name: 'Half',
        human: { kind: 'text', body: 'x', voice: 'Polly-Joanna' },
        recipients: { file: 'missing.csv' },
      }),
    );
    dialogs.willOpen(broken);
    const before = services.campaigns.list().length;
    await expect(call('campaigns:importFile')).rejects.toMatchObject({ code: 'invalid_input' });
    expect(services.campaigns.list()).toHaveLength(before);
  });
});
