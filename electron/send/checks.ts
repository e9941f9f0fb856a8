import { accessSync, constants } from 'node:fs';
import type { CampaignDetail } from '../../shared/campaign';
import { AppError } from '../../shared/errors';
import {
  describeUnknownField,
  extractMergeFields,
  unknownMergeFields,
} from '../../shared/recipients/merge';
import { describeWindow } from '../../shared/recipients/quiet-hours';
import type { ValidationSummary } from '../../shared/recipients/summary';
import type { SendCheck, SendProblem } from '../../shared/send';
import { isApiError, toAppError } from '../api/client';
import type { CampaignService } from '../campaigns/service';
import type { Db } from '../db/open';
import type { Logger } from '../logging/logger';
import type { Credentials } from '../profiles/credentials';
import type { ProfileService } from '../profiles/service';
import { recipientsTable } from '../db/tables/recipients';
import type { SendReadiness } from '../recipients/opt-outs';
import type { RecipientService } from '../recipients/service';
import type { CallLimitHold } from '../../shared/call-history';
import { CallHistory } from './call-history';
import { clientFor, matchCallerId, messageSlots, type EngineOptions } from './engine';
import type { Journal } from './journal';
import type { RunningSends } from './runs';
import type { Clock } from '../clock';

/** Resolves the credentials a campaign's send would use (the facade's `credentials`). */
export type CredentialsFor = (
  campaignId: string,
  profileId?: string | null,
) => Promise<Credentials>;

/** The office's shared do-not-call file, read before a send (OptOutService.beforeSend). */
export interface DoNotCallReader {
  beforeSend(): Promise<SendReadiness | null>;
}

export interface SendChecksDeps {
  db: Db;
  log: Logger;
  clock: Clock;
  campaigns: CampaignService;
  recipients: RecipientService;
  profiles: ProfileService;
  journal: Journal;
  runs: RunningSends;
  credentials: CredentialsFor;
  options: EngineOptions;
  doNotCall?: DoNotCallReader;
  /** The profile's frequency rule, judged against calls made through the Omnigage this send would use. */
  history: CallHistory;
  /**
   * The frequency rule's count for a send (CallHistory.wouldHold), off this thread for a long
   * list when the app has a worker; on this thread when absent.
   */
  wouldHold?: (
    campaignId: string,
    profileId: string | null,
    apiUrl: string,
  ) => Promise<CallLimitHold | null>;
  /** The whole validation summary for the window; RecipientService.summary on this thread when absent. */
  summarize?: (
    campaignId: string,
    options: { profileId: string | null; texts: readonly string[] },
  ) => Promise<ValidationSummary>;
}

/** What every send-time rule is given: read once per check, shared by all of them. */
interface CheckContext {
  campaign: CampaignDetail;
  /** The profile the send would use (the one chosen, else the campaign's). */
  profileId: string | null;
  /** What reading the office's do-not-call file said (null: read, or none is configured). */
  doNotCall: SendReadiness | null;
  /** The recipients' validation summary (the whole one for the window, the blocking part for Send). */
  summary: ValidationSummary;
  /** Who is outside the campaign's calling hours when the calls start (null: the hours only warn). */
  callingWindow: CallingWindowAtStart | null;
}

/**
 * The campaign's calling hours judged once for the moment the calls start: the rule below words
 * it, and Send records whom it leaves out, from the same reading.
 */
export interface CallingWindowAtStart {
  at: Date;
  /** Zone prefixes (zonePrefixSql) of the sendable recipients outside the hours then. */
  prefixes: string[];
  /** How many sendable recipients they hold, and how many are sendable in all. */
  recipients: number;
  sendable: number;
}

/** A check made for Send: its result, and what it read on the way, so Send need not read it again. */
export interface CheckForSend {
  result: SendCheck;
  campaign: CampaignDetail;
  profileId: string | null;
  /** Undefined when they could not be resolved (then the result holds a blocking problem). */
  credentials: Credentials | undefined;
  doNotCall: SendReadiness | null;
  callingWindow: CallingWindowAtStart | null;
}

