import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { AppError } from '../shared/errors';
import { MAX_DROPPED_BYTES } from '../shared/workspace';
import type { Clock } from './clock';

const KEEP_MS = 24 * 60 * 60 * 1000;

/**
 * Files dropped on the window. The page cannot hand main a path, so it reads the dropped file
 * and sends its bytes; they are written here, in the data folder, and from then on follow the
 * same path as a file chosen in a dialog (a handle from FileHandles). Copies older than a day are cleared away.
 */
export class StagedFiles {
  readonly #dir: string;
  readonly #clock: () => Date;

  constructor(dataDir: string, clock: Clock) {
    this.#dir = join(dataDir, 'dropped');
    this.#clock = clock;
  }

  /** Writes the bytes to a fresh folder and returns the copy's path (main issues the window a handle for it). */
  stage(fileName: string, base64: string): string {
    const bytes = Buffer.from(base64, 'base64');
    if (bytes.length === 0) throw new AppError('invalid_input', `${fileName}: the file is empty.`);
    if (bytes.length > MAX_DROPPED_BYTES)
      throw new AppError(
        'invalid_input',
        `${fileName}: the file is too large to drop here; use "Choose a file".`,
      );
    mkdirSync(this.#dir, { recursive: true });
    this.#sweep();
    const folder = join(
      this.#dir,
      `${this.#clock().getTime()}-${Math.random().toString(36).slice(2, 8)}`,
    );
    mkdirSync(folder);
    const path = join(folder, fileName);
    writeFileSync(path, bytes);
    return path;
  }

  /** Whether `path` is one of these copies (they are cleared away after a day, so nothing may keep pointing at one). */
  isStaged(path: string): boolean {
    const rel = relative(this.#dir, path);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  }

  #sweep(): void {
    const cutoff = this.#clock().getTime() - KEEP_MS;
    for (const name of readdirSync(this.#dir)) {
      const full = join(this.#dir, name);
      try {
        if (statSync(full).mtimeMs < cutoff) rmSync(full, { recursive: true, force: true });
      } catch {
        // Already gone.
      }
    }
  }
}
