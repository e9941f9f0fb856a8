import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../shared/errors';
import type { ChosenFile } from '../shared/workspace';

/** Enough handles for a long session of choosing files; the oldest are forgotten first. */
const MAX_HANDLES = 500;

/**
 * The window names files only through handles main issued. A file chosen in a native dialog or
 * dropped on the window gets an opaque, unguessable handle here; every channel that reads a file
 * takes the handle and resolves it in main. A page that has been tampered with can therefore
 * read only what the person chose, never a path of its own making (`/etc/passwd`,
 * `\\host\share\x`, the keychain's files…). Handles live in memory, for this run of the app.
 */
export class FileHandles {
  readonly #files = new Map<string, { path: string; fileName: string }>();

  /** Registers a path main got from a person (a dialog, a drop) and returns what the window may hold. */
  issue(path: string, fileName: string = basename(path)): ChosenFile {
    const handle = randomBytes(18).toString('base64url');
    this.#files.set(handle, { path, fileName });
    if (this.#files.size > MAX_HANDLES) {
      const oldest = this.#files.keys().next().value;
      if (oldest !== undefined) this.#files.delete(oldest);
    }
    let size = 0;
    try {
      size = statSync(path).size;
    } catch {
      // Reported by whatever reads it next, in words about the file.
    }
    return { handle, fileName, size };
  }

  /** The path behind a handle; anything else (a path, an old or made-up handle) is refused. */
  resolve(handle: string): string {
    const file = this.#files.get(handle);
    if (!file) {
      throw new AppError(
        'not_found',
        'That file is no longer available to the app. Choose it again.',
      );
    }
    return file.path;
  }
}
