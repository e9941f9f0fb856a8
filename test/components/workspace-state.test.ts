import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { AUTOSAVE_DELAY_MS, CampaignEditor } from '../../renderer/lib/editor.svelte';
import { RecipientsState } from '../../renderer/lib/recipients.svelte';
import { wavBytes } from '../helpers/audio';
import { OptOutsState } from '../../renderer/lib/optouts.svelte';
import { SettingsState } from '../../renderer/lib/settings.svelte';
import { realBackend } from './helpers';

describe('CampaignEditor: autosave', () => {
  it('saves a change by itself after a short pause, and flush() saves at once', async () => {
    const { call, backend } = realBackend();
    const created = await call('campaigns:create', { name: 'Clinic reminder' });
    const editor = new CampaignEditor(call);
    await editor.load(created.id);
    expect(editor.human.kind).toBe('text');
    expect(editor.sameForVoicemail).toBe(true);

    vi.useFakeTimers();
    try {
      editor.human.body = 'Hello {{first-name}}';
      editor.changed('human');
      expect(editor.saveState).toBe('pending');
      expect(backend.services!.campaigns.detail(created.id).human).toBeNull();
      await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS + 10);
    } finally {
      vi.useRealTimers();
    }
    await vi.waitFor(() => expect(editor.saveState).toBe('saved'));
    expect(backend.services!.campaigns.detail(created.id).human).toEqual({
      kind: 'text',
      body: 'Hello {{first-name}}',
      voice: 'Polly-Joanna',
    });

    // A name and a separate voicemail, flushed as when the window loses focus.
    editor.name = 'Clinic reminder (Dec)';
    editor.changed('name');
    editor.setSameForVoicemail(false);
    expect(editor.machine.body).toBe('Hello {{first-name}}'); // starts from the live message
    editor.machine.body = 'Sorry we missed you.';
    editor.changed('machine');
    await editor.flush();
    const stored = backend.services!.campaigns.detail(created.id);
    expect(stored.name).toBe('Clinic reminder (Dec)');
    expect(stored.machine).toEqual({
      kind: 'text',
      body: 'Sorry we missed you.',
      voice: 'Polly-Joanna',
    });
    expect(editor.hasUnsaved).toBe(false);

    // "Same message for voicemail" again stores machine: null.
    editor.setSameForVoicemail(true);
    await editor.flush();
    expect(backend.services!.campaigns.detail(created.id).machine).toBeNull();
  });

  it('keeps the change and says why when saving is refused, and does not save an empty name', async () => {
    const { call, backend } = realBackend();
    const created = await call('campaigns:create', { name: 'Locked' });
    const editor = new CampaignEditor(call);
    await editor.load(created.id);
    editor.name = '   ';
    editor.changed('name');
    await editor.flush();
    expect(editor.nameProblem).toBe('Give the campaign a name.');
    expect(backend.services!.campaigns.get(created.id).name).toBe('Locked');

    backend.services!.campaigns.setStatus(created.id, 'scheduled');
    editor.callerId = '+1 212 555 0100';
    editor.changed('callerId');
    await editor.flush();
    expect(editor.saveState).toBe('error');
    expect(editor.saveError).toMatch(/can no longer be changed/);
    expect(editor.hasUnsaved).toBe(true);
  });

  it('saves a send time as an instant and reads it back as local time', async () => {
    const { call, backend } = realBackend();
    const created = await call('campaigns:create', { name: 'Later' });
    const editor = new CampaignEditor(call);
    await editor.load(created.id);
    expect(editor.delivery).toEqual({ type: 'immediately' });
    editor.deliveryType = 'at';
    expect(editor.delivery).toEqual({ type: 'immediately' }); // no time yet
    editor.deliveryAt = '2031-03-04T09:30';
    editor.changed('delivery');
    await editor.flush();
    const stored = backend.services!.campaigns.detail(created.id).delivery;
    expect(stored).toEqual({ type: 'at', at: new Date('2031-03-04T09:30').toISOString() });

    const again = new CampaignEditor(call);
    await again.load(created.id);
    expect(again.deliveryType).toBe('at');
    expect(again.deliveryAt).toBe('2031-03-04T09:30');
  });

  it('takes a recording through the dialog, and says why a file that is not audio is refused', async () => {
    const { call, backend, dialogs, dataDir } = realBackend();
    const created = await call('campaigns:create', { name: 'Audio' });
    const editor = new CampaignEditor(call);
    await editor.load(created.id);

    const notAudio = join(dataDir, 'notes.wav');
    writeFileSync(notAudio, 'just some text pretending to be audio');
    dialogs.willOpen(notAudio);
    await editor.pickAudio('human');
    expect(editor.audioError).toEqual({
      which: 'human',
      message: expect.stringMatching(/notes\.wav: this is not a WAV or MP3 file/),
    });
    expect(editor.human.kind).toBe('text');

    const good = join(dataDir, 'hello.wav');
    writeFileSync(good, wavBytes(3));
    dialogs.willOpen(good);
    await editor.pickAudio('human');
    expect(editor.audioError).toBeNull();
    expect(editor.human.audio).toMatchObject({ fileName: 'hello.wav', durationMs: 3000 });
    await editor.flush();
    expect(backend.services!.campaigns.detail(created.id).human).toMatchObject({
      kind: 'audio',
      fileName: 'hello.wav',
      durationMs: 3000,
    });
  });

  it('restores and saves an edit that a crash left unsaved', async () => {
    const { call, backend } = realBackend();
    const created = await call('campaigns:create', { name: 'Crash' });
    const store = new Map<string, string>();
    const journal = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    };

    const before = new CampaignEditor(call, journal);
    await before.load(created.id);
    before.human.body = 'Typed just before the crash';
    before.changed('human');
    // The window dies here: no debounce, no flush.
    expect(backend.services!.campaigns.detail(created.id).human).toBeNull();
    expect(store.size).toBe(1);

    const after = new CampaignEditor(call, journal);
    await after.load(created.id);
    expect(after.restored).toBe(true);
    expect(after.human.body).toBe('Typed just before the crash');
    expect(backend.services!.campaigns.detail(created.id).human).toMatchObject({
      body: 'Typed just before the crash',
    });
    expect(store.size).toBe(0);

    // Nothing pending: a later load restores nothing.
    const again = new CampaignEditor(call, journal);
    await again.load(created.id);
    expect(again.restored).toBe(false);
  });

  it('marks a hand-typed caller ID unverified and a cached one verified', async () => {
    const { call, backend } = realBackend();
    const created = await call('campaigns:create', { name: 'Caller' });
    const editor = new CampaignEditor(call);
    await editor.load(created.id);
    editor.callerId = '+1 212 555 0100';
    editor.changed('callerId');
    await editor.flush();
    expect(editor.callerIdCheck).toMatchObject({
      status: 'unverified',
      warning: expect.stringContaining('set up an API profile'),
    });

    const profile = await call('profiles:save', {
      name: 'Main',
      apiUrl: 'https://api.omnigage.io/api/v1/',
      tokenKey: 'key',
      tokenSecret: 'secret',
    });
    await editor.loadCallerIds();
    expect(editor.callerIdCheck).toMatchObject({
      status: 'unverified',
      warning: expect.stringContaining('never been fetched'),
    });

    backend.services!.profiles.replaceCallerIds(profile.id, [
      { id: 'Lv8Ugu', phoneNumber: '+12125550100', label: 'Main line' },
    ]);
    await editor.loadCallerIds();
    expect(editor.callerIds.map((c) => c.id)).toEqual(['Lv8Ugu']);
    // The typed number is the cached one written differently: verified.
    expect(editor.callerIdCheck).toMatchObject({ status: 'verified', callerId: { id: 'Lv8Ugu' } });
  });

  it("moves a picked caller ID to another profile as its number, never as the old account's id", async () => {
    const { call, backend } = realBackend();
    const save = (name: string) =>
      call('profiles:save', {
        name,
        apiUrl: `https://${name.toLowerCase()}.example.com/api/v1/`,
        tokenKey: `${name}-key`,
        tokenSecret: 'secret',
      });
    const school = await save('School');
    const district = await save('District');
    const other = await save('Other');
    const profiles = backend.services!.profiles;
    profiles.replaceCallerIds(school.id, [
      { id: 'SchoolId1', phoneNumber: '+12125550100', label: 'Office' },
    ]);
    // The same number is verified in District's account too, under its own id there.
    profiles.replaceCallerIds(district.id, [
      { id: 'DistrictId9', phoneNumber: '+12125550100', label: 'Office' },
      { id: 'DistrictId8', phoneNumber: '+13125550100', label: 'Annex' },
    ]);
    const created = await call('campaigns:create', { name: 'Moves' });
    const editor = new CampaignEditor(call);
    await editor.load(created.id);
    await editor.useProfile(school.id);
    // School has one verified number: chosen already, stored as its id.
    expect(editor.callerId).toBe('SchoolId1');

    await editor.useProfile(district.id);
    expect(editor.callerId).toBe('DistrictId9');
    expect(editor.callerIdCheck).toMatchObject({ status: 'verified' });

    // An account whose caller IDs were never fetched: the number, checked as typed.
    await editor.useProfile(other.id);
    expect(editor.callerId).toBe('+12125550100');
    expect(editor.callerIdCheck).toMatchObject({
      status: 'unverified',
      warning: expect.stringMatching(/^\+12125550100 has not been checked/),
    });
    await editor.flush();
    expect((await call('campaigns:get', { id: created.id })).callerId).toBe('+12125550100');
  });
});

