/**
 * Native file dialogs as a dependency. The sandboxed window cannot learn file paths, so it asks
 * main, and main asks this: Electron's `dialog` in the app (electron/main.ts), paths a test set
 * beforehand in the browser harness, nothing at all in the CLI.
 */
export interface FileFilter {
  name: string;
  extensions: string[];
}

export interface NativeDialogs {
  /** The chosen file's path, or null when the person cancelled. */
  openFile(options: { title: string; filters: FileFilter[] }): Promise<string | null>;
  /** Where to save, or null when the person cancelled. */
  saveFile(options: {
    title: string;
    defaultName: string;
    filters: FileFilter[];
  }): Promise<string | null>;
  /** A yes/no question (e.g. "replace these files?"); true only when the person chose `confirm`. */
  confirm(options: {
    title: string;
    message: string;
    detail: string;
    confirm: string;
  }): Promise<boolean>;
}

export const RECIPIENT_FILTERS: FileFilter[] = [
  { name: 'Spreadsheets', extensions: ['csv', 'xlsx', 'txt', 'tsv'] },
  { name: 'All files', extensions: ['*'] },
];
export const AUDIO_FILTERS: FileFilter[] = [
  { name: 'Audio (WAV, MP3)', extensions: ['wav', 'mp3'] },
];
export const CAMPAIGN_FILTERS: FileFilter[] = [{ name: 'Campaign file', extensions: ['json'] }];
export const CSV_FILTERS: FileFilter[] = [{ name: 'CSV', extensions: ['csv'] }];
export const PDF_FILTERS: FileFilter[] = [{ name: 'PDF document', extensions: ['pdf'] }];
export const XLSX_FILTERS: FileFilter[] = [{ name: 'Excel workbook', extensions: ['xlsx'] }];

/** For places with no window (the CLI, most tests): every dialog is cancelled. */
export const noDialogs: NativeDialogs = {
  openFile: () => Promise.resolve(null),
  saveFile: () => Promise.resolve(null),
  confirm: () => Promise.resolve(false),
};

/**
 * Dialogs answered from a queue a test fills beforehand (the browser harness uses this), so a
 * test can "choose" a file the way a person would without a native window.
 */
export class ScriptedDialogs implements NativeDialogs {
  readonly #open: string[] = [];
  readonly #save: string[] = [];
  readonly #confirm: boolean[] = [];
  readonly asked: Array<{ kind: 'open' | 'save' | 'confirm'; title: string }> = [];

  willOpen(path: string): this {
    this.#open.push(path);
    return this;
  }

  willSave(path: string): this {
    this.#save.push(path);
    return this;
  }

  /** The answer to the next question; unanswered questions are answered "no". */
  willConfirm(answer: boolean): this {
    this.#confirm.push(answer);
    return this;
  }

  openFile({ title }: { title: string }): Promise<string | null> {
    this.asked.push({ kind: 'open', title });
    return Promise.resolve(this.#open.shift() ?? null);
  }

  saveFile({ title }: { title: string }): Promise<string | null> {
    this.asked.push({ kind: 'save', title });
    return Promise.resolve(this.#save.shift() ?? null);
  }

  confirm({ title }: { title: string }): Promise<boolean> {
    this.asked.push({ kind: 'confirm', title });
    return Promise.resolve(this.#confirm.shift() ?? false);
  }
}