/**
 * One send-time rule: the problems it finds (blocking ones stop Send; the others are warnings
 * the window shows). To add a rule, write one and add it to `SEND_RULES`; the order of the
 * list is the order the problems are shown in.
 */
type SendRule = (context: CheckContext, deps: SendChecksDeps) => SendProblem[];

/** Already sent or being sent. */
const alreadySent: SendRule = ({ campaign }, { journal, runs }) => {
  const existing = journal.get(campaign.id);
  if (existing && (existing.state === 'scheduled' || existing.state === 'completed'))
    return [
      {
        code: 'already_sent',
        blocking: true,
        message: `"${campaign.name}" has already been scheduled in Omnigage. Duplicate it to send it again.`,
      },
    ];
  if (runs.has(campaign.id))
    return [{ code: 'in_progress', blocking: true, message: `"${campaign.name}" is being sent.` }];
  return [];
};

/** A message for people who answer, a caller ID, and audio files that can be read. */
const content: SendRule = ({ campaign }) => {
  const problems: SendProblem[] = [];
  if (!campaign.human)
    problems.push({
      code: 'no_message',
      blocking: true,
      message: 'Write the message for people who answer, or choose an audio file.',
    });
  if (!campaign.callerId)
    problems.push({
      code: 'no_caller_id',
      blocking: true,
      message: 'Choose the caller ID the calls come from.',
    });
  for (const { slot, message } of messageSlots(campaign)) {
    if (message.kind !== 'audio') continue;
    try {
      accessSync(message.file, constants.R_OK);
    } catch {
      problems.push({
        code: 'audio_missing',
        blocking: true,
        message: `The ${slot === 'human' ? '' : 'voicemail '}audio file ${message.file} cannot be read. Choose it again.`,
      });
    }
  }
  return problems;
};

/** The office's do-not-call file: a warning with an older copy, a refusal when it is too old. */
const doNotCall: SendRule = ({ doNotCall: readiness }) =>
  readiness
    ? [{ code: 'do_not_call', blocking: readiness.blocking, message: readiness.message }]
    : [];

/** The recipients' blocking problems (no list, unknown merge fields, nobody sendable…). */
const recipients: SendRule = ({ summary }) =>
  summary.problems.flatMap((p) =>
    p.blocking ? [{ code: 'recipients' as const, blocking: true, message: p.message }] : [],
  );

/**
 * The campaign's calling window at the moment the calls start: `refuse` blocks the send while
 * anyone is outside it; `leave-out` and `hold` block it only when that would leave nobody to
 * call now.
 */
const callingHours: SendRule = ({ campaign, callingWindow: outside }, deps) => {
  const window = campaign.delivery.window;
  if (!window || !outside || outside.recipients === 0) return [];
  const at = outside.at;
  const hours = describeWindow(window);
  const when = at.getTime() > deps.clock().getTime() ? 'at the send time' : 'now';
  const people = `${outside.recipients.toLocaleString('en-US')} recipient${outside.recipients === 1 ? '' : 's'}`;
  if (window.outside === 'refuse')
    return [
      {
        code: 'calling_hours',
        blocking: true,
        message: `${people} would be called outside their calling hours (${hours} their time) ${when}. Change the calling hours or the send time, or choose to leave them out.`,
      },
    ];
  if (outside.recipients >= outside.sendable)
    return [
      {
        code: 'calling_hours',
        blocking: true,
        message:
          window.outside === 'hold'
            ? `Every recipient is outside their calling hours (${hours} their time) ${when}. Set the send time to when their hours open instead of holding everyone.`
            : `Every recipient is outside their calling hours (${hours} their time) ${when}, so nobody would be called. Change the calling hours or the send time.`,
      },
    ];
  return [
    {
      code: 'calling_hours',
      blocking: false,
      message:
        window.outside === 'hold'
          ? `${people} ${outside.recipients === 1 ? 'is' : 'are'} outside their calling hours (${hours} their time) ${when} and will be held: a follow-up campaign calls them when their hours open.`
          : `${people} ${outside.recipients === 1 ? 'is' : 'are'} outside their calling hours (${hours} their time) ${when} and will be left out: they get no call.`,
    },
  ];
};

