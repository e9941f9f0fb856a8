import type {
  PageFilter,
  Preview,
  RecipientList,
  RecipientView,
  TextEncodingName,
  ImportProgress,
} from '../../shared/recipients/types';
import type { CallRecord } from '../../shared/call-history';
import type { SavedList, SavedListStatus } from '../../shared/saved-lists';
import type { ValidationSummary } from '../../shared/recipients/summary';
import type { ChosenFile, SheetPeek } from '../../shared/workspace';
import { ApiCallError, call as defaultCall, messageOf, subscribe as defaultSubscribe } from './api';
import { Selection, type RowAt } from './selection';

type Call = typeof defaultCall;
type Subscribe = typeof defaultSubscribe;

/** Rows are fetched in blocks this size as the table scrolls. */
export const BLOCK_SIZE = 200;

/** "Importing list.csv… 45% (120,000 rows read)", then "Saving the new list from list.csv… 80%". */
export function describeImport(fileName: string, progress: ImportProgress): string {
  const share = progress.fraction !== null ? ` ${Math.floor(progress.fraction * 100)}%` : '';
  if (progress.stage === 'saving') return `Saving the new list from ${fileName}…${share}`;
  return `Importing ${fileName}…${share} (${progress.rows.toLocaleString('en-US')} rows read)`;
}

/** A file waiting for the person to confirm its columns. */
export interface PendingImport {
  file: ChosenFile;
  peek: SheetPeek;
  phoneColumn: string;
  defaultCountry: string;
  /** The encoding the CSV is read in: chosen by the person after a doubt, else the app's guess. */
  encoding: TextEncodingName | null;
  /** Set once the person chose the encoding, so the import reads the file the same way. */
  encodingChosen: boolean;
  /** Keep the list under this name for later campaigns (blank: do not). */
  saveAs?: string;
}

/**
 * A campaign's recipients as the screen sees them: the list's summary, the mapping step of an
 * import, and a sparse cache of row blocks behind the virtualized table. Only the blocks near
 * what is on screen are ever fetched, so a 100,000-row list costs a few hundred rows of memory.
 */
export class RecipientsState {
  list = $state.raw<RecipientList | null>(null);
  summary = $state.raw<ValidationSummary | null>(null);
  filter = $state<PageFilter>('all');
  /** Rows matching the filter. */
  total = $state(0);
  loaded = $state(false);
  busy = $state<string | null>(null);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  pending = $state<PendingImport | null>(null);
  /** The import under way (it runs in the background): how far it has got; null when none runs. */
  importing = $state.raw<ImportProgress | null>(null);
  /** Cancel was pressed and the import is stopping. */
  cancelling = $state(false);
  /** The notice is about a removal that Undo can still put back. */
  undoable = $state(false);
  /** Rows ticked in the table (positions in the current filter); replaced whole on each change. */
  selection = $state.raw<Selection>(Selection.none);
  /** Where a Shift-click or Shift+Arrow range starts: the row last clicked or ticked. */
  anchor: RowAt | null = null;
  /** The selection before the current Shift range began, so the range can grow and shrink. */
  #beforeRange: Selection | null = null;
  /** The focused row as the spreadsheet numbers it (see labelOf). */
  focusLabel = $state<number | null>(null);
  /** The row whose message is shown, with its rendered text. */
  focusRow = $state<number | null>(null);
  preview = $state.raw<Preview | null>(null);
  /** Every text message rendered for the focused row, with what it is (live answer, voicemail). */
  previews = $state.raw<Array<{ label: string; preview: Preview }>>([]);
  /** Every call this computer handed to Omnigage for the focused row's number, across campaigns (null while loading). */
  history = $state.raw<CallRecord[] | null>(null);

