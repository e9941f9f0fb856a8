import { z } from 'zod';
import type { Message } from './campaign';

/**
 * The message library: messages (text with merge fields, or recordings) saved under a name
 * and reused by any campaign. A saved message is a copy: editing it in a campaign afterwards
 * changes neither the library nor the other campaigns that use it.
 */
export const LIBRARY_NAME_MAX = 120;

export const libraryNameSchema = z
  .string()
  .trim()
  .min(1, 'Give the message a name.')
  .max(LIBRARY_NAME_MAX, `Keep the name under ${LIBRARY_NAME_MAX} characters.`);

export const libraryIdSchema = z.string().uuid('Not a library message id.');

export interface LibraryItem {
  id: string;
  name: string;
  /** Ready to put into a campaign: a recording names the app's kept copy of it. */
  message: Message;
  /** False when a recording's file is gone from the data folder (it cannot be used then). */
  available: boolean;
  createdAt: string;
  updatedAt: string;
}