describe('RecipientsState', () => {
  function list(dataDir: string) {
    const file = join(dataDir, 'list.csv');
    const rows = ['Phone,First Name'];
    for (let i = 0; i < 450; i++) rows.push(`212555${String(1000 + i)},P${i}`);
    rows.push('not a number,Bad', '2125551000,Again');
    writeFileSync(file, rows.join('\n'));
    return file;
  }

  it('shows the first rows, imports on confirmation, and fetches only the blocks it needs', async () => {
    const { call, dataDir, calls, backend, subscribe } = realBackend();
    const campaign = await call('campaigns:create', { name: 'Big' });
    const state = new RecipientsState(call, subscribe);
    await state.load(campaign.id, ['Hi {{first-name}}']);
    expect(state.list).toBeNull();

    // As a dialog would: main registers the file and the window gets a handle.
    await state.choose(backend.services!.fileHandles.issue(list(dataDir)), 'US');
    expect(state.pending?.peek.headers).toEqual(['Phone', 'First Name']);
    expect(state.pending?.phoneColumn).toBe('Phone');
    expect(state.pending?.peek.rows).toHaveLength(6);
    expect(calls).not.toContain('recipients:import');

    expect(await state.confirmImport()).toBe(true);
    expect(state.summary?.recipients).toEqual({
      total: 452,
      valid: 450,
      invalid: 1,
      duplicates: 1,
      optedOut: 0,
    });
    expect(state.total).toBe(452);
    expect(state.rowAt(0)?.fields['first-name']).toBe('P0');
    expect(state.rowAt(250)).toBeUndefined(); // second block not fetched yet
    const pages = calls.filter((c) => c === 'recipients:page').length;
    await state.ensure(240, 260);
    expect(state.rowAt(250)?.row).toBe(251);
    expect(calls.filter((c) => c === 'recipients:page').length).toBe(pages + 1);
    await state.ensure(0, 10); // already held: no request
    expect(calls.filter((c) => c === 'recipients:page').length).toBe(pages + 1);

    // "Imported 452 rows" is about the list; the mapping step for another file opens without it.
    expect(state.notice).toMatch(/^Imported 452 rows/);
    await state.choose(backend.services!.fileHandles.issue(list(dataDir)), 'US');
    expect(state.pending).not.toBeNull();
    expect(state.notice).toBeNull();
  });

  it('filters to problems, fixes one, removes one and previews a row', async () => {
    const { call, dataDir, backend, subscribe } = realBackend();
    const campaign = await call('campaigns:create', { name: 'Fix' });
    const state = new RecipientsState(call, subscribe);
    await state.load(campaign.id, ['Hi {{first-name}}']);
    // As a dialog would: main registers the file and the window gets a handle.
    await state.choose(backend.services!.fileHandles.issue(list(dataDir)), 'US');
    await state.confirmImport();

    await state.setFilter('problems');
    expect(state.total).toBe(2);
    const invalid = state.rowAt(0)!;
    expect(invalid.status).toBe('invalid');
    expect(await state.fixPhone(invalid.row, '(646) 555-0100')).toBe(true);
    // The notice names the row as the spreadsheet does (line 452: header on line 1).
    expect(invalid.line).toBe(invalid.row + 1);
    expect(state.notice).toBe(`Row ${invalid.line} now calls +16465550100.`);
    expect(state.total).toBe(1);

    state.toggle({ index: 0, row: state.rowAt(0)!.row });
    expect(state.selection.count).toBe(1);
    await state.removeSelected();
    expect(state.total).toBe(0);
    expect(state.selection.count).toBe(0);
    expect(state.summary?.recipients).toMatchObject({
      total: 451,
      valid: 451,
      invalid: 0,
      duplicates: 0,
    });

    await state.show(3);
    expect(state.preview?.text).toBe('Hi P2');
  });

  it('shows the newest summary when an older one (built off the main thread) answers last', async () => {
    const { call, dataDir, backend, subscribe } = realBackend();
    const campaign = await call('campaigns:create', { name: 'Late' });
    // The first summary asked after the import answers only when let go.
    let holdNext = false;
    let release = () => {};
    const slow = (async (channel: string, input: unknown, options: unknown) => {
      const value = await (call as (c: string, i: unknown, o: unknown) => Promise<unknown>)(
        channel,
        input,
        options,
      );
      if (channel === 'recipients:summary' && holdNext) {
        holdNext = false;
        await new Promise<void>((resolve) => (release = resolve));
      }
      return value;
    }) as typeof call;
    const state = new RecipientsState(slow, subscribe);
    await state.load(campaign.id, ['Hi {{first-name}}']);
    await state.choose(backend.services!.fileHandles.issue(list(dataDir)), 'US');
    await state.confirmImport();
    expect(state.summary?.recipients.total).toBe(452);

    holdNext = true;
    const older = state.refresh();
    await vi.waitFor(() => expect(holdNext).toBe(false));
    // Meanwhile a row is removed and the summary asked again, answered at once.
    await state.setFilter('problems');
    state.toggle({ index: 0, row: state.rowAt(0)!.row });
    await state.removeSelected();
    expect(state.summary?.recipients.total).toBe(451);
    release();
    await older;
    expect(state.summary?.recipients.total).toBe(451);
  });

  describe('selection', () => {
    it('selects all problem rows of 452 without sending their numbers, removes them and one Undo brings them all back', async () => {
      const { call, dataDir, backend, subscribe } = realBackend();
      const campaign = await call('campaigns:create', { name: 'Select' });
      const sent: unknown[] = [];
      const spy = ((channel: string, input: unknown, options: unknown) => {
        if (channel === 'recipients:removeSelection') sent.push(input);
        return (call as (c: string, i: unknown, o: unknown) => unknown)(channel, input, options);
      }) as typeof call;
      const state = new RecipientsState(spy, subscribe);
      await state.load(campaign.id, ['Hi {{first-name}}']);
      await state.choose(backend.services!.fileHandles.issue(list(dataDir)), 'US');
      await state.confirmImport();

      // "Problems only", then select all: the two problem rows, not the 450 good ones.
      await state.setFilter('problems');
      state.selectAll();
      expect(state.selection.count).toBe(2);
      expect(await state.removeSelected()).toBe(true);
      expect(sent).toEqual([
        {
          campaignId: campaign.id,
          selection: { filter: 'problems', ranges: [[0, null]], count: 2 },
        },
      ]);
      expect(state.notice).toBe('Removed 2 rows from the list.');
      expect(state.summary?.recipients).toMatchObject({ total: 450, invalid: 0, duplicates: 0 });
      expect(await state.undoRemove()).toBe(true);
      expect(state.notice).toBe('2 rows are back in the list.');
      expect(state.summary?.recipients).toMatchObject({ total: 452, invalid: 1, duplicates: 1 });

      // A Shift range from row 3 to row 300 (rows between were never fetched), less one row.
      await state.setFilter('all');
      await state.ensure(299, 299);
      state.toggle({ index: 2, row: state.rowAt(2)!.row });
      state.extendTo({ index: 299, row: state.rowAt(299)!.row });
      expect(state.selection.count).toBe(298);
      state.toggle({ index: 100, row: state.rowAt(100)!.row });
      expect(state.selection.count).toBe(297);
      expect(await state.removeSelected()).toBe(true);
      expect(state.notice).toBe('Removed 297 rows from the list.');
      expect(state.total).toBe(452 - 297);
      expect(state.rowAt(2)?.row).toBe(101);
      expect(state.rowAt(3)?.row).toBe(301);
      expect(await state.undoRemove()).toBe(true);
      expect(state.total).toBe(452);
    });

    it('refuses, removing nothing, when the rows selected no longer match the list', async () => {
      const { call, dataDir, backend, subscribe } = realBackend();
      const campaign = await call('campaigns:create', { name: 'Changed' });
      const state = new RecipientsState(call, subscribe);
      await state.load(campaign.id);
      await state.choose(backend.services!.fileHandles.issue(list(dataDir)), 'US');
      await state.confirmImport();
      await state.setFilter('problems');
      state.selectAll();
      // Meanwhile (Settings, the CLI) a number of the list is put on the do-not-call list: one more problem.
      await call('optouts:add', { numbers: ['2125551005'] });
      expect(await state.removeSelected()).toBe(false);
      expect(state.error).toMatch(
        /The list changed after those rows were selected: 2 were selected and 3 match now\. Nothing was removed/,
      );
      expect(state.summary?.recipients.total).toBe(452);
    });
  });
});

