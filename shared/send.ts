import type { CallLimitHold } from './call-history';
import { z } from 'zod';
import { campaignIdSchema, type CampaignSummary } from './campaign';
import { CALL_AGAIN_GROUP_IDS } from './results-words';
import { profileIdSchema } from './profiles';
import type { ValidationSummary } from './recipients/summary';

/**
 * What the send screens exchange with main (channels `send:*`, `results:*`, `audit:*` and the
 * `send:progress` event). Everything here is plain data; the engine lives in electron/send/.
 */

/**
 * Where a send is. `queued`: waiting in the outbox (offline, or Omnigage busy) and retried by
 * main; `sending`: the sequence is running (or was interrupted and resumes); `paused`: stopped
 * by the person before scheduling; `scheduled`: Omnigage has it, results are being fetched;
 * `completed`: every recipient has an outcome (or polling gave up); `cancelled`: stopped for
 * good before scheduling; `failed`: Omnigage refused something; `send:resume` tries again.
 */
export const SEND_STATES = [
  'queued',
  'sending',
  'paused',
  'scheduled',
  'completed',
  'cancelled',
  'failed',
] as const;
export type SendState = (typeof SEND_STATES)[number];

/** The steps of the sequence, in order, as progress reports them. */
export type SendStep =
  | 'checks'
  | 'upload'
  | 'templates'
  | 'engagement'
  | 'activity'
  | 'triggers'
  | 'envelopes'
  | 'reconcile'
  | 'schedule'
  | 'done';

export const SEND_STEP_LABELS: Record<SendStep, string> = {
  checks: 'Checking the campaign',
  upload: 'Uploading audio',
  templates: 'Creating voice messages',
  engagement: 'Creating the engagement',
  activity: 'Setting the caller ID',
  triggers: 'Connecting the messages',
  envelopes: 'Adding recipients',
  reconcile: 'Checking what Omnigage already has',
  schedule: 'Scheduling',
  done: 'Done',
};

/** One remote object of the sequence as the journal records it. */
export interface JournalStep {
  /** `upload:human`, `template:machine`, `engagement`, `activity`, `trigger:voice-human`, `schedule`… */
  step: string;
  /** `in_flight`: the request went out and its outcome is not known yet. */
  state: 'in_flight' | 'done';
  remoteId: string | null;
  updatedAt: string;
}

/** A follow-up campaign made by a "hold" send for those outside their calling hours (electron/send/hold.ts). */
export interface HeldFollowUp {
  campaignId: string;
  name: string;
  /** When their hours open and the follow-up calls them, ISO time. */
  at: string;
  recipients: number;
}

export interface SendStatus {
  campaignId: string;
  state: SendState;
  /** The step being worked on (or last reached). */
  step: SendStep;
  profileId: string | null;
  engagementId: string | null;
  /** Recipients frozen at send time (valid and not opted out then). */
  envelopesTotal: number;
  /** Recipients that have an envelope in Omnigage. */
  envelopesSent: number;
  /** Requests repeated after a failure, and reconciliations, in this run. */
  retries: number;
  /** Seconds left at the current pace; null before there is a pace. */
  etaSeconds: number | null;
  /** Why the send is queued, paused, failed or cancelled, in words for people. */
  message: string | null;
  errorCode: string | null;
  /** When the outbox tries again (queued sends), ISO time. */
  nextAttemptAt: string | null;
  journal: JournalStep[];
  /** Recipients held for their calling hours, in the follow-up campaigns that call them. */
  held: HeldFollowUp[];
  /** Who pressed Send and where ("alice on FRONT-DESK"); null when not recorded (older sends). */
  startedBy: string | null;
  createdAt: string;
  updatedAt: string;
  scheduledAt: string | null;
  completedAt: string | null;
  /** When the person cancelled it (ISO); null unless `state` is `cancelled`. */
  cancelledAt: string | null;
  /** Omnigage's engagement status and counts at the last results poll. */
  remote: RemoteProgress | null;
  /**
   * Whether the Omnigage this send talks to answered its last request or probe: a running send
   * whose Omnigage is `not_answering` is waiting, not sending, and says so.
   */
  omnigage: ConnectionState['reach'];
  /**
   * Scheduled, but Omnigage has not approved it for calling yet (a Pre-Compliance account:
   * `delivery-compliance-is-approved` false and no call made): see sendStateLabel.
   */
  waitingForApproval: boolean;
}

/**
 * Whether Omnigage answers (the header's dot): any HTTP answer counts; `not_answering` means
 * requests got none (no network, refused, timed out). `no_profile`: there is nothing to ask.
 */
export interface ConnectionState {
  reach: 'unknown' | 'answering' | 'not_answering' | 'no_profile';
  apiUrl: string | null;
  /** When the current state began (ISO), null when unknown. */
  since: string | null;
  /** When Omnigage was last asked (ISO). */
  checkedAt: string | null;
  /** Why there was no answer, in words for people. */
  detail: string | null;
  /** When the app asks again while Omnigage is not answering (ISO). */
  nextCheckAt: string | null;
}

