import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Message } from '../../shared/campaign';
import { AppError } from '../../shared/errors';
import { campaignMetaFields, envelopeMeta } from '../../shared/recipients/envelope-meta';
import type { TestCallResult } from '../../shared/send';
import {
  DEFAULT_VOICE,
  isApiError,
  toAppError,
  type OmnigageClient,
  type TemplateKind,
  type TriggerEvent,
} from '../api/client';
import type { CampaignService } from '../campaigns/service';
import type { Logger } from '../logging/logger';
import { resolveCredentials, type Credentials } from '../profiles/credentials';
import type { ProfileService } from '../profiles/service';
import { PhoneValidator, describePhoneProblem } from '../recipients/phone';
import type { RecipientService } from '../recipients/service';
import { sleep } from '../api/http';
import type { AuditLog, AuditRecord } from './audit';
import { clientFor, matchCallerId, messageSlots, uploadAudio, type EngineOptions } from './engine';

/**
 * "Call me first": one real call to the person's own number, before the campaign goes out.
 *
 * It is its own engagement ("<campaign> — test call") with the campaign's messages, caller ID
 * and one recipient row's merge values, one envelope, both triggers, scheduled at once. It
 * shares the API client and the sequence's pieces with the send engine (engine.ts) but keeps
 * no journal: nothing of it is resumed. The campaign is only read — its status, send journal
 * and results never see the test call; only the audit trail records it.
 *
 * Never more than one envelope: the single envelope POST is never repeated. The client itself
 * repeats a POST only when it certainly did not arrive (http.ts); when its outcome is unknown,
 * the engagement's envelopes are listed, and without exactly the one envelope the engagement
 * is left unscheduled (an unscheduled engagement calls nobody) and the call is reported as
 * not placed. The schedule PATCH goes out once; an unknown outcome is settled by reading the
 * engagement before anything else.
 */

/** Everything a test call needs, read from a campaign (stored, or a CLI campaign file). */
export interface PreparedTestCall {
  /** The stored campaign, for the audit trail; null for a CLI file never stored. */
  campaignId: string | null;
  name: string;
  callerId: string | null;
  human: Message | null;
  machine: Message | null;
  /** The number to call, E.164. */
  to: string;
  /** The 1-based data row whose values are merged. */
  row: number;
  /** That row as the spreadsheet numbers it (null for lists imported before it was kept). */
  line: number | null;
  meta: Record<string, string>;
}

type AuditEntryOf = (entry: Omit<AuditRecord, 'campaignId' | 'campaignName' | 'profileId'>) => void;

export interface TestCallDeps {
  campaigns: CampaignService;
  recipients: RecipientService;
  profiles: ProfileService;
  audit: AuditLog;
  log: Logger;
  /** The send engine's client settings (timeouts, retry policy, test timing). */
  options: () => Readonly<EngineOptions>;
  env?: NodeJS.ProcessEnv;
  readFile?: (path: string) => Uint8Array;
}

/** The name of a campaign's test-call engagement in Omnigage. */
export const testCallName = (campaign: string) => `${campaign} — test call`;

export class TestCallService {
  readonly #deps: TestCallDeps;

  constructor(deps: TestCallDeps) {
    this.#deps = deps;
  }

  /**
   * Reads the campaign's content and a recipient row, and reads `to` with the list's default
   * country. Changes nothing. Throws invalid_input for a number or row that cannot be used.
   */
  prepare(
    campaignId: string,
    request: { to: string; row?: number; line?: number },
  ): PreparedTestCall {
    const { campaigns, recipients } = this.#deps;
    const campaign = campaigns.detail(campaignId);
    const list = recipients.getList(campaignId);
    if (!list)
      throw new AppError(
        'invalid_input',
        "Import the recipient list first: the test call uses one recipient's values.",
      );
    const checked = new PhoneValidator(list.defaultCountry).check(request.to);
    if (!checked.ok) {
      throw new AppError(
        'invalid_input',
        `Your number: ${describePhoneProblem(checked.code, request.to, list.defaultCountry)}`,
      );
    }
    const { row, cells, line } = recipients.rowCells(campaignId, request.row, request.line);
    return {
      campaignId,
      name: campaign.name,
      callerId: campaign.callerId,
      human: campaign.human,
      machine: campaign.machine,
      to: checked.e164,
      row,
      line,
      // Exactly what the campaign's own envelopes will carry for this row (envelope-meta.ts).
      meta: envelopeMeta(
        campaignMetaFields(campaign, { keys: list.keys, phoneIndex: list.phoneIndex }),
        JSON.parse(cells) as string[],
      ),
    };
  }