describe('SettingsState', () => {
  it('adds a profile (the secret goes to the keychain), saves defaults and reports refusals', async () => {
    const { call, dataDir } = realBackend();
    const settings = new SettingsState(call);
    await settings.load();
    expect(settings.keychain).toEqual({ available: true, backend: expect.any(String) });
    expect(settings.defaults).toEqual({
      defaultCountry: 'US',
      defaultVoice: 'Polly-Joanna',
      batchSize: 100,
      profilePreferences: {},
    });

    expect(
      await settings.saveProfile({
        name: 'Bank',
        apiUrl: 'http://example.com/api/v1/',
        accountKey: '',
        tokenKey: 'k',
        tokenSecret: 's',
      }),
    ).toBe(false);
    expect(settings.error).toMatch(/https/);
    const secret = 'tok-secret-3f9a7c';
    expect(
      await settings.saveProfile({
        name: 'Bank',
        apiUrl: 'https://api.omnigage.io/api/v1/',
        accountKey: '',
        tokenKey: 'k',
        tokenSecret: secret,
      }),
    ).toBe(true);
    expect(settings.profiles).toHaveLength(1);
    expect(settings.active?.hasSecret).toBe(true);
    expect(JSON.stringify(settings.profiles)).not.toContain(secret);

    settings.defaults.batchSize = 250;
    await settings.saveDefaults();
    const again = new SettingsState(call);
    await again.load();
    expect(again.defaults.batchSize).toBe(250);
    // The token secret went to the secret store, never into the database (file or its journal).
    for (const file of readdirSync(dataDir, { recursive: true, withFileTypes: true })) {
      if (file.isFile())
        expect(readFileSync(join(file.parentPath, file.name)).includes(secret), file.name).toBe(
          false,
        );
    }
  });
});

