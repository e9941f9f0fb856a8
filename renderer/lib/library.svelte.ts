import type { Message } from '../../shared/campaign';
import type { LibraryItem } from '../../shared/library';
import { call as defaultCall, messageOf } from './api';
import { formatClock } from './message';

type Call = typeof defaultCall;

/**
 * The message library as the window sees it: the saved messages, and saving, renaming and
 * deleting them. The editor, the "Insert from library…" picker and the Library screen share it.
 */
export class LibraryState {
  items = $state.raw<LibraryItem[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  readonly #call: Call;

  constructor(call: Call = defaultCall) {
    this.#call = call;
  }

  async load(): Promise<void> {
    try {
      this.items = await this.#call('library:list');
      this.loaded = true;
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  /** Saves a copy of a message; the error (a name taken) is thrown for the dialog to show. */
  async save(name: string, message: Message): Promise<LibraryItem> {
    const saved = await this.#call('library:save', { name, message });
    await this.load();
    return saved;
  }

  /** Renames; the error is thrown for the row being edited to show. */
  async rename(id: string, name: string): Promise<void> {
    const renamed = await this.#call('library:rename', { id, name });
    await this.load();
    this.notice = `Renamed to “${renamed.name}”.`;
  }

  async remove(item: LibraryItem): Promise<void> {
    let deleted = false;
    try {
      await this.#call('library:delete', { id: item.id });
      this.error = null;
      deleted = true;
    } catch (error) {
      this.error = messageOf(error);
    }
    await this.load();
    // Said once the library no longer shows it.
    if (deleted) {
      this.notice = `Deleted “${item.name}” from the library. Campaigns that use it keep their copy.`;
    }
  }
}

/** One line about a saved message: its first words, or the recording's name and length. */
export function librarySummary(item: LibraryItem): string {
  const m = item.message;
  if (m.kind === 'text') {
    const words = m.body.replace(/\s+/g, ' ').trim();
    return words.length > 140 ? `${words.slice(0, 139)}…` : words;
  }
  const length = formatClock(m.durationMs ?? 0);
  return `${m.fileName ?? 'Recording'} · ${length}${item.available ? '' : ' · the file is missing from the data folder'}`;
}
