import type { AuditEntry } from '../../../shared/send';
import type { Db } from '../open';
import { Prepared, perHandle } from './statements';

/** An audit trail entry as stored. */
export interface AuditRow {
  id: number;
  at: string;
  campaign_id: string | null;
  campaign_name: string | null;
  profile_id: string | null;
  recipients_sha256: string | null;
  action: string;
  remote_type: string | null;
  remote_id: string | null;
  count: number | null;
  outcome: AuditEntry['outcome'];
  detail: string | null;
}

/**
 * The audit trail (audit_log): rows are only ever added. Every read or write of the table goes
 * through here.
 */
class AuditLogTable {
  readonly #s: Prepared;

  constructor(db: Db) {
    this.#s = new Prepared(db);
  }

  insert(row: Omit<AuditRow, 'id'>): void {
    this.#s
      .get(
        `INSERT INTO audit_log (at, campaign_id, campaign_name, profile_id, recipients_sha256, action, remote_type,
           remote_id, count, outcome, detail)
         VALUES (@at, @campaign_id, @campaign_name, @profile_id, @recipients_sha256, @action, @remote_type,
           @remote_id, @count, @outcome, @detail)`,
      )
      .run(row);
  }

  /** How many entries there are (of one campaign, or all). */
  count(campaignId?: string): number {
    return campaignId
      ? (this.#s
          .get('SELECT count(*) FROM audit_log WHERE campaign_id = ?', 'pluck')
          .get(campaignId) as number)
      : (this.#s.get('SELECT count(*) FROM audit_log', 'pluck').get() as number);
  }

  /** A page of entries, oldest first (of one campaign, or all). */
  page(campaignId: string | undefined, limit: number, offset: number): AuditRow[] {
    return (
      campaignId
        ? this.#s
            .get('SELECT * FROM audit_log WHERE campaign_id = ? ORDER BY id LIMIT ? OFFSET ?')
            .all(campaignId, limit, offset)
        : this.#s.get('SELECT * FROM audit_log ORDER BY id LIMIT ? OFFSET ?').all(limit, offset)
    ) as AuditRow[];
  }

  /** Every entry, oldest first (of one campaign, or all). */
  all(campaignId?: string): IterableIterator<AuditRow> {
    return (
      campaignId
        ? this.#s
            .iterate('SELECT * FROM audit_log WHERE campaign_id = ? ORDER BY id')
            .iterate(campaignId)
        : this.#s.iterate('SELECT * FROM audit_log ORDER BY id').iterate()
    ) as IterableIterator<AuditRow>;
  }

  /**
   * Envelope batches of the campaign whose request failed or went unanswered since `sinceIso`,
   * and how many recipients they held.
   */
  failedEnvelopeBatches(campaignId: string, sinceIso: string): { batches: number; people: number } {
    return this.#s
      .get(
        `SELECT count(*) AS batches, coalesce(sum(count), 0) AS people FROM audit_log
          WHERE campaign_id = ? AND action = 'create' AND remote_type = 'envelopes' AND outcome != 'ok' AND at >= ?`,
      )
      .get(campaignId, sinceIso) as { batches: number; people: number };
  }

  /**
   * The last time a campaign the CLI linked to this campaign file (by absolute path) was
   * scheduled in Omnigage, and the engagement's id.
   */
  scheduledForFile(path: string): { at: string; remote_id: string | null } | undefined {
    return this.#s
      .get(
        `SELECT s.at, s.remote_id FROM audit_log l JOIN audit_log s ON s.campaign_id = l.campaign_id AND s.action = 'send.scheduled'
         WHERE l.action = 'cli.link' AND l.detail = ? ORDER BY s.id DESC LIMIT 1`,
      )
      .get(path) as { at: string; remote_id: string | null } | undefined;
  }
}

export const auditLogTable = perHandle((db) => new AuditLogTable(db));
