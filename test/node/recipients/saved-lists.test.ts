import { renameSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import * as readTable from '../../../electron/recipients/read-table';
import { createDispatcher } from '../../../electron/ipc/bind';
import { createHandlers } from '../../../electron/ipc/handlers';
import { createMemoryLogger } from '../../../electron/logging/logger';
import { MemorySecretStore } from '../../../electron/secrets/memory-store';
import { createServices } from '../../../electron/services';
import { useTempDir } from '../../helpers/temp';

// The hash function, counted: checking a saved list's file must not read an unchanged file again.
vi.mock('../../../electron/recipients/read-table', async (original) => {
  const actual = await original<typeof readTable>();
  return { ...actual, hashFile: vi.fn(actual.hashFile) };
});
const hashFile = vi.mocked(readTable.hashFile);

const tempDir = useTempDir();

type Answer<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

function setup() {
  const dir = tempDir();
  const log = createMemoryLogger();
  const services = createServices({
    dataDir: join(dir, 'data'),
    log,
    secrets: new MemorySecretStore(),
  });
  const dispatch = createDispatcher(
    createHandlers({ services, emit: () => {}, version: 'x' }),
    log,
  ) as <T>(channel: string, input: unknown) => Promise<Answer<T>>;
  return { dir, services, dispatch };
}

const value = <T>(answer: Answer<T>): T => {
  if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
  return answer.value;
};

describe('saved lists: an imported list kept under a name, used by later campaigns', () => {
  it('is saved at import, used by another campaign, and a changed file is said (numbers added and gone) before it is read again', async () => {
    const { dir, services, dispatch } = setup();
    const file = join(dir, 'parents.csv');
    writeFileSync(
      file,
      'Phone,First Name\n(212) 555-0142,Ann\n(212) 555-0143,Bo\n(212) 555-0144,Cy\n',
    );
    const first = services.campaigns.create('Snow day');
    const imported = value(
      await dispatch<{ saved: { id: string; name: string; rowCount: number } }>(
        'recipients:import',
        {
          campaignId: first.id,
          file: services.fileHandles.issue(file).handle,
          saveAs: '  Parents ',
        },
      ),
    );
    expect(imported.saved).toMatchObject({ name: 'Parents', rowCount: 3 });
    const listId = imported.saved.id;
    expect(value(await dispatch<unknown[]>('lists:all', undefined))).toEqual([
      expect.objectContaining({
        id: listId,
        name: 'Parents',
        fileName: 'parents.csv',
        filePath: file,
        usedBy: 1,
      }),
    ]);

    // The same name (any case) is refused before anything is imported.
    const other = services.campaigns.create('Other');
    const taken = await dispatch('recipients:import', {
      campaignId: other.id,
      file: services.fileHandles.issue(file).handle,
      saveAs: 'parents',
    });
    expect(taken).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringContaining('already named "Parents"') },
    });
    expect(services.recipients.getList(other.id)).toBeNull();

    // A later campaign uses it: read from the file, with the choices made when it was saved.
    const later = services.campaigns.create('Snow day, again');
    value(await dispatch('lists:use', { campaignId: later.id, listId }));
    expect(services.recipients.getList(later.id)).toMatchObject({
      rowCount: 3,
      phoneColumn: 'Phone',
    });
    expect(value(await dispatch('lists:status', { campaignId: later.id }))).toEqual({
      status: { list: expect.objectContaining({ id: listId, usedBy: 2 }), changed: null },
    });
    // A campaign whose list is replaced by another file no longer follows it.
    const replaced = services.campaigns.create('Replaced');
    value(await dispatch('lists:use', { campaignId: replaced.id, listId }));
    const otherFile = join(dir, 'other.csv');
    writeFileSync(otherFile, 'Phone\n(212) 555-0190\n');
    value(
      await dispatch('recipients:import', {
        campaignId: replaced.id,
        file: services.fileHandles.issue(otherFile).handle,
      }),
    );
    expect(value(await dispatch<Array<{ usedBy: number }>>('lists:all', undefined))).toEqual([
      expect.objectContaining({ id: listId, usedBy: 2 }),
    ]);

    // The office edits the file: Bo leaves, Di and Ed arrive. The campaign says so and keeps its rows.
    writeFileSync(
      file,
      'Phone,First Name\n(212) 555-0142,Ann\n(212) 555-0144,Cy\n(212) 555-0145,Di\n(212) 555-0146,Ed\n',
    );
    expect(value(await dispatch('lists:status', { campaignId: later.id }))).toEqual({
      status: {
        list: expect.objectContaining({ id: listId }),
        changed: { unreadable: null, rowsHere: 3, rowsInFile: 4, added: 2, removed: 1 },
      },
    });
    expect(services.recipients.getList(later.id)!.rowCount).toBe(3);

    // Read again when the person says so: the campaign now has the file's rows, and is current.
    value(await dispatch('lists:use', { campaignId: later.id, listId }));
    expect(services.recipients.getList(later.id)!.rowCount).toBe(4);
    expect(
      value(
        await dispatch<{ status: { changed: unknown } }>('lists:status', { campaignId: later.id }),
      ).status.changed,
    ).toBeNull();
    // The first campaign read the older file: it is told too.
    expect(
      value(
        await dispatch<{ status: { changed: { added: number; removed: number } } }>(
          'lists:status',
          { campaignId: first.id },
        ),
      ).status.changed,
    ).toMatchObject({ added: 2, removed: 1 });

    // The file moves away: said, naming it, and using the list says what to do.
    renameSync(file, join(dir, 'moved.csv'));
    expect(
      value(
        await dispatch<{ status: { changed: { unreadable: string } } }>('lists:status', {
          campaignId: later.id,
        }),
      ).status.changed.unreadable,
    ).toContain(`${file} is not there any more`);
    const gone = await dispatch('lists:use', { campaignId: other.id, listId });
    expect(gone).toMatchObject({
      ok: false,
      error: {
        message: expect.stringContaining(`The saved list "Parents" could not be read from ${file}`),
      },
    });
    expect(services.recipients.getList(other.id)).toBeNull();

    // Importing another file by hand: the campaign's list is no saved list's any more.
    const plain = join(dir, 'plain.csv');
    writeFileSync(plain, 'Phone\n(212) 555-0150\n');
    value(
      await dispatch('recipients:import', {
        campaignId: later.id,
        file: services.fileHandles.issue(plain).handle,
      }),
    );
    expect(value(await dispatch('lists:status', { campaignId: later.id }))).toEqual({
      status: null,
    });

    // A dropped file is a copy the app clears away after a day: it cannot become a saved list.
    const dropped = services.stagedFiles.stage(
      'dropped.csv',
      Buffer.from('Phone\n(212) 555-0160\n').toString('base64'),
    );
    const fromDrop = services.campaigns.create('From a drop');
    expect(
      await dispatch('recipients:import', {
        campaignId: fromDrop.id,
        file: services.fileHandles.issue(dropped).handle,
        saveAs: 'Dropped',
      }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_input',
        message: expect.stringContaining('dropped.csv was dropped onto the window'),
      },
    });
    expect(services.recipients.getList(fromDrop.id)).toBeNull();

    value(await dispatch('lists:delete', { listId }));
    expect(value(await dispatch('lists:all', undefined))).toEqual([]);
    expect(value(await dispatch('lists:status', { campaignId: first.id }))).toEqual({
      status: null,
    });
    services.close();
  });

  it('checks an unchanged file without reading it again (same size and time), and sees a new time at the same size', async () => {
    const { dir, services, dispatch } = setup();
    const file = join(dir, 'parents.csv');
    const aMinuteAgo = new Date(Date.now() - 60_000);
    writeFileSync(file, 'Phone\n(212) 555-0142\n(212) 555-0143\n');
    utimesSync(file, aMinuteAgo, aMinuteAgo);
    const first = services.campaigns.create('Snow day');
    const { saved } = value(
      await dispatch<{ saved: { id: string } }>('recipients:import', {
        campaignId: first.id,
        file: services.fileHandles.issue(file).handle,
        saveAs: 'Parents',
      }),
    );
    const status = async () =>
      value(
        await dispatch<{ status: { changed: { added: number; removed: number } | null } }>(
          'lists:status',
          { campaignId: first.id },
        ),
      ).status.changed;

    hashFile.mockClear();
    expect(await status()).toBeNull();
    expect(hashFile).toHaveBeenCalledTimes(1);
    // Opened again: same size, same time, so the kept hash answers and the file is not read.
    expect(await status()).toBeNull();
    expect(await status()).toBeNull();
    expect(hashFile).toHaveBeenCalledTimes(1);

    // Same size, other bytes, a new time: hashed again and the change is said.
    const halfAMinuteAgo = new Date(Date.now() - 30_000);
    writeFileSync(file, 'Phone\n(212) 555-0142\n(212) 555-0149\n');
    utimesSync(file, halfAMinuteAgo, halfAMinuteAgo);
    expect(await status()).toEqual(expect.objectContaining({ added: 1, removed: 1 }));
    expect(hashFile).toHaveBeenCalledTimes(2);

    // The known blind spot: other bytes with the same size AND time go unseen by this check...
    writeFileSync(file, 'Phone\n(212) 555-0142\n(212) 555-0148\n');
    utimesSync(file, halfAMinuteAgo, halfAMinuteAgo);
    expect(await status()).toEqual(expect.objectContaining({ added: 1, removed: 1 }));
    expect(hashFile).toHaveBeenCalledTimes(2);
    // ...but reading the file again always reads it as it is.
    value(await dispatch('lists:use', { campaignId: first.id, listId: saved.id }));
    expect(services.recipients.getList(first.id)!.rowCount).toBe(2);
    expect(
      value(
        await dispatch<{ rows: { phone: string }[] }>('recipients:page', {
          campaignId: first.id,
          offset: 0,
          limit: 10,
          filter: 'all',
        }),
      ).rows.map((r) => r.phone),
    ).toEqual(['(212) 555-0142', '(212) 555-0148']);

    // A file written just now is hashed each time: another write within the same clock tick
    // could keep its size and time.
    writeFileSync(file, 'Phone\n(212) 555-0142\n(212) 555-0147\n');
    hashFile.mockClear();
    expect(await status()).toEqual(expect.objectContaining({ added: 1, removed: 1 }));
    expect(await status()).toEqual(expect.objectContaining({ added: 1, removed: 1 }));
    expect(hashFile).toHaveBeenCalledTimes(2);
    services.close();
  });
});
