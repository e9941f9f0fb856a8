import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_SETTINGS, settingsSchema, type Settings } from '../shared/workspace';

/**
 * App-wide defaults (country for numbers without a code, text-to-speech voice, envelopes per
 * request), kept as a small JSON file in the data folder. A damaged or hand-edited file falls
 * back field by field to the defaults rather than stopping the app.
 */
export class SettingsService {
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
  }

  get(): Settings {
    let stored: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.#file, 'utf8'));
      if (parsed && typeof parsed === 'object') stored = parsed as Record<string, unknown>;
    } catch {
      // No file yet, or not JSON: the defaults.
    }
    const settings = { ...DEFAULT_SETTINGS };
    for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof Settings>) {
      const field = settingsSchema.shape[key].safeParse(stored[key]);
      if (field.success) (settings as Record<string, unknown>)[key] = field.data;
    }
    return settings;
  }

  update(patch: Partial<Settings>): Settings {
    const next = settingsSchema.parse({ ...this.get(), ...patch });
    mkdirSync(dirname(this.#file), { recursive: true });
    // Write then rename, so a crash never leaves half a file.
    const temp = `${this.#file}.tmp`;
    writeFileSync(temp, `${JSON.stringify(next, null, 2)}\n`);
    renameSync(temp, this.#file);
    return next;
  }
}