describe('OptOutsState', () => {
  it('adds typed numbers (saying which are not numbers), searches, removes and imports a file', async () => {
    const { call, dialogs, dataDir } = realBackend();
    const profile = await call('profiles:save', {
      name: 'Main',
      apiUrl: 'https://api.omnigage.io/api/v1/',
      tokenKey: 'key',
      tokenSecret: 'secret',
    });
    const optOuts = new OptOutsState(call);
    await optOuts.load(profile.id);
    expect(optOuts.list?.total).toBe(0);

    expect(await optOuts.add('(212) 555-0142, 212 555 0199\nnope', 'US')).toBe(false);
    expect(optOuts.notice).toBe('Added 2 numbers. 1 not added: "nope" is not a phone number.');
    expect(optOuts.list?.entries.map((e) => e.e164).sort()).toEqual([
      '+12125550142',
      '+12125550199',
    ]);

    optOuts.search = '0199';
    await optOuts.load(profile.id);
    expect(optOuts.list?.entries.map((e) => e.e164)).toEqual(['+12125550199']);
    await optOuts.remove({ e164: '+12125550199', profileId: null });
    expect(optOuts.list?.total).toBe(0);

    const file = join(dataDir, 'dnc.csv');
    writeFileSync(file, 'Phone\n646-555-0100\n646-555-0101\n');
    dialogs.willOpen(file);
    optOuts.search = '';
    await optOuts.importFile('US');
    expect(optOuts.notice).toMatch(/^Imported dnc.csv: 2 numbers added/);
    expect(optOuts.list?.total).toBe(3);
  });

  it('keeps one list across profiles, with additions for one profile, and exports it', async () => {
    const { call, dialogs, dataDir } = realBackend();
    const main = await call('profiles:save', {
      name: 'Main',
      apiUrl: 'https://api.omnigage.io/api/v1/',
      tokenKey: 'key',
      tokenSecret: 'secret',
    });
    const other = await call('profiles:save', {
      name: 'Rehearsal',
      apiUrl: 'https://api.omnigage.io/api/v1/',
      tokenKey: 'key2',
      tokenSecret: 'secret',
    });
    const optOuts = new OptOutsState(call);
    await optOuts.load(other.id);
    expect(await optOuts.add('(212) 555-0142', 'US')).toBe(true);
    expect(await optOuts.add('(212) 555-0199', 'US', true)).toBe(true);
    expect(optOuts.list?.entries.map((e) => [e.e164, e.profileId, e.source]).sort()).toEqual([
      ['+12125550142', null, 'typed'],
      ['+12125550199', other.id, 'typed'],
    ]);
    // Another profile sees everyone's number, not the rehearsal's own addition ("0 numbers" no more).
    const onMain = new OptOutsState(call);
    await onMain.load(main.id);
    expect(onMain.list?.entries.map((e) => e.e164)).toEqual(['+12125550142']);

    const saved = join(dataDir, 'dnc export.csv');
    dialogs.willSave(saved);
    await optOuts.exportList();
    expect(optOuts.notice).toBe(`Saved 2 rows to ${saved}.`);
    const lines = readFileSync(saved, 'utf8').split('\r\n');
    expect(lines[1]).toMatch(/^\+12125550142,Every profile,Typed in,,/);
    expect(lines[2]).toMatch(/^\+12125550199,"Only ""Rehearsal""",Typed in,,/);
  });

  it('shares the list through an office file: create, read, limit, stop', async () => {
    const { call, dialogs, dataDir } = realBackend();
    const profile = await call('profiles:save', {
      name: 'Main',
      apiUrl: 'https://api.omnigage.io/api/v1/',
      tokenKey: 'key',
      tokenSecret: 'secret',
    });
    const optOuts = new OptOutsState(call);
    await optOuts.load(profile.id);
    expect(optOuts.shared).toBeNull();
    await optOuts.add('212 555 0142', 'US');

    const office = join(dataDir, 'office-dnc.csv');
    dialogs.willSave(office);
    await optOuts.sharedFile('create');
    expect(optOuts.error).toBeNull();
    expect(optOuts.notice).toBe(`This computer now shares its do-not-call list through ${office}.`);
    expect(optOuts.shared).toMatchObject({ path: office, maxAgeDays: 7, pending: 0, error: null });
    expect(readFileSync(office, 'utf8')).toMatch(
      /^number,action,source,detail,added_by,computer,added_at\r\n\+12125550142,add,typed,/,
    );

    // Another computer adds a number to the file by hand: read it now and it is on the list.
    writeFileSync(office, `${readFileSync(office, 'utf8')}(646) 555-0100\r\n`);
    await optOuts.readShared();
    expect(optOuts.list?.entries.map((e) => e.e164).sort()).toEqual([
      '+12125550142',
      '+16465550100',
    ]);
    expect(optOuts.list?.entries.find((e) => e.e164 === '+16465550100')?.source).toBe(
      'shared-file',
    );

    await optOuts.setLimit(3);
    expect(optOuts.shared?.maxAgeDays).toBe(3);
    await optOuts.sharedFile('stop');
    expect(optOuts.shared).toBeNull();
    // Its numbers stay on this computer's list.
    expect(optOuts.list?.entries.map((e) => e.e164).sort()).toEqual([
      '+12125550142',
      '+16465550100',
    ]);
  });
});
