import { z } from 'zod';

/** A list kept under a name for later campaigns (read again from its file each time it is used). */
export interface SavedList {
  id: string;
  name: string;
  fileName: string;
  /** Where the file is on this computer (the list is read from it). */
  filePath: string;
  rowCount: number;
  savedAt: string;
  /** When the file was last read. */
  readAt: string;
  /** How many campaigns' rows come from it now (they keep their rows if it is deleted). */
  usedBy: number;
}

export const savedListNameSchema = z
  .string()
  .trim()
  .min(1, 'Give the list a name.')
  .max(120, 'Keep the name under 120 characters.');

/**
 * A campaign whose recipients came from a saved list, and whether the list's file changed since
 * they were read: what refreshing would change, said before anything is replaced.
 */
export interface SavedListStatus {
  list: SavedList;
  /** null: the file is as the campaign read it. */
  changed: null | {
    /** The file cannot be read now (moved, renamed, a disconnected drive): why. */
    unreadable: string | null;
    /** Rows in the campaign's list now, and in the file now. */
    rowsHere: number;
    rowsInFile: number;
    /** Numbers in the file that this campaign's list does not have, and the reverse. */
    added: number;
    removed: number;
  };
}
