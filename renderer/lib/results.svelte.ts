import { outcomeOrder, type CallAgainGroup } from '../../shared/results-words';
import type { CampaignReport } from '../../shared/report';
import type { CallAgainResult, ResultsPage } from '../../shared/send';
import { call as defaultCall, messageOf } from './api';

type Call = typeof defaultCall;

export const RESULTS_PAGE_SIZE = 100;

export { outcomeLabel, statusLabel } from '../../shared/results-words';

/**
 * A sent campaign's results: counts by outcome and the per-recipient table, a page at a time,
 * refreshed from Omnigage on request and whenever main reports new results.
 */
export class ResultsState {
  page = $state.raw<ResultsPage | null>(null);
  offset = $state(0);
  loading = $state(false);
  /** "Fetch now" asked Omnigage and has not heard back yet (a second press waits for it). */
  fetching = $state(false);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  /** The report shown for "Save report as PDF…" (null: not open). */
  report = $state.raw<CampaignReport | null>(null);
  /** Saving the PDF (the save dialog, then the print). */
  savingPdf = $state(false);
  campaignId = '';
  readonly #call: Call;

  /**
   * The tiles: the most common outcome first; a tie in the chart's order, so "Answered" does not
   * come after "Busy" and "Failed" only because their names sort first.
   */
  readonly outcomes = $derived(
    Object.entries(this.page?.outcomes ?? {})
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1] || outcomeOrder(a[0]) - outcomeOrder(b[0])),
  );

  constructor(call: Call = defaultCall) {
    this.#call = call;
  }

  async load(campaignId: string, offset = this.offset): Promise<void> {
    this.campaignId = campaignId;
    this.loading = true;
    try {
      this.page = await this.#call('results:get', { campaignId, offset, limit: RESULTS_PAGE_SIZE });
      this.offset = offset;
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.loading = false;
    }
  }

  async refresh(): Promise<void> {
    if (this.fetching) return;
    this.fetching = true;
    this.loading = true;
    try {
      await this.#call('results:refresh', { campaignId: this.campaignId }, { timeoutMs: 120_000 });
      await this.load(this.campaignId);
      this.notice = 'Results fetched from Omnigage just now.';
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.loading = false;
      this.fetching = false;
    }
  }

  /** Every remote object created and every send action for this campaign, as CSV. */
  async exportAudit(): Promise<void> {
    try {
      const { saved } = await this.#call(
        'audit:export',
        { campaignId: this.campaignId },
        { timeoutMs: 10 * 60_000 },
      );
      if (saved)
        this.notice = `Exported the audit trail (${saved.rows.toLocaleString()} entries) to ${saved.path}.`;
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  /**
   * Results into a copy of the spreadsheet the list came from: main asks for that file, then
   * where to save the copy (two native dialogs; the notice says what the first one is for).
   */
  async saveCopy(fileName: string | null): Promise<void> {
    this.error = null;
    this.notice = fileName
      ? `Choose ${fileName}, the spreadsheet you imported; it is left as it is, and the results go into a copy.`
      : null;
    try {
      const { saved } = await this.#call(
        'results:saveCopy',
        { campaignId: this.campaignId },
        { timeoutMs: 10 * 60_000 },
      );
      this.notice = saved
        ? `Saved the results of ${saved.rows.toLocaleString()} rows into a copy of your spreadsheet: ${saved.path}.`
        : null;
    } catch (error) {
      this.notice = null;
      this.error = messageOf(error);
    }
  }

  /** Results → "Save report as PDF…": the report's facts, fetched now, shown before saving. */
  async openReport(): Promise<void> {
    this.error = null;
    try {
      this.report = await this.#call('results:report', { campaignId: this.campaignId });
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  closeReport(): void {
    this.report = null;
  }

  /**
   * Main asks where to save, then prints the window: the report sheet shown now is all that
   * prints (app.css). It stays open until then; the notice says where the PDF went.
   */
  async saveReportPdf(): Promise<void> {
    if (this.savingPdf) return;
    this.savingPdf = true;
    try {
      const { saved } = await this.#call(
        'results:savePdf',
        { campaignId: this.campaignId },
        { timeoutMs: 5 * 60_000 },
      );
      if (saved) {
        this.report = null;
        this.error = null;
        this.notice = `Saved the report as a PDF: ${saved.fileName}.`;
      }
    } catch (error) {
      this.report = null;
      this.error = messageOf(error);
    } finally {
      this.savingPdf = false;
    }
  }

  /** Results → Call again: a new draft for the outcomes picked (the dialog shows what came of it). */
  async callAgain(groups: CallAgainGroup[], again = false): Promise<CallAgainResult> {
    const made = await this.#call('results:callAgain', {
      campaignId: this.campaignId,
      groups,
      again,
    });
    // Known at once, so the dialog opened next says it was made (a second one calls them twice).
    if (this.page) {
      const { id, name, status, createdAt } = made.campaign;
      this.page = {
        ...this.page,
        calledAgain: [...this.page.calledAgain, { id, name, status, createdAt }],
      };
    }
    return made;
  }

  async exportCsv(): Promise<void> {
    try {
      const { saved } = await this.#call(
        'results:export',
        { campaignId: this.campaignId },
        { timeoutMs: 10 * 60_000 },
      );
      if (saved) this.notice = `Exported ${saved.rows.toLocaleString()} rows to ${saved.path}.`;
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    }
  }
}