export interface RemoteProgress {
  status: string | null;
  total: number | null;
  complete: number | null;
  incomplete: number | null;
  /** Omnigage's `delivery-compliance-is-approved`; null when it did not say. */
  complianceApproved: boolean | null;
  polledAt: string;
}

/**
 * Whether a scheduled engagement is held for a compliance approval. Omnigage reports
 * `delivery-compliance-is-approved: false` on accounts that do not need approval too (the
 * recorded schedule answer says false), so it counts only while no call has been completed.
 */
export function waitingForApproval(
  state: SendState,
  remote: Pick<RemoteProgress, 'complianceApproved' | 'complete'> | null,
): boolean {
  return (
    state === 'scheduled' &&
    remote?.complianceApproved === false &&
    !(remote.complete && remote.complete > 0)
  );
}

/** A send's state in words, as the app and `status` show it. */
export function sendStateLabel(status: Pick<SendStatus, 'state' | 'waitingForApproval'>): string {
  if (status.waitingForApproval) return 'Scheduled — waiting for approval in Omnigage';
  return SEND_STATE_LABELS[status.state];
}

export const SEND_STATE_LABELS: Record<SendState, string> = {
  queued: 'Waiting in the outbox',
  sending: 'Sending',
  paused: 'Paused',
  scheduled: 'Scheduled',
  completed: 'Completed',
  cancelled: 'Cancelled',
  failed: 'Stopped',
};

/**
 * A cancelled send in the person's words, said alike above the tabs, on Review and in the
 * report: "You cancelled this send on Dec 3, 2026, 2:05 PM; 4 people had been handed to
 * Omnigage". `at` is SendStatus.cancelledAt; the date is written in the reader's own way.
 */
export function youCancelled(at: string, handedOver: number): string {
  const when = new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  if (handedOver === 0)
    return `You cancelled this send on ${when}, before anyone was handed to Omnigage`;
  return `You cancelled this send on ${when}; ${handedOver.toLocaleString()} ${handedOver === 1 ? 'person had' : 'people had'} been handed to Omnigage`;
}

/**
 * What a cancel says (CancelReport.message, kept as SendStatus.message) after its opening
 * "Cancelled …." sentence: for a line that begins with youCancelled, which has said it.
 */
export function afterCancelled(message: string): string {
  return message.replace(/^Cancelled(?: before it was scheduled)?\.\s*/, '');
}

/** The `send:progress` event: SendStatus without the journal, sent often while sending. */
export type SendProgress = Omit<SendStatus, 'journal'>;

export interface SendProblem {
  code:
    | 'no_message'
    | 'no_caller_id'
    | 'caller_id_unverified'
    | 'audio_missing'
    | 'recipients'
    | 'credentials'
    | 'offline'
    | 'calling_hours'
    | 'already_sent'
    | 'in_progress'
    /** The office's shared do-not-call file cannot be read (blocking when the last copy is too old). */
    | 'do_not_call'
    /** The profile's frequency rule holds recipients back (blocking when it would hold back everyone). */
    | 'call_limit';
  message: string;
  /** True: the send cannot start. False: a warning (offline means "it will be queued"). */
  blocking: boolean;
}

export interface SendCheck {
  ok: boolean;
  /** False when Omnigage could not be reached: Send would queue the campaign in the outbox. */
  online: boolean;
  problems: SendProblem[];
  recipients: ValidationSummary;
  /** The Omnigage caller ID the campaign's caller ID resolved to, when checked online. */
  callerId: { id: string; phoneNumber: string } | null;
  /**
   * The profile's frequency rule and how many of the recipients it would hold back if the send
   * started now (they are counted in `recipients.valid`); null when the profile has no rule.
   */
  callLimit: CallLimitHold | null;
}

/** What `send:cancel` reports: what already exists in Omnigage (nobody is called for it). */
export interface CancelReport {
  status: SendStatus;
  remote: {
    engagementId: string | null;
    envelopes: number;
    /** Remote objects by type, e.g. { 'voice-templates': 2, engagements: 1 }. */
    objects: Record<string, number>;
  };
  message: string;
}

/** One recipient's outcome, next to its original row. */
export interface ResultRow {
  row: number;
  /** The row as the spreadsheet numbers it (null for lists imported before it was kept). */
  line?: number | null;
  e164: string | null;
  /** Original column values by header. */
  fields: Record<string, string>;
  envelopeId: string | null;
  /** Envelope status in Omnigage, or why the row was not sent (`not sent: invalid` …). */
  status: string;
  /** Call outcome (result kind or call status) once known. */
  outcome: string | null;
}

