import type { AuditEntry } from '../../shared/send';
import type { Db } from '../db/open';
import { csvLine } from './csv';
import type { Clock } from '../clock';

export type { AuditEntry };

export interface AuditRecord {
  campaignId: string | null;
  /** Saves looking the name up when the caller has it. */
  campaignName?: string;
  profileId?: string | null;
  recipientsSha256?: string | null;
  action: string;
  remoteType?: string | null;
  remoteId?: string | null;
  count?: number | null;
  outcome: AuditEntry['outcome'];
  detail?: string | null;
}

interface AuditRow {
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

const toEntry = (r: AuditRow): AuditEntry => ({
  id: r.id,
  at: r.at,
  campaignId: r.campaign_id,
  campaignName: r.campaign_name,
  profileId: r.profile_id,
  recipientsSha256: r.recipients_sha256,
  action: r.action,
  remoteType: r.remote_type,
  remoteId: r.remote_id,
  count: r.count,
  outcome: r.outcome,
  detail: r.detail,
});

export const AUDIT_CSV_HEADERS = [
  'time',
  'action',
  'outcome',
  'campaign id',
  'campaign name',
  'profile id',
  'recipients sha256',
  'remote type',
  'remote id',
  'count',
  'detail',
];

/**
 * The local audit trail: every remote object the app creates and every send/cancel action,
 * with time, profile, campaign, the recipients file's hash and how the request ended. Rows are
 * only ever added; the campaign's name is copied so the trail reads well after a delete.
 */
export class AuditLog {
  readonly #db: Db;
  readonly #clock: () => Date;
  readonly #insert;
  readonly #name;

  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
    // Prepared once: a send records one entry per envelope batch.
    this.#insert = db.prepare(
      `INSERT INTO audit_log (at, campaign_id, campaign_name, profile_id, recipients_sha256, action, remote_type,
         remote_id, count, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#name = db.prepare('SELECT name FROM campaigns WHERE id = ?').pluck();
  }

  record(entry: AuditRecord): void {
    const name =
      entry.campaignName ??
      (entry.campaignId
        ? ((this.#name.get(entry.campaignId) as string | undefined) ?? null)
        : null);
    this.#insert.run(
      this.#clock().toISOString(),
      entry.campaignId,
      name,
      entry.profileId ?? null,
      entry.recipientsSha256 ?? null,
      entry.action,
      entry.remoteType ?? null,
      entry.remoteId ?? null,
      entry.count ?? null,
      entry.outcome,
      entry.detail ?? null,
    );
  }

  list(options: { campaignId?: string; offset?: number; limit?: number } = {}): {
    total: number;
    entries: AuditEntry[];
  } {
    const where = options.campaignId ? 'WHERE campaign_id = ?' : '';
    const args = options.campaignId ? [options.campaignId] : [];
    const total = this.#db
      .prepare(`SELECT count(*) FROM audit_log ${where}`)
      .pluck()
      .get(...args) as number;
    const rows = this.#db
      .prepare(`SELECT * FROM audit_log ${where} ORDER BY id LIMIT ? OFFSET ?`)
      .all(...args, options.limit ?? 100, options.offset ?? 0) as AuditRow[];
    return { total, entries: rows.map(toEntry) };
  }

  /** The trail as CSV lines (header first), oldest first. */
  *csv(campaignId?: string): Generator<string> {
    yield csvLine(AUDIT_CSV_HEADERS);
    const where = campaignId ? 'WHERE campaign_id = ?' : '';
    const rows = this.#db
      .prepare(`SELECT * FROM audit_log ${where} ORDER BY id`)
      .iterate(...(campaignId ? [campaignId] : [])) as IterableIterator<AuditRow>;
    for (const r of rows) {
      yield csvLine([
        r.at,
        r.action,
        r.outcome,
        r.campaign_id ?? '',
        r.campaign_name ?? '',
        r.profile_id ?? '',
        r.recipients_sha256 ?? '',
        r.remote_type ?? '',
        r.remote_id ?? '',
        r.count === null ? '' : String(r.count),
        r.detail ?? '',
      ]);
    }
  }
}