/** The rules judged without asking Omnigage, in the order their problems are shown. */
const SEND_RULES: readonly SendRule[] = [alreadySent, content, doNotCall, recipients, callingHours];

/** When the calls start: the send time still ahead, else now. */
function callsStart(delivery: CampaignDetail['delivery'], clock: Clock): Date {
  const now = clock();
  const at = delivery.type === 'at' ? new Date(delivery.at) : null;
  return at && at.getTime() > now.getTime() ? at : now;
}

/**
 * Everything that would stop a send, checked now: the rules above against the campaign and
 * today's opt-outs, then the credentials and (when Omnigage answers) the caller ID. Offline is
 * a warning: Send would queue the campaign in the outbox.
 */
export class SendChecks {
  readonly #deps: SendChecksDeps;

  constructor(deps: SendChecksDeps) {
    this.#deps = deps;
  }

  /**
   * `full`: the whole validation summary for the window. Send itself only needs its blocking
   * problems, which a few counts answer without reading every row.
   */
  async check(
    campaignId: string,
    profileId: string | null | undefined,
    full: boolean,
  ): Promise<SendCheck> {
    return (await this.#run(campaignId, profileId, full)).result;
  }

  /** The blocking checks for Send, with what they read (the campaign, credentials, calling hours…). */
  forSend(campaignId: string, profileId: string | null | undefined): Promise<CheckForSend> {
    return this.#run(campaignId, profileId, false);
  }

  async #run(
    campaignId: string,
    profileId: string | null | undefined,
    full: boolean,
  ): Promise<CheckForSend> {
    const { campaigns, recipients, profiles } = this.#deps;
    const campaign = campaigns.detail(campaignId);
    // Read first: reading the shared file may add opt-outs the recipient counts must see.
    const readiness = (await this.#deps.doNotCall?.beforeSend()) ?? null;
    const profile = profileId ? profiles.get(profileId) : profiles.forCampaign(campaignId);
    const texts = [campaign.human, campaign.machine].flatMap((m) =>
      m?.kind === 'text' ? [m.body] : [],
    );
    const { summarize, wouldHold, history } = this.#deps;
    const summary = full
      ? await (summarize?.(campaignId, { profileId: profile?.id ?? null, texts }) ??
          recipients.summary(campaignId, { profileId: profile?.id ?? null, texts }))
      : this.#blockingSummary(campaignId, profile?.id ?? null, texts);
    const context: CheckContext = {
      campaign,
      profileId: profile?.id ?? null,
      doNotCall: readiness,
      summary,
      callingWindow: this.#callingWindow(campaign, profile?.id ?? null),
    };
    const problems = SEND_RULES.flatMap((rule) => rule(context, this.#deps));
    const online = await this.#online(campaign, profileId);
    problems.push(...online.problems);
    // The frequency rule needs the Omnigage address the send would use (its history is per address).
    const apiUrl = online.credentials?.apiUrl ?? profile?.apiUrl ?? null;
    const callLimit = apiUrl
      ? await (wouldHold?.(campaignId, profile?.id ?? null, apiUrl) ??
          history.wouldHold(campaignId, profile?.id ?? null, apiUrl))
      : null;
    const held = callLimit && CallHistory.problem(callLimit, summary.recipients.valid);
    if (held) problems.push(held);
    return {
      result: {
        ok: !problems.some((p) => p.blocking),
        online: online.online,
        problems,
        recipients: summary,
        callerId: online.callerId,
        callLimit,
      },
      campaign,
      profileId: context.profileId,
      credentials: online.credentials,
      doNotCall: readiness,
      callingWindow: context.callingWindow,
    };
  }

  /** One reading of the recipients by zone for the calling hours, when they leave out or refuse. */
  #callingWindow(campaign: CampaignDetail, profileId: string | null): CallingWindowAtStart | null {
    const window = campaign.delivery.window;
    if (!window || window.outside === 'warn') return null;
    const at = callsStart(campaign.delivery, this.#deps.clock);
    return { at, ...this.#deps.recipients.outsideWindow(campaign.id, profileId, at, window) };
  }

  /** The credentials, and the caller ID against the account's verified ones when Omnigage answers. */
  async #online(
    campaign: CampaignDetail,
    profileId: string | null | undefined,
  ): Promise<{
    online: boolean;
    callerId: SendCheck['callerId'];
    problems: SendProblem[];
    credentials: Credentials | undefined;
  }> {
    const problems: SendProblem[] = [];
    let online = false;
    let callerId: SendCheck['callerId'] = null;
    let credentials: Credentials | undefined;
    try {
      credentials = await this.#deps.credentials(campaign.id, profileId);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      problems.push({ code: 'credentials', blocking: true, message: error.message });
    }
    if (!credentials) return { online, callerId, problems, credentials };
    const options = this.#deps.options;
    try {
      const api = clientFor(
        credentials,
        this.#deps.log.child('api'),
        { ...options, timeoutMs: Math.min(options.timeoutMs ?? 15_000, 15_000) },
        { retry: { maxAttempts: 2 } },
      );
      const verified = await api.callerIds.list({ verifiedOnly: true });
      online = true;
      if (campaign.callerId) {
        callerId = matchCallerId(
          campaign.callerId,
          verified.filter((c) => c.status === null || c.status === 'success'),
        );
        if (!callerId) {
          problems.push({
            code: 'caller_id_unverified',
            blocking: true,
            message: `The caller ID ${campaign.callerId} is not verified in this Omnigage account. Verify it in Omnigage, or choose another.`,
          });
        }
      }
    } catch (error) {
      if (!isApiError(error)) throw error;
      if (
        error.kind === 'bad_credentials' ||
        error.kind === 'forbidden' ||
        error.kind === 'not_found'
      ) {
        online = true;
        problems.push({ code: 'credentials', blocking: true, message: toAppError(error).message });
      } else {
        problems.push({
          code: 'offline',
          blocking: false,
          message:
            'Omnigage cannot be reached right now. Send will keep the campaign in the outbox and send it when the connection returns.',
        });
      }
    }
    return { online, callerId, problems, credentials };
  }

  /** The blocking part of the validation summary (no list, unknown merge fields, nobody sendable), from counts. */
  #blockingSummary(
    campaignId: string,
    profileId: string | null,
    texts: readonly string[],
  ): ValidationSummary {
    const list = this.#deps.recipients.getList(campaignId);
    const used = [...new Set(texts.flatMap((t) => extractMergeFields(t)))];
    const problems: ValidationSummary['problems'] = [];
    const counts = { total: 0, valid: 0, invalid: 0, duplicates: 0, optedOut: 0 };
    if (!list) {
      problems.push({
        row: 0,
        code: 'no_recipient_list',
        message: 'This campaign has no recipients yet. Import a CSV or Excel file first.',
        blocking: true,
      });
    } else {
      for (const unknown of unknownMergeFields(used, list.mergeFields)) {
        problems.push({
          row: 0,
          code: 'unknown_merge_field',
          message: describeUnknownField(unknown),
          blocking: true,
        });
      }
      counts.valid = recipientsTable(this.#deps.db).sendableCount(campaignId, profileId);
      if (counts.valid === 0) {
        problems.push({
          row: 0,
          code: 'no_recipients',
          message: 'No recipient can be called: every row is invalid, a duplicate or opted out.',
          blocking: true,
        });
      }
    }
    return {
      ok: problems.length === 0,
      recipients: counts,
      problems,
      mergeFields: { used, missing: [] },
    };
  }
}
