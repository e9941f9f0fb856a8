import type { TestCallResult } from '../../shared/send';
import { call as defaultCall, messageOf } from './api';

type Call = typeof defaultCall;

/**
 * "Call me first" on the review tab: the person's own number (saved per API profile by main
 * after a call went out) and the row whose values are merged. Main places the call as its own
 * engagement; the campaign is not touched.
 */
export class TestCallState {
  to = $state('');
  /** Blank: the first valid row. */
  row = $state('');
  busy = $state(false);
  error = $state<string | null>(null);
  placed = $state.raw<TestCallResult | null>(null);
  readonly #call: Call;

  constructor(call: Call = defaultCall) {
    this.#call = call;
  }

  /** Fills in the profile's saved number, unless the person already typed one. */
  prefill(saved: string | undefined): void {
    if (saved && this.to.trim() === '') this.to = saved;
  }

  /** The row as typed, checked: a whole number from 1, or blank. */
  get rowNumber(): number | undefined | null {
    const text = this.row.trim();
    if (text === '') return undefined;
    const n = Number(text);
    return /^\d+$/.test(text) && n >= 1 ? n : null;
  }

  /**
   * `byLine`: the row typed is the spreadsheet's number, as the recipients table shows it (lists
   * imported with their lines); otherwise the data row.
   */
  async place(
    campaignId: string,
    profileId?: string,
    byLine = false,
  ): Promise<TestCallResult | null> {
    const row = this.rowNumber;
    if (this.to.trim() === '') {
      this.error = 'Type your phone number.';
      return null;
    }
    if (row === null) {
      this.error = `"${this.row}" is not a row number. Leave it empty for the first valid row.`;
      return null;
    }
    if (byLine && row === 1) {
      this.error =
        'Row 1 of the spreadsheet holds the column names. Type the row of a recipient, as the Recipients table numbers it, or leave it empty.';
      return null;
    }
    this.busy = true;
    this.placed = null;
    try {
      // Several requests to Omnigage (messages, engagement, the one recipient, the schedule).
      this.placed = await this.#call(
        'send:testCall',
        {
          campaignId,
          to: this.to,
          ...(row ? (byLine ? { line: row } : { row }) : {}),
          ...(profileId ? { profileId } : {}),
        },
        { timeoutMs: 180_000 },
      );
      this.to = this.placed.to;
      this.error = null;
      return this.placed;
    } catch (error) {
      this.error = messageOf(error);
      return null;
    } finally {
      this.busy = false;
    }
  }
}
