import type { AuditEntry } from '../../shared/send';
import type { Db } from '../db/open';
import { auditLogTable, type AuditRow } from '../db/tables/audit-log';
import { campaignsTable } from '../db/tables/campaigns';
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
  readonly #table: ReturnType<typeof auditLogTable>;

  constructor(db: Db, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
    this.#table = auditLogTable(db);
  }

  record(entry: AuditRecord): void {
    const name =
      entry.campaignName ??
      (entry.campaignId
        ? (campaignsTable(this.#db).nameAndStatus(entry.campaignId)?.name ?? null)
        : null);
    this.#table.insert({
      at: this.#clock().toISOString(),
      campaign_id: entry.campaignId,
      campaign_name: name,
      profile_id: entry.profileId ?? null,
      recipients_sha256: entry.recipientsSha256 ?? null,
      action: entry.action,
      remote_type: entry.remoteType ?? null,
      remote_id: entry.remoteId ?? null,
      count: entry.count ?? null,
      outcome: entry.outcome,
      detail: entry.detail ?? null,
    });
  }

  list(options: { campaignId?: string; offset?: number; limit?: number } = {}): {
    total: number;
    entries: AuditEntry[];
  } {
    const total = this.#table.count(options.campaignId);
    const rows = this.#table.page(options.campaignId, options.limit ?? 100, options.offset ?? 0);
    return { total, entries: rows.map(toEntry) };
  }

  /** The trail as CSV lines (header first), oldest first. */
  *csv(campaignId?: string): Generator<string> {
    yield csvLine(AUDIT_CSV_HEADERS);
    for (const r of this.#table.all(campaignId)) {
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
