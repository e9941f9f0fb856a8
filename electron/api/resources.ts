import { asRecord, bool, num, stringMap, str, toMany, toOne, type ResourceObject } from './jsonapi';

/**
 * The Omnigage resources this app reads, as plain camelCase values. Every field the server may
 * leave out or send as null is `null` here, so callers never have to tell the two apart.
 * Field meanings and evidence: docs/omnigage-api.md §2 and §6.
 */

export interface Upload {
  id: string;
  /** An HTTP date (not ISO), one hour after creation. */
  expiresAt: string | null;
  maxLengthInBytes: number | null;
  /** Where the file goes: a presigned storage endpoint, not Omnigage itself. */
  requestUrl: string;
  requestMethod: string;
  /** Headers to send with the file, in the order given. */
  requestHeaders: [string, string][];
  /** Form fields to send before the file, in the order given. */
  requestFormData: [string, string][];
}

export interface VoiceTemplate {
  id: string;
  name: string | null;
  kind: string | null;
  status: string | null;
  body: string | null;
  voice: string | null;
  fileId: string | null;
  createdAt: string | null;
}

export interface Engagement {
  id: string;
  name: string | null;
  status: string | null;
  direction: string | null;
  deliveryType: string | null;
  countTotal: number | null;
  countComplete: number | null;
  countIncomplete: number | null;
  countHold: number | null;
  /**
   * `delivery-compliance-is-approved`: false while a Pre-Compliance account holds the
   * engagement for a compliance admin (§14); null when not sent.
   */
  complianceApproved: boolean | null;
  activityId: string | null;
  callerIdIds: string[];
  createdAt: string | null;
  updatedAt: string | null;
}

export interface Activity {
  id: string;
  name: string | null;
  kind: string | null;
  engagementId: string | null;
  callerIdId: string | null;
  phoneNumberId: string | null;
  triggerIds: string[];
  createdAt: string | null;
}

export interface Trigger {
  id: string;
  kind: string | null;
  onEvent: string | null;
  activityId: string | null;
  voiceTemplateId: string | null;
  createdAt: string | null;
}

export interface Envelope {
  id: string;
  phoneNumber: string | null;
  status: string | null;
  kind: string | null;
  meta: Record<string, string>;
  engagementId: string | null;
  activityId: string | null;
  callId: string | null;
  createdAt: string | null;
  processedAt: string | null;
  completedAt: string | null;
}

export interface CallerId {
  id: string;
  phoneNumber: string | null;
  label: string | null;
  status: string | null;
  createdAt: string | null;
}

export interface Call {
  id: string;
  from: string | null;
  to: string | null;
  status: string | null;
  /** Seconds. */
  duration: number | null;
  startedAt: string | null;
  finishedAt: string | null;
  envelopeId: string | null;
  callerIdId: string | null;
  resultId: string | null;
  createdAt: string | null;
}

export interface CallResult {
  id: string;
  kind: string | null;
  digits: string | null;
  speech: string | null;
  phoneNumber: string | null;
  callId: string | null;
  createdAt: string | null;
}

export const toUpload = (r: ResourceObject): Upload => ({
  id: r.id,
  expiresAt: str(r, 'expires-at'),
  maxLengthInBytes: num(r, 'max-length-in-bytes'),
  requestUrl: str(r, 'request-url') ?? '',
  requestMethod: (str(r, 'request-method') ?? 'post').toUpperCase(),
  requestHeaders: pairs(r.attributes['request-headers']),
  requestFormData: pairs(r.attributes['request-form-data']),
});

export const toVoiceTemplate = (r: ResourceObject): VoiceTemplate => ({
  id: r.id,
  name: str(r, 'name') ?? str(r, 'subject'),
  kind: str(r, 'kind'),
  status: str(r, 'status'),
  body: str(r, 'body'),
  voice: str(r, 'voice'),
  fileId: toOne(r, 'file'),
  createdAt: str(r, 'created-at'),
});

export const toEngagement = (r: ResourceObject): Engagement => ({
  id: r.id,
  name: str(r, 'name'),
  status: str(r, 'status'),
  direction: str(r, 'direction'),
  deliveryType: str(r, 'delivery-type'),
  countTotal: num(r, 'count-total'),
  countComplete: num(r, 'count-complete'),
  countIncomplete: num(r, 'count-incomplete'),
  countHold: num(r, 'count-hold'),
  complianceApproved: bool(r, 'delivery-compliance-is-approved'),
  activityId: toOne(r, 'activity'),
  callerIdIds: toMany(r, 'caller-ids'),
  createdAt: str(r, 'created-at'),
  updatedAt: str(r, 'updated-at'),
});

export const toActivity = (r: ResourceObject): Activity => ({
  id: r.id,
  name: str(r, 'name'),
  kind: str(r, 'kind'),
  engagementId: toOne(r, 'engagement'),
  callerIdId: toOne(r, 'caller-id'),
  phoneNumberId: toOne(r, 'phone-number'),
  triggerIds: toMany(r, 'triggers'),
  createdAt: str(r, 'created-at'),
});

export const toTrigger = (r: ResourceObject): Trigger => ({
  id: r.id,
  kind: str(r, 'kind'),
  onEvent: str(r, 'on-event'),
  activityId: toOne(r, 'activity'),
  voiceTemplateId: toOne(r, 'voice-template'),
  createdAt: str(r, 'created-at'),
});

export const toEnvelope = (r: ResourceObject): Envelope => ({
  id: r.id,
  phoneNumber: str(r, 'phone-number'),
  status: str(r, 'status'),
  kind: str(r, 'kind'),
  meta: stringMap(r, 'meta'),
  engagementId: toOne(r, 'engagement'),
  activityId: toOne(r, 'activity'),
  callId: toOne(r, 'call'),
  createdAt: str(r, 'created-at'),
  processedAt: str(r, 'processed-at'),
  completedAt: str(r, 'completed-at'),
});

export const toCallerId = (r: ResourceObject): CallerId => ({
  id: r.id,
  phoneNumber: str(r, 'phone-number'),
  label: str(r, 'label'),
  status: str(r, 'status'),
  createdAt: str(r, 'created-at'),
});

export const toCall = (r: ResourceObject): Call => ({
  id: r.id,
  from: str(r, 'from'),
  to: str(r, 'to'),
  status: str(r, 'status'),
  duration: num(r, 'duration'),
  startedAt: str(r, 'started-at'),
  finishedAt: str(r, 'finished-at'),
  envelopeId: toOne(r, 'envelope'),
  callerIdId: toOne(r, 'caller-id'),
  resultId: toOne(r, 'result'),
  createdAt: str(r, 'created-at'),
});

export const toCallResult = (r: ResourceObject): CallResult => ({
  id: r.id,
  kind: str(r, 'kind'),
  digits: str(r, 'digits'),
  speech: str(r, 'speech'),
  phoneNumber: str(r, 'phone-number'),
  callId: toOne(r, 'call'),
  createdAt: str(r, 'created-at'),
});

/**
 * `request-headers` / `request-form-data` come as arrays of single-key objects, in order
 * (§7.2). A plain object is accepted too, in its key order.
 */
function pairs(value: unknown): [string, string][] {
  const out: [string, string][] = [];
  const push = (record: Record<string, unknown>) => {
    for (const [key, v] of Object.entries(record)) {
      if (v === null || v === undefined) continue;
      out.push([key, typeof v === 'string' ? v : String(v)]);
    }
  };
  if (Array.isArray(value)) {
    for (const item of value) {
      const record = asRecord(item);
      if (record) push(record);
    }
  } else {
    const record = asRecord(value);
    if (record) push(record);
  }
  return out;
}