  async credentials(campaignId: string | null, profileId?: string | null): Promise<Credentials> {
    return resolveCredentials({
      profiles: this.#deps.profiles,
      log: this.#deps.log,
      profileId: profileId ?? undefined,
      campaignId: campaignId ?? undefined,
      env: this.#deps.env,
    });
  }

  /** Prepares and places a test call for a stored campaign. */
  async call(
    campaignId: string,
    request: { to: string; row?: number; line?: number; profileId?: string | null },
  ): Promise<TestCallResult> {
    const prepared = this.prepare(campaignId, request);
    return this.place(prepared, await this.credentials(campaignId, request.profileId));
  }

  /** Places the call: resolves once Omnigage has the test engagement scheduled, else throws an AppError. */
  async place(call: PreparedTestCall, credentials: Credentials): Promise<TestCallResult> {
    const { log, audit } = this.#deps;
    const options = this.#deps.options();
    const name = testCallName(call.name);
    const record: AuditEntryOf = (entry) =>
      audit.record({
        campaignId: call.campaignId,
        campaignName: call.name,
        profileId: credentials.profileId,
        ...entry,
      });
    const client = clientFor(credentials, log.child('api'), options);
    const oneShot = clientFor(credentials, log.child('api'), options, {
      retry: { maxAttempts: 1 },
    });
    const made = async <T extends { id: string }>(
      remoteType: string,
      step: string,
      create: () => Promise<T>,
    ): Promise<T> => {
      const result = await create();
      record({
        action: 'test-call.create',
        remoteType,
        remoteId: result.id,
        outcome: 'ok',
        detail: step,
      });
      return result;
    };
    let engagementId: string | null = null;
    try {
      if (!call.human)
        throw new AppError(
          'invalid_input',
          'Write the message for people who answer, or choose an audio file, first.',
        );
      if (!call.callerId)
        throw new AppError('invalid_input', 'Choose the caller ID the calls come from first.');
      const verified = await client.callerIds.list({ verifiedOnly: true });
      const callerId = matchCallerId(
        call.callerId,
        verified.filter((c) => c.status === null || c.status === 'success'),
      );
      if (!callerId) {
        throw new AppError(
          'remote_validation',
          `The caller ID ${call.callerId} is not verified in this Omnigage account. Verify it in Omnigage, or choose another.`,
        );
      }

      const templates = new Map<string, { id: string; kind: TemplateKind }>();
      for (const { slot, message } of messageSlots(call)) {
        const label = `${name} (${slot === 'human' ? 'person' : 'voicemail'})`;
        if (message.kind === 'audio') {
          let data: Uint8Array;
          try {
            data = (this.#deps.readFile ?? readFileSync)(message.file);
          } catch (error) {
            throw new AppError(
              'invalid_input',
              `The audio file ${message.file} cannot be read: ${(error as Error).message}`,
              { cause: error },
            );
          }
          const upload = await made('uploads', `upload:${slot}`, () =>
            uploadAudio(client, data, message.fileName || basename(message.file)),
          );
          const template = await made('voice-templates', `template:${slot}`, () =>
            client.voiceTemplates.createAudio({ label, uploadId: upload.id }),
          );
          templates.set(slot, { id: template.id, kind: 'audio' });
        } else {
          const template = await made('voice-templates', `template:${slot}`, () =>
            client.voiceTemplates.createText({
              label,
              body: message.body,
              voice: message.voice || DEFAULT_VOICE,
            }),
          );
          templates.set(slot, { id: template.id, kind: 'text' });
        }
      }
      const engagement = await made('engagements', 'engagement', () =>
        client.engagements.create({ name }),
      );
      engagementId = engagement.id;
      const activity = await made('activities', 'activity', () =>
        client.activities.createVoice({
          name,
          engagementId: engagement.id,
          callerIdId: callerId.id,
        }),
      );
      const human = templates.get('human')!;
      const machine = templates.get('machine') ?? human;
      for (const event of ['voice-human', 'voice-machine'] as TriggerEvent[]) {
        await made('triggers', `trigger:${event}`, () =>
          client.triggers.createForTemplate({
            activityId: activity.id,
            onEvent: event,
            template: event === 'voice-human' ? human : machine,
          }),
        );
      }

      await this.#envelope(client, engagement.id, call, options, record);
      await this.#schedule(oneShot, client, engagement.id, options);
      record({
        action: 'test-call',
        remoteType: 'engagements',
        remoteId: engagement.id,
        count: 1,
        outcome: 'ok',
        detail: `to ${call.to}, values of row ${call.row}`,
      });
      log.info('test call scheduled', {
        campaignId: call.campaignId,
        engagementId: engagement.id,
        row: call.row,
      });
      return { engagementId: engagement.id, to: call.to, row: call.row, line: call.line };
    } catch (error) {
      const unknown = isApiError(error) && error.outcomeUnknown;
      const reason = isApiError(error)
        ? toAppError(error)
        : error instanceof AppError
          ? error
          : new AppError('internal', String(error), { cause: error });
      record({
        action: 'test-call',
        remoteType: 'engagements',
        remoteId: engagementId,
        outcome: unknown ? 'unknown' : 'failed',
        detail: `to ${call.to}, values of row ${call.row}: ${reason.message}`.slice(0, 500),
      });
      if (reason.code === 'internal')
        log.error('test call failed', { campaignId: call.campaignId, error });
      throw new AppError(
        reason.code,
        `The test call was not placed: ${reason.message}${engagementId ? ' Its engagement in Omnigage was not scheduled, so nobody will be called by it.' : ''}`,
        { cause: error },
      );
    }
  }

  /** The one envelope, sent once; an unknown outcome is settled by listing, never by sending again. */
  async #envelope(
    client: OmnigageClient,
    engagementId: string,
    call: PreparedTestCall,
    options: Readonly<EngineOptions>,
    record: AuditEntryOf,
  ): Promise<void> {
    try {
      const created = await client.envelopes.createBulk(engagementId, [
        { phoneNumber: call.to, meta: call.meta },
      ]);
      if (created.length === 1) {
        record({
          action: 'test-call.create',
          remoteType: 'envelopes',
          remoteId: created[0]!.id,
          count: 1,
          outcome: 'ok',
          detail: 'envelope',
        });
        return;
      }
    } catch (error) {
      if (!(isApiError(error) && error.outcomeUnknown)) throw error;
    }
    // No clear answer: did the envelope land? Wait for the server to finish, then look.
    await sleep(options.settleMs, new AbortController().signal);
    const { envelopes } = await client.envelopes.listAll(engagementId);
    if (envelopes.length !== 1) {
      throw new AppError(
        'remote_error',
        envelopes.length === 0
          ? 'Omnigage did not confirm the test recipient. Try again.'
          : `Omnigage holds ${envelopes.length} recipients for the test call instead of one.`,
      );
    }
    record({
      action: 'test-call.create',
      remoteType: 'envelopes',
      remoteId: envelopes[0]!.id,
      count: 1,
      outcome: 'ok',
      detail: 'envelope found after an unknown outcome',
    });
  }

  async #schedule(
    oneShot: OmnigageClient,
    client: OmnigageClient,
    engagementId: string,
    options: Readonly<EngineOptions>,
  ): Promise<void> {
    try {
      await oneShot.engagements.schedule(engagementId);
    } catch (error) {
      if (!(isApiError(error) && error.outcomeUnknown)) throw error;
      await sleep(options.settleMs, new AbortController().signal);
      const engagement = await client.engagements.get(engagementId);
      if (engagement.status === null || engagement.status === 'pending') throw error;
    }
  }
}
