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
  saveFile(options: { title: string; defaultName: string; filters: FileFilter[] }): Promise<string | null>;
}

export const RECIPIENT_FILTERS: FileFilter[] = [
  { name: 'Spreadsheets', extensions: ['csv', 'xlsx', 'txt', 'tsv'] },
  { name: 'All files', extensions: ['*'] },
];
export const AUDIO_FILTERS: FileFilter[] = [{ name: 'Audio (WAV, MP3)', extensions: ['wav', 'mp3'] }];
export const CAMPAIGN_FILTERS: FileFilter[] = [{ name: 'Campaign file', extensions: ['json'] }];
export const CSV_FILTERS: FileFilter[] = [{ name: 'CSV', extensions: ['csv'] }];

/** For places with no window (the CLI, most tests): every dialog is cancelled. */
export const noDialogs: NativeDialogs = {
  openFile: () => Promise.resolve(null),
  saveFile: () => Promise.resolve(null),
};

/**
 * Dialogs answered from a queue a test fills beforehand (the browser harness uses this), so a
 * test can "choose" a file the way a person would without a native window.
 */
export class ScriptedDialogs implements NativeDialogs {
  readonly #open: string[] = [];
  readonly #save: string[] = [];
  readonly asked: Array<{ kind: 'open' | 'save'; title: string }> = [];

  willOpen(path: string): this {
    this.#open.push(path);
    return this;
  }

  willSave(path: string): this {
    this.#save.push(path);
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
}
