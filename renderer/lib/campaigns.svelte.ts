import type { CampaignSummary } from '../../shared/campaign';
import { call as defaultCall, messageOf } from './api';

type Call = typeof defaultCall;

/** Statuses with a send that reached Omnigage, so with outcomes to count. */
const SENT_STATUSES = new Set(['scheduled', 'completed']);

/**
 * The campaigns list as the screen sees it. The list arrives whole from main and is replaced,
 * never mutated, so it is held in $state.raw; filtering is derived.
 */
export class CampaignsState {
  items = $state.raw<CampaignSummary[]>([]);
  search = $state('');
  loading = $state(false);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** A short confirmation of the last action, for the status line. */
  notice = $state<string | null>(null);
  /** Counts by outcome of the campaigns that have been sent, by campaign id. */
  totals = $state.raw<Record<string, Record<string, number>>>({});

  readonly visible = $derived.by(() => {
    const term = this.search.trim().toLocaleLowerCase();
    return term ? this.items.filter((c) => c.name.toLocaleLowerCase().includes(term)) : this.items;
  });

  readonly #call: Call;

  constructor(call: Call = defaultCall) {
    this.#call = call;
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.items = await this.#call('campaigns:list', {});
      this.error = null;
      this.loaded = true;
    } catch (error) {
      this.error = messageOf(error);
    } finally {
      this.loading = false;
    }
    if (this.loaded) await this.loadTotals();
  }

  /**
   * The sent campaigns' outcome counts (asked only when some campaign has been sent). They are
   * extra: when they cannot be had, the list stands without them rather than failing.
   */
  async loadTotals(): Promise<void> {
    const ids = this.items.filter((c) => SENT_STATUSES.has(c.status)).map((c) => c.id);
    try {
      this.totals = ids.length > 0 ? await this.#call('results:totals', { ids }) : {};
    } catch {
      this.totals = {};
    }
  }

  /** Runs an action, reloads the list and records the outcome; returns the action's value or undefined. */
  async #act<T>(action: () => Promise<T>, done: (value: T) => string): Promise<T | undefined> {
    try {
      const value = await action();
      this.error = null;
      await this.load();
      // Said once the list shows the change, never beside the list as it was.
      this.notice = done(value);
      return value;
    } catch (error) {
      this.error = messageOf(error);
      return undefined;
    }
  }

  create(name: string) {
    return this.#act(
      () => this.#call('campaigns:create', { name }),
      (c) => `Created "${c.name}".`,
    );
  }

  rename(id: string, name: string) {
    return this.#act(
      () => this.#call('campaigns:rename', { id, name }),
      (c) => `Renamed to "${c.name}".`,
    );
  }

  duplicate(id: string) {
    return this.#act(
      () => this.#call('campaigns:duplicate', { id }),
      (c) => `Made a copy: "${c.name}".`,
    );
  }

  /** Asks for a campaign file in a native dialog and makes a draft from it. */
  async importFile(): Promise<CampaignSummary | undefined> {
    const result = await this.#act(
      () => this.#call('campaigns:importFile', undefined, { timeoutMs: 10 * 60_000 }),
      ({ campaign }) =>
        campaign
          ? `Imported "${campaign.name}" with ${campaign.recipientCount.toLocaleString()} recipients.`
          : (this.notice ?? ''),
    );
    return result?.campaign ?? undefined;
  }

  /** Writes the campaign file (JSON, recipients CSV, any audio) where the person chooses. */
  exportFile(campaign: CampaignSummary) {
    return this.#act(
      () => this.#call('campaigns:exportFile', { id: campaign.id }, { timeoutMs: 10 * 60_000 }),
      ({ saved }) =>
        saved ? `Exported "${campaign.name}": ${saved.files.join(', ')}.` : (this.notice ?? ''),
    );
  }

  /** The results CSV of a sent campaign, offered before it is deleted. */
  exportResults(campaign: CampaignSummary) {
    return this.#act(
      () => this.#call('results:export', { campaignId: campaign.id }, { timeoutMs: 10 * 60_000 }),
      ({ saved }) =>
        saved
          ? `Exported the results of "${campaign.name}" (${saved.rows.toLocaleString()} rows) to ${saved.path}.`
          : (this.notice ?? ''),
    );
  }

  /** The campaign's audit trail as CSV, offered before it is deleted. */
  exportAudit(campaign: CampaignSummary) {
    return this.#act(
      () => this.#call('audit:export', { campaignId: campaign.id }, { timeoutMs: 10 * 60_000 }),
      ({ saved }) =>
        saved
          ? `Exported the audit trail of "${campaign.name}" (${saved.rows.toLocaleString()} entries) to ${saved.path}.`
          : (this.notice ?? ''),
    );
  }

  remove(campaign: CampaignSummary) {
    return this.#act(
      () => this.#call('campaigns:delete', { id: campaign.id }),
      () => `Deleted "${campaign.name}".`,
    );
  }
}