  /** The spreadsheet row of a single row removed, for Undo's message. */
  #removedLabel: number | null = null;
  /** Bumped when blocks arrive, so rows read through rowAt() re-render. */
  #version = $state(0);
  // Plain maps on purpose: #version is the one signal, so 100,000 rows never become proxies.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- see above
  #blocks = new Map<number, RecipientView[]>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- see above
  #inFlight = new Map<number, Promise<void>>();
  /** Invalidates replies for an older filter or list. */
  #generation = 0;
  /** Counts summary requests, so only the latest one's answer is shown. */
  #summaryAsked = 0;
  readonly #call: Call;
  readonly #subscribe: Subscribe;
  campaignId = '';
  profileId: string | undefined;
  /** Message texts the summary checks merge fields against. */
  texts: string[] = [];
  /** What each text is, for the row panel ("When someone answers", "On voicemail"). */
  labels: string[] = [];
  /** When the first block of the current view arrived (for the UI benchmark). */
  firstBlockAt = 0;

  constructor(call: Call = defaultCall, subscribe: Subscribe = defaultSubscribe) {
    this.#call = call;
    this.#subscribe = subscribe;
  }

  async load(
    campaignId: string,
    texts: string[] = this.texts,
    labels: string[] = this.labels,
  ): Promise<void> {
    this.campaignId = campaignId;
    this.texts = texts;
    this.labels = labels;
    try {
      const { list } = await this.#call('recipients:list', { campaignId });
      this.list = list;
      await this.refresh();
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.loaded = true;
    }
    await this.loadSaved();
  }

  /** The saved lists, and whether this campaign's list is one whose file changed since (said, never applied by itself). */
  savedLists = $state.raw<SavedList[]>([]);
  savedStatus = $state.raw<SavedListStatus | null>(null);

  async loadSaved(): Promise<void> {
    try {
      const [lists, { status }] = await Promise.all([
        this.#call('lists:all'),
        this.#call('lists:status', { campaignId: this.campaignId }),
      ]);
      this.savedLists = lists;
      this.savedStatus = status;
    } catch {
      // Saved lists only add a choice: the list itself loaded (or said why not) above.
      this.savedLists = [];
      this.savedStatus = null;
    }
  }

