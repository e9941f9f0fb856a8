/**
 * The project's working rules where the Omnigage sources are silent or disagree
 * (docs/omnigage-api.md, "Decisions"). Each is an assumption about the real API, so each
 * lives here once: when Omnigage proves one wrong, the correction is one edit in this file.
 * Decision 8 (error parsing and status classes) lives in errors.ts (`parseErrorBody`,
 * `kindForStatus`) next to the error type it produces.
 */

import { phoneKey } from './phone-key';

// Decision 1 ------------------------------------------------------------------------------
/**
 * A voice template's label goes out as both `name` (SDK, every recorded response) and
 * `subject` (the help article, the seed). The server ignores unknown attributes.
 */
export function voiceTemplateLabelAttributes(label: string): { name: string; subject: string } {
  return { name: label, subject: label };
}

// Decision 2 ------------------------------------------------------------------------------
export type TemplateKind = 'text' | 'audio';
export type TriggerKind = 'say' | 'play';
export type TriggerEvent = 'voice-human' | 'voice-machine';

/** Both triggers are always created; one message for both when the campaign has only one. */
export const TRIGGER_EVENTS: readonly TriggerEvent[] = ['voice-human', 'voice-machine'];

/** `say` speaks a text-to-speech template, `play` plays an audio one. */
export function triggerKindForTemplate(kind: TemplateKind): TriggerKind {
  return kind === 'text' ? 'say' : 'play';
}

// Decision 3 ------------------------------------------------------------------------------
/**
 * `voice` is a free string; the app offers Amazon Polly voices in the `Polly-<Name>` form the
 * seed uses (the list the picker shows is shared/voices.ts).
 */
export const DEFAULT_VOICE = 'Polly-Joanna';

// Decision 4 ------------------------------------------------------------------------------
/** `X-Account-Key` goes out whenever an account key is configured, and is never required. */
export function accountKeyHeaders(accountKey: string | undefined): Record<string, string> {
  const key = accountKey?.trim();
  return key ? { 'X-Account-Key': key } : {};
}

// Decision 5 ------------------------------------------------------------------------------
/** Both `Content-Type` and `Accept` of an envelope batch. */
export const BULK_MEDIA_TYPE = 'application/vnd.api+json; ext=bulk';
export const DEFAULT_ENVELOPE_BATCH_SIZE = 100;

/**
 * Never trust the order of a bulk response: created envelopes are matched to recipients by
 * phone number, compared as numbers (phoneKey: `12125550142` is `+12125550142`). Returns, per
 * number (its E.164 key), the envelopes that carry it (normally one). Envelopes whose number
 * cannot be read are left out: callers that must account for every envelope count them.
 */
export function envelopesByPhoneNumber<T extends { phoneNumber: string | null }>(
  envelopes: readonly T[],
): Map<string, T[]> {
  const byPhone = new Map<string, T[]>();
  for (const envelope of envelopes) {
    const key = phoneKey(envelope.phoneNumber);
    if (!key) continue;
    const list = byPhone.get(key);
    if (list) list.push(envelope);
    else byPhone.set(key, [envelope]);
  }
  return byPhone;
}

// Decision 6 ------------------------------------------------------------------------------
/**
 * The query that lists an engagement's envelopes page by page, used to reconcile after an
 * unknown outcome (and to read results). Offset paging is only meaningful over a stable order,
 * so the order is always asked for explicitly (oldest first: envelopes created while the
 * listing is read land at its end). The filter is not trusted on its own: each envelope's
 * `engagement` relationship is checked by the reader (engine.ts #reconcile).
 */
export const ENVELOPE_LISTING_SORT = 'created-at';

export function engagementEnvelopesQuery(
  engagementId: string,
  offset: number,
  limit: number,
): Record<string, string> {
  return {
    'filter[engagement.id]': `eq:${engagementId}`,
    sort: ENVELOPE_LISTING_SORT,
    'page[offset]': String(offset),
    'page[limit]': String(limit),
  };
}

/**
 * Engagement statuses the app knows (docs/omnigage-api.md §6 and §7: only `pending` and `scheduled` were
 * ever seen). Any other status is reported as Omnigage sent it and never taken as "scheduled".
 */
export const ENGAGEMENT_UNSCHEDULED = 'pending';
export const ENGAGEMENT_SCHEDULED = 'scheduled';

// Decision 7 ------------------------------------------------------------------------------
/** Scheduling is one PATCH of these attributes; any 2xx is accepted (202 expected). */
export const SCHEDULE_ATTRIBUTES = { status: 'scheduled', 'delivery-type': 'immediately' } as const;
