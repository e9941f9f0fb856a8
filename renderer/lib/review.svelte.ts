import type { QuietHoursReport } from '../../shared/recipients/quiet-hours';
import { call as defaultCall, messageOf } from './api';

type Call = typeof defaultCall;

/**
 * What the review tab fetches for itself (the rest of the checklist comes from the editor, the
 * recipients and settings the workspace already holds): who would be called outside calling
 * hours right now.
 */
export class ReviewState {
  quietHours = $state.raw<QuietHoursReport | null>(null);
  error = $state<string | null>(null);
  readonly #call: Call;

  constructor(call: Call = defaultCall) {
    this.#call = call;
  }

  async load(campaignId: string, hasList: boolean): Promise<void> {
    if (!hasList) {
      this.quietHours = null;
      return;
    }
    try {
      this.quietHours = await this.#call(
        'recipients:quietHours',
        { campaignId },
        { timeoutMs: 30_000 },
      );
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    }
  }
}
