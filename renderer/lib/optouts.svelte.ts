import type { OptOutEntry, OptOutList, SharedDncStatus } from '../../shared/recipients/types';
import { call as defaultCall, messageOf } from './api';

type Call = typeof defaultCall;

export const OPT_OUT_PAGE = 50;

/** Where a number came from, in the words Settings shows. */
export function sourceWords(entry: Pick<OptOutEntry, 'source' | 'detail'>): string {
  const words = {
    typed: 'Typed in',
    imported: 'Imported',
    'shared-file': 'Office file',
    'call-result': 'Call result',
  }[entry.source];
  return entry.detail ? `${words} (${entry.detail})` : words;
}

/** Who added a number and on which computer ("alice on FRONT-DESK"), or "" when not recorded. */
export function addedByWords(entry: Pick<OptOutEntry, 'addedBy' | 'addedOn'>): string {
  if (!entry.addedBy && !entry.addedOn) return '';
  return [entry.addedBy, entry.addedOn && `on ${entry.addedOn}`].filter(Boolean).join(' ');
}

/**
 * The do-not-call list as Settings shows it: one list for every API profile (with additions for
 * the profile in use, when asked), a searchable page of numbers, numbers typed or pasted in,
 * removed, imported from a spreadsheet or exported for a compliance review, and the office's
 * shared file. Campaigns hold these numbers back when they are checked and again when sent.
 */
export class OptOutsState {
  list = $state.raw<OptOutList | null>(null);
  search = $state('');
  offset = $state(0);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  busy = $state(false);
  /** The profile whose own additions are shown with everyone's numbers. */
  profileId = '';
  readonly #call: Call;

  constructor(call: Call = defaultCall) {
    this.#call = call;
  }

  get shared(): SharedDncStatus | null {
    return this.list?.shared ?? null;
  }

  async load(profileId: string, offset = 0): Promise<void> {
    this.profileId = profileId;
    try {
      this.list = await this.#call('optouts:list', {
        profileId,
        offset,
        limit: OPT_OUT_PAGE,
        search: this.search.trim() || undefined,
      });
      this.offset = offset;
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  /**
   * Runs an action and, when it did something (`done` gives words, or null for none), shows what
   * it did and reloads the list (`page`: the first page, or the page in view). A failure is shown
   * instead; `busy` is always cleared, since an action may set it once its dialog has closed.
   */
  async #act<T>(
    action: () => Promise<T>,
    done: (value: T) => string | null | false,
    page: 'first' | 'same' | 'none' = 'first',
  ): Promise<T | undefined> {
    try {
      const value = await action();
      const words = done(value);
      if (words === false) return value;
      this.error = null;
      if (page !== 'none') await this.load(this.profileId, page === 'same' ? this.offset : 0);
      // Said once the list shows the change, never beside the list as it was.
      this.notice = words;
      return value;
    } catch (error) {
      this.error = messageOf(error);
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  /** Numbers typed or pasted, one per line or separated by commas; `onlyThisProfile`: for this profile only. */
  async add(text: string, defaultCountry: string, onlyThisProfile = false): Promise<boolean> {
    const numbers = text
      .split(/[\n,;]+/)
      .map((n) => n.trim())
      .filter(Boolean);
    if (numbers.length === 0) return false;
    const change = await this.#act(
      () =>
        this.#call('optouts:add', {
          numbers,
          defaultCountry,
          ...(onlyThisProfile ? { onlyForProfile: this.profileId } : {}),
        }),
      (change) => {
        const rejected = change.rejected.length
          ? ` ${change.rejected.length} not added: ${change.rejected
              .slice(0, 3)
              .map((r) => `"${r.value}"`)
              .join(', ')} ${change.rejected.length === 1 ? 'is' : 'are'} not a phone number.`
          : '';
        return `Added ${change.changed} number${change.changed === 1 ? '' : 's'}${change.unchanged ? ` (${change.unchanged} already on the list)` : ''}.${rejected}${change.shared ? ` ${change.shared}` : ''}`;
      },
    );
    return change !== undefined && change.rejected.length === 0;
  }

  async remove(entry: Pick<OptOutEntry, 'e164' | 'profileId'>): Promise<void> {
    await this.#act(
      () =>
        this.#call('optouts:remove', {
          numbers: [entry.e164],
          ...(entry.profileId ? { onlyForProfile: entry.profileId } : {}),
        }),
      () => `${entry.e164} can be called again${entry.profileId ? ' with this profile' : ''}.`,
      'same',
    );
  }

  async importFile(defaultCountry: string): Promise<void> {
    await this.#act(
      async () => {
        const { file } = await this.#call(
          'dialog:openFile',
          { kind: 'recipients' },
          { timeoutMs: 10 * 60_000 },
        );
        if (!file) return null;
        this.busy = true;
        return this.#call(
          'optouts:import',
          { file: file.handle, defaultCountry },
          { timeoutMs: 10 * 60_000 },
        );
      },
      (change) =>
        change &&
        `Imported ${change.fileName}: ${change.changed} number${change.changed === 1 ? '' : 's'} added, ${change.unchanged} already there${change.invalid ? `, ${change.invalid} rows not phone numbers` : ''}.${change.shared ? ` ${change.shared}` : ''}`,
    );
  }

  /** Every number with where it came from, and every removal, as a CSV for a compliance review. */
  async exportList(): Promise<void> {
    await this.#act(
      () => this.#call('optouts:export', undefined, { timeoutMs: 10 * 60_000 }),
      ({ saved }) =>
        saved !== null &&
        `Saved ${saved.rows.toLocaleString()} row${saved.rows === 1 ? '' : 's'} to ${saved.path}.`,
      'none',
    );
  }

  /** Choose or create the office's shared file, or stop using it. */
  async sharedFile(action: 'choose' | 'create' | 'stop'): Promise<void> {
    this.busy = true;
    await this.#act(
      () => this.#call('optouts:sharedFile', { action }, { timeoutMs: 10 * 60_000 }),
      ({ shared, cancelled }) =>
        !cancelled &&
        (shared
          ? `This computer now shares its do-not-call list through ${shared.path}.`
          : 'The office file is no longer used. Its numbers stay on this computer’s list.'),
    );
  }

  /** Reads the office's file now. */
  async readShared(): Promise<void> {
    this.busy = true;
    await this.#act(
      () => this.#call('optouts:refresh', undefined, { timeoutMs: 60_000 }),
      (shared) => (shared?.error ? null : 'The office file was read just now.'),
      'same',
    );
  }

  async setLimit(days: number): Promise<void> {
    await this.#act(
      () => this.#call('optouts:sharedLimit', { maxAgeDays: days }),
      () =>
        `A send now refuses to rely on a copy of the office file older than ${days} day${days === 1 ? '' : 's'}.`,
      'same',
    );
  }
}