export interface ResultsPage {
  campaignId: string;
  state: SendState | null;
  remote: RemoteProgress | null;
  /** Recipients per outcome (`pending` until known). */
  outcomes: Record<string, number>;
  total: number;
  offset: number;
  rows: ResultRow[];
  /** The spreadsheet the list was imported from (its name as imported), for "Save results into a copy". */
  listFile: { name: string; format: 'csv' | 'xlsx' } | null;
  /** When the calls ended: [minute since 1970 (UTC), calls ended in it], in time order. */
  calledAt: Array<[number, number]>;
  /** Campaigns made by "Call again…" from these results, oldest first (their status as shown). */
  calledAgain: Array<Pick<CampaignSummary, 'id' | 'name' | 'status' | 'createdAt'>>;
}

export interface AuditEntry {
  id: number;
  at: string;
  campaignId: string | null;
  campaignName: string | null;
  profileId: string | null;
  recipientsSha256: string | null;
  /** `send.start`, `create`, `reconcile`, `schedule`, `send.cancel`… */
  action: string;
  remoteType: string | null;
  remoteId: string | null;
  count: number | null;
  outcome: 'ok' | 'failed' | 'unknown';
  detail: string | null;
}

/** A file written by an export (results CSV, audit trail CSV). */
export interface ExportedFile {
  path: string;
  /** Data rows written (the header not counted). */
  rows: number;
}

export interface AuditList {
  total: number;
  entries: AuditEntry[];
}

export const sendStartSchema = z.object({
  campaignId: campaignIdSchema,
  profileId: profileIdSchema.optional(),
});
export const campaignRefSchema = z.object({ campaignId: campaignIdSchema });
/** `callLate`: the send time passed while the computer was off; the person says to call now. */
export const sendResumeSchema = campaignRefSchema.extend({ callLate: z.boolean().optional() });

/** The computer's power as it bears on "At a set time" (the app itself starts those calls). */
export interface PowerState {
  /** The app is keeping the computer from sleeping by itself until a send time. */
  keepingAwake: boolean;
  /** True on battery, false on mains power, null when unknown. */
  onBattery: boolean | null;
}

export const resultsTotalsSchema = z.object({ ids: z.array(campaignIdSchema).max(10_000) });

/** Results → "Call again…": which outcomes to call again (shared/results-words.ts CALL_AGAIN_GROUPS). */
export const callAgainSchema = z.object({
  campaignId: campaignIdSchema,
  groups: z.array(z.enum(CALL_AGAIN_GROUP_IDS)).min(1, 'Tick at least one outcome to call again.'),
  /**
   * The person saw that a call-again was already made from these results and wants another:
   * without it, making a second one is refused (both sent would call the same people twice).
   */
  again: z.boolean().optional(),
});

export interface CallAgainResult {
  /** The new draft: the same messages, caller ID and settings, and only the recipients picked. */
  campaign: CampaignSummary;
  /** Recipients copied into it. */
  recipients: number;
  /** Of those, on the do-not-call list now: they stay in the list but will not be called. */
  heldBack: number;
}

export const resultsPageSchema = z.object({
  campaignId: campaignIdSchema,
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(100),
});
export const auditExportSchema = z.object({ campaignId: campaignIdSchema.optional() }).optional();
export const auditListSchema = z
  .object({
    campaignId: campaignIdSchema.optional(),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .optional();

/** "Call me first": a test call was scheduled in Omnigage (what `test-call --json` prints). */
export interface TestCallResult {
  engagementId: string;
  /** The number called, E.164. */
  to: string;
  /** The 1-based data row whose values were merged. */
  row: number;
  /** That row as the spreadsheet numbers it (null for lists imported before it was kept). */
  line?: number | null;
}

export const testCallSchema = z.object({
  campaignId: campaignIdSchema,
  /** The person's own number, read with the recipient list's default country. */
  to: z.string().trim().min(1, 'Type your phone number.').max(40),
  /** Whose values are merged (default: the first valid row). */
  row: z.number().int().min(1).optional(),
  /** Or the row as the spreadsheet numbers it (what the app's table shows); not with `row`. */
  line: z.number().int().min(2).optional(),
  profileId: profileIdSchema.optional(),
});

/**
 * A message with each sentence said once. Omnigage answers a refused bulk request with one
 * error per envelope, often the same words a hundred times; people need to read them once.
 */
export function sayOnce(message: string, max = 6): string {
  // Split after a colon too: "…the request: X. X. X." keeps its lead-in and says X once.
  const sentences = message.split(/(?<=[.!?:])\s+/);
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const sentence of sentences) {
    const key = sentence.trim();
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    kept.push(key);
  }
  if (kept.length <= max) return kept.join(' ');
  const more = kept.length - max;
  return `${kept.slice(0, max).join(' ')} (And ${more} other reason${more === 1 ? '' : 's'}: the audit trail lists them all.)`;
}