  /** Reads a saved list's file into this campaign: using it, or reading it again after it changed. */
  async useSaved(listId: string): Promise<boolean> {
    const list = this.savedLists.find((l) => l.id === listId);
    this.busy = `Reading ${list ? `“${list.name}”` : 'the saved list'}…`;
    try {
      const result = await this.#call(
        'lists:use',
        { campaignId: this.campaignId, listId },
        { timeoutMs: 10 * 60_000 },
      );
      this.undoable = false;
      this.filter = 'all';
      this.focusRow = null;
      this.preview = null;
      await this.load(this.campaignId);
      // Said once the table and banners show the rows it read (never beside the old ones).
      this.notice = `Read ${result.counts.total.toLocaleString()} rows from ${result.fileName}${list ? ` (the saved list “${list.name}”)` : ''}.`;
      return true;
    } catch (error) {
      this.error = messageOf(error);
      return false;
    } finally {
      this.busy = null;
    }
  }

  /**
   * Deletes a saved list (asked first by the panel). Only the name goes: the file stays, and
   * campaigns that used it keep their rows, no longer told when the file changes.
   */
  async deleteSaved(listId: string): Promise<boolean> {
    const list = this.savedLists.find((l) => l.id === listId);
    let deleted = false;
    try {
      await this.#call('lists:delete', { listId });
      deleted = true;
    } catch (error) {
      this.error = messageOf(error);
    }
    // The lists are read again before the notice shows, so the notice never sits beside a banner
    // or a chooser that still offers the list it says is gone.
    await this.loadSaved();
    if (deleted) {
      this.notice = `Deleted the saved list${list ? ` “${list.name}”` : ''}. Campaigns that used it keep their rows.`;
    }
    return deleted;
  }

  /** Summary and table again from the start (after an import or an edit). */
  async refresh(): Promise<void> {
    this.#reset();
    const asked = ++this.#summaryAsked;
    if (!this.list) {
      this.summary = null;
      this.total = 0;
      return;
    }
    const [summary] = await Promise.all([
      this.#call(
        'recipients:summary',
        { campaignId: this.campaignId, texts: this.texts },
        { timeoutMs: 60_000 },
      ),
      this.ensure(0, BLOCK_SIZE - 1),
    ]);
    // A long list's summary is built off main's thread: an older one may answer after a newer
    // refresh began (an edit, another import), and must not replace it.
    if (asked === this.#summaryAsked) this.summary = summary;
  }

  #reset(): void {
    // Another filter or list puts other rows at those positions: the selection does not carry over.
    this.clearSelection();
    this.#generation++;
    this.#blocks.clear();
    this.#inFlight.clear();
    this.firstBlockAt = 0;
    this.#version++;
  }

  async setFilter(filter: PageFilter): Promise<void> {
    if (filter === this.filter) return;
    this.filter = filter;
    this.#reset();
    await this.ensure(0, BLOCK_SIZE - 1);
  }

  /**
   * How the table numbers rows: as the spreadsheet does (lists imported with their lines), or by
   * data row (lists imported before the app kept lines).
   */
  get numbering(): 'lines' | 'data-rows' {
    const first = this.rowAt(0);
    return first && first.line === null ? 'data-rows' : 'lines';
  }

  /** The number a person knows a row by (its spreadsheet row when known). */
  labelOf(row: number): number {
    return this.findLoaded(row)?.line ?? row;
  }

  /** The row at a position in the current filter, or undefined while its block is loading. */
  rowAt(index: number): RecipientView | undefined {
    void this.#version;
    return this.#blocks.get(Math.floor(index / BLOCK_SIZE))?.[index % BLOCK_SIZE];
  }

  /** A row by its number among the rows already fetched (the row panel shows the focused one). */
  findLoaded(row: number): RecipientView | undefined {
    void this.#version;
    for (const block of this.#blocks.values()) {
      const first = block[0];
      const last = block[block.length - 1];
      if (first && last && first.row <= row && row <= last.row)
        return block.find((r) => r.row === row);
    }
    return undefined;
  }

  /** Fetches the blocks covering rows first..last (the table calls this as it scrolls). */
  async ensure(first: number, last: number): Promise<void> {
    if (!this.list) return;
    const from = Math.max(0, Math.floor(first / BLOCK_SIZE));
    const to = Math.max(from, Math.floor(last / BLOCK_SIZE));
    const waits: Promise<void>[] = [];
    for (let block = from; block <= to; block++) {
      if (this.#blocks.has(block)) continue;
      if (block > from && block * BLOCK_SIZE >= this.total && this.#blocks.size > 0) break;
      let pending = this.#inFlight.get(block);
      if (!pending) {
        pending = this.#fetch(block);
        this.#inFlight.set(block, pending);
      }
      waits.push(pending);
    }
    await Promise.all(waits);
  }

  async #fetch(block: number): Promise<void> {
    const generation = this.#generation;
    try {
      const page = await this.#call('recipients:page', {
        campaignId: this.campaignId,
        offset: block * BLOCK_SIZE,
        limit: BLOCK_SIZE,
        filter: this.filter,
      });
      if (generation !== this.#generation) return;
      if (this.firstBlockAt === 0) {
        this.firstBlockAt = performance.now();
        performance.mark('recipients:first-block');
      }
      this.#blocks.set(block, page.rows);
      // Keep memory flat on long scrolls: drop blocks far from this one.
      if (this.#blocks.size > 40) {
        for (const key of this.#blocks.keys())
          if (Math.abs(key - block) > 20) this.#blocks.delete(key);
      }
      this.total = page.total;
      this.#version++;
    } catch (error) {
      if (generation === this.#generation) this.error = messageOf(error);
    } finally {
      if (generation === this.#generation) this.#inFlight.delete(block);
    }
  }

  // ---- importing ----------------------------------------------------------------------

  /** Step 1: a file was chosen or dropped; show its first rows and the columns found. */
  async choose(file: ChosenFile, defaultCountry: string): Promise<void> {
    this.busy = 'Reading the file…';
    try {
      const peek = await this.#call(
        'recipients:peek',
        { file: file.handle, rows: 6 },
        { timeoutMs: 60_000 },
      );
      this.pending = {
        file,
        peek,
        phoneColumn: peek.detectedPhoneColumn ?? peek.headers[0] ?? '',
        defaultCountry: this.list?.defaultCountry ?? defaultCountry,
        encoding: peek.encoding,
        encodingChosen: false,
      };
      this.error = null;
      // "Imported 120 rows" is about the list this file may replace, not about the mapping step
      // that now opens under it; a removal Undo can still put back stays, as it still acts.
      if (!this.undoable) this.notice = null;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.busy = null;
    }
  }

  /** The mapping step again, with the CSV read in the encoding the person chose. */
  async reread(encoding: TextEncodingName): Promise<void> {
    const pending = this.pending;
    if (!pending) return;
    // A row of names the person chose stays chosen; the app's guess is made again on the new text.
    const headerRow = pending.peek.headerRowGuessed ? undefined : pending.peek.headerRow;
    await this.#peekAgain(pending, { encoding, headerRow }, { encodingChosen: true });
  }

  /** The mapping step again, with the column names read from the row the person chose. */
  async chooseHeaderRow(headerRow: number): Promise<void> {
    const pending = this.pending;
    if (!pending) return;
    const encoding = pending.encodingChosen && pending.encoding ? pending.encoding : undefined;
    await this.#peekAgain(pending, { encoding, headerRow }, {});
  }

  async #peekAgain(
    pending: PendingImport,
    ask: { encoding: TextEncodingName | undefined; headerRow: number | undefined },
    change: Partial<PendingImport>,
  ): Promise<void> {
    this.busy = `Reading ${pending.file.fileName} again…`;
    try {
      const peek = await this.#call(
        'recipients:peek',
        {
          file: pending.file.handle,
          rows: 6,
          ...(ask.encoding ? { encoding: ask.encoding } : {}),
          ...(ask.headerRow !== undefined ? { headerRow: ask.headerRow } : {}),
        },
        { timeoutMs: 60_000 },
      );
      // Headers read differently may rename the phone column: keep the choice when it still exists.
      const phoneColumn = peek.headers.includes(pending.phoneColumn)
        ? pending.phoneColumn
        : (peek.detectedPhoneColumn ?? peek.headers[0] ?? '');
      this.pending = {
        ...pending,
        ...change,
        peek,
        phoneColumn,
        encoding: ask.encoding ?? peek.encoding,
      };
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.busy = null;
    }
  }

  async pickFile(defaultCountry: string): Promise<void> {
    try {
      const { file } = await this.#call(
        'dialog:openFile',
        { kind: 'recipients' },
        { timeoutMs: 10 * 60_000 },
      );
      if (file) await this.choose(file, defaultCountry);
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  /** A file dropped on the window: its bytes go to main, which keeps a copy to read. */
  async dropFile(file: File, defaultCountry: string): Promise<void> {
    this.busy = `Reading ${file.name}…`;
    try {
      const base64 = await toBase64(file);
      const staged = await this.#call(
        'files:stageDropped',
        { fileName: file.name, base64 },
        { timeoutMs: 120_000 },
      );
      await this.choose(staged, defaultCountry);
    } catch (error) {
      this.error = messageOf(error);
      this.busy = null;
    }
  }

  cancelImport(): void {
    this.pending = null;
  }

  /** Step 2: import with the confirmed phone column and country. */
  async confirmImport(): Promise<boolean> {
    const pending = this.pending;
    if (!pending) return false;
    this.busy = `Importing ${pending.file.fileName}…`;
    const campaignId = this.campaignId;
    this.importing = { campaignId, stage: 'reading', rows: 0, fraction: null };
    this.cancelling = false;
    const stop = this.#watchImport(campaignId, (progress) => {
      this.importing = progress;
      this.busy = describeImport(pending.file.fileName, progress);
    });
    try {
      const result = await this.#call(
        'recipients:import',
        {
          campaignId: this.campaignId,
          file: pending.file.handle,
          phoneColumn: pending.phoneColumn || undefined,
          defaultCountry: pending.defaultCountry,
          encoding: pending.encodingChosen && pending.encoding ? pending.encoding : undefined,
          // The row the step showed the names from, guessed or chosen: the import reads the same.
          headerRow: pending.peek.headerRow,
          saveAs: pending.saveAs?.trim() || undefined,
        },
        { timeoutMs: 10 * 60_000 },
      );
      this.pending = null;
      this.undoable = false;
      this.importing = null;
      this.filter = 'all';
      this.focusRow = null;
      this.preview = null;
      await this.load(this.campaignId);
      // Said once the table shows the rows imported (never beside the old list).
      this.notice = `Imported ${result.counts.total.toLocaleString()} rows from ${result.fileName}.${result.saved ? ` Saved as “${result.saved.name}” for later campaigns.` : ''}`;
      return true;
    } catch (error) {
      // A cancelled import is what was asked for: said as a notice, the list as it was.
      if (error instanceof ApiCallError && error.code === 'cancelled') this.notice = error.message;
      else this.error = messageOf(error);
      return false;
    } finally {
      stop();
      this.importing = null;
      this.cancelling = false;
      this.busy = null;
    }
  }

  /**
   * Progress of this campaign's import. Progress only decorates the wait: where events cannot be
   * received (a test's bare backend) the import goes ahead without it.
   */
  #watchImport(campaignId: string, onProgress: (progress: ImportProgress) => void): () => void {
    try {
      return this.#subscribe('recipients:importProgress', (progress) => {
        if (progress.campaignId === campaignId && this.importing !== null) onProgress(progress);
      });
    } catch {
      return () => {};
    }
  }

  /** Stops the import under way; the list stays as it was before it. */
  async stopImport(): Promise<void> {
    if (this.importing === null || this.cancelling) return;
    this.cancelling = true;
    this.busy = 'Cancelling the import…';
    try {
      await this.#call('recipients:cancelImport', { campaignId: this.importing.campaignId });
    } catch (error) {
      this.error = messageOf(error);
      this.cancelling = false;
    }
  }

  // ---- editing ------------------------------------------------------------------------

  /** A row's box ticked or unticked; the row becomes where a Shift range starts. */
  toggle(at: RowAt): void {
    this.selection = this.selection.toggle(at);
    this.anchor = at;
    this.#beforeRange = null;
  }

  /**
   * Shift-click or Shift+Arrow: the rows from the anchor to this one are selected (on top of what
   * was selected before the range began, so moving back shrinks the range again).
   */
  extendTo(at: RowAt, from: RowAt | null = null): void {
    if (!this.anchor) this.anchor = from ?? at;
    this.#beforeRange ??= this.selection;
    this.selection = this.#beforeRange.set(this.anchor, at, true);
  }

  /** A plain click or arrow key: the next range starts here. */
  setAnchor(at: RowAt | null): void {
    this.anchor = at;
    this.#beforeRange = null;
  }

  /** Every row the current filter shows ("Problems only": every problem row). */
  selectAll(): void {
    this.selection = Selection.all(this.total);
    this.anchor = null;
    this.#beforeRange = null;
  }

  clearSelection(): void {
    this.selection = Selection.none;
    this.anchor = null;
    this.#beforeRange = null;
  }

  /** Removes the selected rows; main works out which they are (see RowSelection). */
  async removeSelected(): Promise<boolean> {
    const selection = this.selection.toWire(this.filter);
    if (!selection) return false;
    this.#removedLabel = null;
    const done = await this.#edit(async () => {
      const { removed } = await this.#call(
        'recipients:removeSelection',
        { campaignId: this.campaignId, selection },
        { timeoutMs: 120_000 },
      );
      this.closeRow();
      return `Removed ${removed.toLocaleString()} row${removed === 1 ? '' : 's'} from the list.`;
    });
    this.undoable = done;
    return done;
  }

  async removeRows(rows: number[]): Promise<boolean> {
    if (rows.length === 0) return false;
    const label = this.labelOf(rows[0]!);
    this.#removedLabel = rows.length === 1 ? label : null;
    const done = await this.#edit(async () => {
      const { removed } = await this.#call('recipients:removeRows', {
        campaignId: this.campaignId,
        rows,
      });
      if (this.focusRow !== null && rows.includes(this.focusRow)) this.closeRow();
      return removed === 1 && rows.length === 1
        ? `Row ${label} removed from the list.`
        : `Removed ${removed.toLocaleString()} row${removed === 1 ? '' : 's'} from the list.`;
    });
    this.undoable = done;
    return done;
  }

  /** Puts back the rows the last removal took out. */
  async undoRemove(): Promise<boolean> {
    this.undoable = false;
    return this.#edit(async () => {
      const { restored, rows } = await this.#call('recipients:undoRemove', {
        campaignId: this.campaignId,
      });
      return restored === 1
        ? `Row ${this.#removedLabel ?? rows[0]} is back in the list.`
        : `${restored.toLocaleString()} rows are back in the list.`;
    });
  }

  async fixPhone(row: number, phone: string): Promise<boolean> {
    const label = this.labelOf(row);
    return this.#edit(async () => {
      const fixed = await this.#call('recipients:setPhone', {
        campaignId: this.campaignId,
        row,
        phone,
      });
      return `Row ${label} now calls ${fixed.e164}.`;
    });
  }

  async #edit(action: () => Promise<string>): Promise<boolean> {
    this.undoable = false;
    try {
      const words = await action();
      this.error = null;
      try {
        await this.refresh();
        if (this.focusRow !== null) await this.show(this.focusRow);
      } finally {
        // Said once the table shows the change (and even when redrawing it failed: the edit is done).
        this.notice = words;
      }
      return true;
    } catch (error) {
      this.error = messageOf(error);
      return false;
    }
  }

  closeRow(): void {
    this.focusRow = null;
    this.preview = null;
    this.previews = [];
    this.history = null;
  }

  /** The focused row's call history; a failure is said in its place in the panel, not as the screen's error. */
  historyError = $state<string | null>(null);

  async #loadHistory(row: number): Promise<void> {
    this.historyError = null;
    try {
      const { calls } = await this.#call('recipients:history', {
        campaignId: this.campaignId,
        row,
      });
      if (this.focusRow === row) this.history = calls;
    } catch (error) {
      if (this.focusRow === row) this.historyError = messageOf(error);
    }
  }

  /** Shows how each message sounds for one row. */
  async show(row: number): Promise<void> {
    // Its spreadsheet row, kept while it is out of the loaded rows (fixed under "Problems only").
    if (row !== this.focusRow || this.findLoaded(row)) this.focusLabel = this.labelOf(row);
    this.focusRow = row;
    this.history = null;
    void this.#loadHistory(row);
    try {
      const previews = await Promise.all(
        this.texts.map(async (text, i) => ({
          label: this.labels[i] ?? 'What they will hear',
          preview: await this.#call('recipients:preview', {
            campaignId: this.campaignId,
            row,
            text,
          }),
        })),
      );
      this.previews = previews;
      this.preview = previews[0]?.preview ?? null;
    } catch (error) {
      this.previews = [];
      this.preview = null;
      this.error = messageOf(error);
    }
  }
}

async function toBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
