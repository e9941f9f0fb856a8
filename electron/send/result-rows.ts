import {
  RESULTS_EXPORT_COLUMNS,
  WRITE_BACK_COLUMNS,
  calledAtLabel,
  outcomeLabel,
  statusLabel,
} from '../../shared/results-words';
import { heldOutcome } from '../../shared/call-history';
import type { SendState } from '../../shared/send';
import type { Db } from '../db/open';
import { sendsTable, type ResultJoinRow as JoinedRow } from '../db/tables/sends';
import { writeBack, type WriteBackOptions, type WriteBackResult } from '../recipients/write-back';
import { csvLine } from './csv';

/**
 * What a row of a send's results says, read from its stored row alone; the results export (CSV)
 * and the results written back into a copy of the spreadsheet: one owner, so ResultsService
 * (main thread) and the worker that writes long files (import-worker.ts) say the same.
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

/** Rows read from the database at a time while a file is written. */
const PAGE_SIZE = 5000;

/** Names the row a duplicate repeats as the spreadsheet numbers it, as the Recipients table does. */
export function spreadsheetRow(r: JoinedRow): (row: number) => number {
  return (row) => r.duplicate_line ?? row;
}

/** What the results export needs, read on the main thread (plain data: it may go to a worker). */
export interface ResultsCsvJob {
  campaignId: string;
  /** The list's column names, as imported. */
  headers: string[];
  send: SendState | null;
  /** The zone prefixes the send left out for calling hours (JSON) and the word for them. */
  leftOut: [prefixes: string, word: string];
}

/** The results export, line by line: every list row with its original cells and its result. */
export function* resultsCsv(db: Db, job: ResultsCsvJob): Generator<string> {
  const sends = sendsTable(db);
  yield csvLine([...job.headers, ...RESULTS_EXPORT_COLUMNS]);
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const rows = sends.resultRows(job.campaignId, job.leftOut, PAGE_SIZE, offset);
    for (const r of rows) {
      const cells = JSON.parse(r.fields) as string[];
      const original = job.headers.map((_, i) => cells[i] ?? '');
      const outcome = outcomeOf(r, job.send, spreadsheetRow(r));
      yield csvLine([
        ...original,
        // Only a number handed to Omnigage was called: a repeat, an opt-out or a row never
        // sent leaves the column empty, as in the copy of the spreadsheet.
        r.envelope_id !== null ? (r.re164 ?? '') : '',
        statusLabel(statusOf(r, job.send, spreadsheetRow(r))),
        outcome === null ? outcomeLabel('pending') : outcomeLabel(outcome),
        r.envelope_id ?? '',
      ]);
    }
    if (rows.length < PAGE_SIZE) break;
  }
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
