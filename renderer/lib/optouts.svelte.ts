import type { OptOutList } from '../../shared/recipients/types';
import { call as defaultCall, messageOf } from './api';

type Call = typeof defaultCall;

export const OPT_OUT_PAGE = 50;

/**
 * A profile's do-not-call list as Settings shows it: a searchable page of numbers, numbers typed
 * or pasted in, numbers removed, and a spreadsheet of them imported. Campaigns hold these
 * numbers back when they are checked and again when they are sent.
 */
export class OptOutsState {
  list = $state.raw<OptOutList | null>(null);
  search = $state('');
  offset = $state(0);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  profileId = '';
  readonly #call: Call;

  constructor(call: Call = defaultCall) {
    this.#call = call;
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

  /** Numbers typed or pasted, one per line or separated by commas. */
  async add(text: string, defaultCountry: string): Promise<boolean> {
    const numbers = text.split(/[\n,;]+/).map((n) => n.trim()).filter(Boolean);
    if (numbers.length === 0) return false;
    try {
      const change = await this.#call('optouts:add', { numbers, defaultCountry });
      const rejected = change.rejected.length ? ` ${change.rejected.length} not added: ${change.rejected.slice(0, 3).map((r) => `"${r.value}"`).join(', ')} ${change.rejected.length === 1 ? 'is' : 'are'} not a phone number.` : '';
      this.notice = `Added ${change.changed} number${change.changed === 1 ? '' : 's'}${change.unchanged ? ` (${change.unchanged} already on the list)` : ''}.${rejected}`;
      this.error = null;
      await this.load(this.profileId);
      return change.rejected.length === 0;
    } catch (error) {
      this.error = messageOf(error);
      return false;
    }
  }

  async remove(e164: string): Promise<void> {
    try {
      await this.#call('optouts:remove', { numbers: [e164] });
      this.notice = `${e164} can be called again.`;
      this.error = null;
      await this.load(this.profileId, this.offset);
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  async importFile(defaultCountry: string): Promise<void> {
    try {
      const { file } = await this.#call('dialog:openFile', { kind: 'recipients' }, { timeoutMs: 10 * 60_000 });
      if (!file) return;
      const change = await this.#call('optouts:import', { file: file.handle, defaultCountry }, { timeoutMs: 10 * 60_000 });
      this.notice = `Imported ${change.fileName}: ${change.changed} number${change.changed === 1 ? '' : 's'} added, ${change.unchanged} already there${change.rejected.length ? `, ${change.rejected.length} rows not phone numbers` : ''}.`;
      this.error = null;
      await this.load(this.profileId);
    } catch (error) {
      this.error = messageOf(error);
    }
  }
}
