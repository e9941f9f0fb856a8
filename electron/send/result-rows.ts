import {
  calledAtLabel,
  outcomeLabel,
  statusLabel,
  WRITE_BACK_COLUMNS,
} from '../../shared/results-words';
import { heldOutcome } from '../../shared/call-history';
import type { SendState } from '../../shared/send';
import type { Db } from '../db/open';
import { sendsTable, type ResultJoinRow as JoinedRow } from '../db/tables/sends';
import { writeBack, type WriteBackOptions, type WriteBackResult } from '../recipients/write-back';

/**
 * What a row of a send's results says, read from its stored row alone, and the results written
 * back into a copy of the spreadsheet: one owner for both, so ResultsService (main thread) and
 * the worker that writes a long copy (import-worker.ts) say the same.
 */

/**
 * A row of a send the person cancelled: it was never scheduled, so nobody in it is called,
 * whether or not they had been handed to Omnigage ("Waiting for the call" would not come true).
 */
export const CANCELLED_WORD = 'not called: send cancelled';

/**
 * `send` is the send's state (null before it is sent). `rowName` names another row as the
 * reader sees it (the list's row, or the spreadsheet's in a written-back copy).
 */
export function statusOf(
  r: JoinedRow,
  send: SendState | null,
  rowName: (row: number) => number = (row) => row,
): string {
  if (r.rstatus === 'invalid') return 'not called: invalid number';
  if (r.rstatus === 'duplicate')
    return `not called: repeats row ${r.duplicate_of === null ? '?' : rowName(r.duplicate_of)}`;
  if (r.in_send === null)
    return send !== null
      ? r.held_calls !== null
        ? heldOutcome(r.held_calls, r.held_days ?? 0)
        : (r.left_out ?? 'not called: opted out')
      : 'not sent';
  if (send === 'cancelled' && !r.outcome) return CANCELLED_WORD;
  if (!r.envelope_id) return 'not sent';
  return r.status ?? 'pending';
}

/** A row's outcome: Omnigage's once known; for a row that was never called, why (never "waiting"). */
export function outcomeOf(
  r: JoinedRow,
  send: SendState | null,
  rowName?: (row: number) => number,
): string | null {
  if (r.outcome) return r.outcome;
  if (r.in_send === null || r.rstatus !== 'valid') return statusOf(r, send, rowName);
  if (send === 'cancelled') return CANCELLED_WORD;
  return r.envelope_id ? null : 'not sent';
}

/** Everything writing the copy needs, checked on the main thread (plain data: it may go to a worker). */
export interface WriteBackJob extends Omit<WriteBackOptions, 'columns'> {
  campaignId: string;
  send: SendState;
  /** The zone prefixes the send left out for calling hours (JSON) and the word for them. */
  leftOut: [prefixes: string, word: string];
  /** "Called at" in this zone (the computer's when absent). */
  timeZone?: string;
}

/** Rows read from the database at a time while the copy is written. */
const PAGE_SIZE = 5000;

/** Writes the copy: the file's rows in order, each with the result of the stored row it holds. */
export function writeResultsBack(db: Db, job: WriteBackJob): WriteBackResult {
  const sends = sendsTable(db);
  let page: JoinedRow[] = [];
  let at = 0;
  let offset = 0;
  let exhausted = false;
  /** The stored row `row`, or null when it was removed from the list in the app (rows are asked in order). */
  const stored = (row: number): JoinedRow | null => {
    for (;;) {
      if (at < page.length) {
        const r = page[at]!;
        if (r.row > row) return null;
        at++;
        if (r.row === row) return r;
        continue;
      }
      if (exhausted) return null;
      page = sends.resultRows(job.campaignId, job.leftOut, PAGE_SIZE, offset);
      offset += page.length;
      at = 0;
      if (page.length < PAGE_SIZE) exhausted = true;
    }
  };
  const removed = 'not called: removed from the list';
  return writeBack({
    source: job.source,
    sha256: job.sha256,
    encoding: job.encoding,
    headerRow: job.headerRow,
    out: job.out,
    columns: {
      headers: WRITE_BACK_COLUMNS,
      cells: (row, sheetRowOf) => {
        const r = stored(row);
        if (!r) return ['', statusLabel(removed), outcomeLabel(removed), ''];
        const outcome = outcomeOf(r, job.send, sheetRowOf);
        const called = r.envelope_id !== null;
        return [
          called ? (r.re164 ?? '') : '',
          statusLabel(statusOf(r, job.send, sheetRowOf)),
          outcomeLabel(outcome ?? 'pending'),
          called ? calledAtLabel(r.finished_at, job.timeZone) : '',
        ];
      },
    },
  });
}
