import { createHmac } from 'node:crypto';
import type { Random } from './random';
import { hexGenerator, idGenerator, omnigageTimestamp } from './random';
import {
  toOneId,
  type Linkage,
  type SandboxState,
  type WireRelationship,
  type WireResource,
} from './state';

/**
 * The Omnigage API as the sandbox plays it, without HTTP: one request in, one answer out.
 * Everything follows docs/omnigage-api.md §1–§6; where the sources are silent the sandbox
 * chooses, and each such choice is marked "INVENTED" here so nobody mistakes it for Omnigage.
 */

export interface Behaviour {
  /** Scheduling needs both voice triggers (the sources only prove "neither" fails). */
  requireBothTriggers: boolean;
  /** INVENTED: `say` needs a text template and `play` an audio one. */
  strictTriggerKinds: boolean;
  /** Allowed `voice` values; undefined accepts any non-empty string (§12). */
  voices: readonly string[] | undefined;
  /** INVENTED: largest envelope batch accepted (Omnigage's limit is unknown). */
  maxBulkSize: number;
  /** INVENTED: page[limit] is silently capped to this (the real cap is unknown). */
  maxPageLimit: number;
  /** INVENTED: page size when page[limit] is absent. */
  defaultPageLimit: number;
  /** Add `meta.total` to lists (allowed by §5; clients must not need it). */
  listMeta: boolean;
  // Deviations nobody has ruled out (docs/omnigage-api.md §7), off by default:
  // the sandbox can misbehave on purpose so the send engine is tested against each.
  /** GET /envelopes ignores `filter[engagement.id]`: every engagement's envelopes are listed. */
  ignoreEnvelopeFilter: boolean;
  /**
   * Order of a listing: `stable` (creation order, or `sort`); `unstable-without-sort`: shuffled
   * afresh on every request that has no `sort`; `unstable`: shuffled even when sorted.
   */
  listOrder: 'stable' | 'unstable-without-sort' | 'unstable';
  /** How envelopes' `phone-number` is echoed: as sent, `12125550142`, or `+1 212-555-0142`. */
  echoPhone: 'e164' | 'digits' | 'formatted';
  /**
   * Bulk answers: in request order, `reversed`, `shuffled`, or `fewer` (every envelope stored,
   * the last one left out of the answer).
   */
  bulkAnswer: 'in-order' | 'reversed' | 'shuffled' | 'fewer';
  /**
   * INVENTED: compliance mode of the account. `post`: scheduling approves at once
   * (`delivery-compliance-is-approved` true). `pre`: a scheduled engagement stays unapproved and
   * the dialer leaves it alone, as a Pre-Compliance account holds it for a compliance admin.
   */
  compliance: 'post' | 'pre';
}

/** The deviation switches, by the names `npm run sandbox` takes (`--deviate name[,name]`). */
export const DEVIATIONS: Record<string, Partial<Behaviour>> = {
  'ignore-filter': { ignoreEnvelopeFilter: true },
  'unstable-order': { listOrder: 'unstable-without-sort' },
  'unstable-order-always': { listOrder: 'unstable' },
  'no-total': { listMeta: false },
  'digits-numbers': { echoPhone: 'digits' },
  'formatted-numbers': { echoPhone: 'formatted' },
  'reversed-answers': { bulkAnswer: 'reversed' },
  'shuffled-answers': { bulkAnswer: 'shuffled' },
  'fewer-answers': { bulkAnswer: 'fewer' },
  'pre-compliance': { compliance: 'pre' },
};

export const DEFAULT_BEHAVIOUR: Behaviour = {
  requireBothTriggers: false,
  strictTriggerKinds: true,
  voices: undefined,
  maxBulkSize: 1000,
  maxPageLimit: 100,
  defaultPageLimit: 25,
  listMeta: true,
  ignoreEnvelopeFilter: false,
  listOrder: 'stable',
  echoPhone: 'e164',
  bulkAnswer: 'in-order',
  compliance: 'post',
};

export interface ApiRequest {
  method: string;
  /** Relative to `/api/v1/`, without leading slash: `engagements/<id>`. */
  path: string;
  query: Record<string, string>;
  contentType: string;
  /** Parsed JSON body, or undefined. */
  body: unknown;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const E164 = /^\+[1-9]\d{1,14}$/;
export const UPLOAD_MAX_BYTES = 5368724480;
export const FAKE_S3_BUCKET = 'omnigage-sandbox-uploads';
const FAKE_ACCESS_KEY_ID = 'SANDBOXACCESSKEY0000';
const FAKE_S3_SECRET = 'sandbox-signing-secret';

const ACTIVITY_KINDS = ['voice', 'text', 'text-voice', 'email', 'email-voice', 'dial'];
const TRIGGER_KINDS = [
  'play',
  'say',
  'gather',
  'prompt',
  'conference',
  'enqueue',
  'notify',
  'dial',
  'pause',
  'record',
  'activity',
  'hangup',
];
const TRIGGER_EVENTS = [
  'voice-queued',
  'voice-ringing',
  'voice-answered',
  'voice-human',
  'voice-machine',
  'voice-hangup',
  'voice-unanswered',
  'voice-busy',
  'voice-failed',
  'voice-canceled',
  'voice-completed',
  'email-queued',
  'email-sent',
  'email-delivered',
  'email-open',
  'email-click',
  'email-unsubscribe',
  'email-bounce',
  'email-complaint',
  'email-failed',
  'text-queued',
  'text-sent',
  'text-delivered',
  'text-undelivered',
  'text-failed',
];

export interface CallerIdSeed {
  phoneNumber: string;
  label: string;
  /** `success` = verified; `pending` otherwise. */
  status?: 'success' | 'pending';
  /**
   * A fixed id (default: one from the seed). The in-app rehearsal starts a fresh sandbox with a
   * fresh seed each time, yet a draft made in an earlier rehearsal must keep its caller ID.
   */
  id?: string;
}

export interface OmnigageFakeOptions {
  state: SandboxState;
  random: Random;
  now: () => number;
  /** `http://127.0.0.1:4010`, known once the server listens. */
  origin: () => string;
  behaviour: Behaviour;
}

class Refusal {
  constructor(readonly response: ApiResponse) {}
}

interface ErrorEntry {
  detail: string;
  status?: string;
  title?: string;
  code?: number | string;
  source?: { pointer?: string; parameter?: string };
}

const refuse = (status: number, errors: ErrorEntry[]): Refusal =>
  new Refusal({ status, body: { errors } });
const invalid = (detail: string, pointer?: string): ErrorEntry => ({
  status: '400',
  title: 'Invalid Attribute',
  detail,
  ...(pointer ? { source: { pointer } } : {}),
});

export class OmnigageFake {
  readonly state: SandboxState;
  readonly membershipId: string;
  private readonly newId: () => string;
  private readonly newHex: (length: number) => string;
  private readonly random: Random;
  private readonly now: () => number;
  private readonly origin: () => string;
  readonly behaviour: Behaviour;
  /** Upload id → the key prefix its policy allows. */
  private readonly uploadPrefixes = new Map<string, string>();
  private lastMicros = 0;

  constructor(options: OmnigageFakeOptions) {
    this.state = options.state;
    this.random = options.random;
    this.newId = idGenerator(options.random);
    this.newHex = hexGenerator(options.random);
    this.now = options.now;
    this.origin = options.origin;
    this.behaviour = options.behaviour;
    this.membershipId = this.newId();
  }

  // ---- helpers shared with the dialer ----------------------------------------------------

  /**
   * Now, with made-up microseconds that never go backwards, so sorting by `created-at` follows
   * creation order even within one millisecond.
   */
  timestamp(): string {
    let micros = this.now() * 1000 + Math.floor(this.random() * 1000);
    if (micros <= this.lastMicros) micros = this.lastMicros + 1;
    this.lastMicros = micros;
    return omnigageTimestamp(micros);
  }

  id(): string {
    return this.newId();
  }

  /** A relationship with linkage. */
  link(type: string, id: string | null): WireRelationship {
    return { data: id === null ? null : { type, id } };
  }

  related(path: string, data?: Linkage[]): WireRelationship {
    return data === undefined
      ? { links: { related: `/api/v1/${path}` } }
      : { links: { related: `/api/v1/${path}` }, data };
  }

  private audit(): Record<string, WireRelationship> {
    return {
      'created-by': this.link('memberships', this.membershipId),
      'updated-by': this.link('memberships', this.membershipId),
    };
  }

  touch(resource: WireResource): void {
    resource.attributes['updated-at'] = this.timestamp();
  }

  addCallerId(seed: CallerIdSeed): WireResource {
    const created = this.timestamp();
    const phone = this.state.put({
      type: 'phone-numbers',
      id: this.newId(),
      attributes: {
        'phone-number': seed.phoneNumber,
        'created-at': created,
        'updated-at': created,
      },
      relationships: {},
    });
    const id = this.newId();
    return this.state.put({
      type: 'caller-ids',
      id: seed.id ?? id,
      attributes: {
        'phone-number': seed.phoneNumber,
        label: seed.label,
        status: seed.status ?? 'success',
        'verification-code': null,
        'is-archived': false,
        'created-at': created,
        'updated-at': created,
      },
      // Not in any source: the sandbox remembers which phone-numbers resource backs the caller ID.
      relationships: { 'phone-number': this.link('phone-numbers', phone.id) },
    });
  }

  // ---- dispatch --------------------------------------------------------------------------

  handle(req: ApiRequest): ApiResponse {
    try {
      return this.route(req);
    } catch (error) {
      if (error instanceof Refusal) return error.response;
      throw error;
    }
  }

  private route(req: ApiRequest): ApiResponse {
    const [collection = '', id, extra] = req.path
      .split('/')
      .filter(Boolean)
      .map(decodeURIComponent);
    const method = req.method;
    if (extra !== undefined) throw notFound();
    if (method === 'POST' && id === undefined) {
      switch (collection) {
        case 'uploads':
          return this.createUpload(req);
        case 'voice-templates':
          return this.createVoiceTemplate(req);
        case 'engagements':
          return this.createEngagement(req);
        case 'activities':
          return this.createActivity(req);
        case 'triggers':
          return this.createTrigger(req);
        case 'envelopes':
          return this.createEnvelopes(req);
      }
    }
    if (method === 'PATCH' && collection === 'engagements' && id !== undefined)
      return this.patchEngagement(id, req);
    const readable = [
      'voice-templates',
      'engagements',
      'activities',
      'triggers',
      'envelopes',
      'caller-ids',
      'calls',
      'call-results',
      'files',
      'phone-numbers',
    ];
    if (method === 'GET' && readable.includes(collection)) {
      return id === undefined
        ? this.list(collection, req.query)
        : this.getOne(collection, id, req.query);
    }
    const known = [...readable, 'uploads'];
    if (known.includes(collection)) {
      // INVENTED: Omnigage's answer to an unsupported method is unknown.
      throw refuse(405, [
        {
          status: '405',
          title: 'Method Not Allowed',
          detail: `${method} is not supported on ${collection}.`,
        },
      ]);
    }
    throw notFound();
  }

  // ---- uploads ---------------------------------------------------------------------------

  private createUpload(req: ApiRequest): ApiResponse {
    const body = asRecord(req.body);
    const name = body?.name;
    const type = body?.type;
    const size = body?.size;
    const errors: ErrorEntry[] = [];
    if (typeof name !== 'string' || name.trim() === '')
      errors.push(invalid('name is required.', '/name'));
    if (typeof type !== 'string' || type.trim() === '')
      errors.push(invalid('type is required.', '/type'));
    if (
      typeof size !== 'number' ||
      !Number.isInteger(size) ||
      size < 0 ||
      size > UPLOAD_MAX_BYTES
    ) {
      errors.push(
        invalid(`size must be a whole number of bytes up to ${UPLOAD_MAX_BYTES}.`, '/size'),
      );
    }
    if (errors.length) throw refuse(400, errors);
    const id = this.newId();
    const prefix = `uploads/${this.newHex(32)}/`;
    const expires = new Date(this.now() + 3600_000);
    const policy = Buffer.from(
      JSON.stringify({
        expiration: expires.toISOString(),
        conditions: [
          { acl: 'private' },
          { bucket: FAKE_S3_BUCKET },
          ['starts-with', '$key', prefix],
          ['starts-with', '$Content-Type', ''],
          ['content-length-range', 0, UPLOAD_MAX_BYTES],
        ],
      }),
    ).toString('base64');
    this.uploadPrefixes.set(id, prefix);
    const upload = this.state.put({
      type: 'uploads',
      id,
      attributes: {
        'expires-at': expires.toUTCString(),
        'max-length-in-bytes': UPLOAD_MAX_BYTES,
        'request-url': `${this.origin()}/fake-s3/${FAKE_S3_BUCKET}/`,
        'request-method': 'post',
        'request-headers': [{ 'x-amz-server-side-encryption': 'AES256' }],
        'request-form-data': [
          { acl: 'private' },
          { AWSAccessKeyId: FAKE_ACCESS_KEY_ID },
          { key: `${prefix}\${filename}` },
          { policy },
          { signature: signPolicy(policy) },
        ],
      },
      relationships: {},
    });
    return created(upload);
  }

  /**
   * Checks a presigned form the way S3 would: signature, expiry, key prefix. Returns the
   * upload it belongs to, or a reason. (Called by the fake storage endpoint in server.ts.)
   */
  verifyPresignedForm(
    fields: Map<string, string>,
  ): { uploadId: string; key: string } | { error: string; code: string } {
    const policy = fields.get('policy');
    const signature = fields.get('signature');
    const key = fields.get('key');
    if (!policy || !signature || !key || fields.get('AWSAccessKeyId') !== FAKE_ACCESS_KEY_ID) {
      return {
        code: 'InvalidArgument',
        error: 'POST requires policy, signature, key and AWSAccessKeyId fields.',
      };
    }
    if (signPolicy(policy) !== signature) {
      return {
        code: 'SignatureDoesNotMatch',
        error: 'The request signature we calculated does not match the signature you provided.',
      };
    }
    let expiration: number;
    try {
      expiration = Date.parse(
        String(JSON.parse(Buffer.from(policy, 'base64').toString('utf8')).expiration),
      );
    } catch {
      return { code: 'InvalidPolicyDocument', error: 'Invalid Policy: Invalid JSON.' };
    }
    if (!(expiration > this.now()))
      return { code: 'AccessDenied', error: 'Invalid according to Policy: Policy expired.' };
    for (const [uploadId, prefix] of this.uploadPrefixes) {
      if (key.startsWith(prefix)) return { uploadId, key };
    }
    return {
      code: 'AccessDenied',
      error: 'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", ...]',
    };
  }

  // ---- voice templates -------------------------------------------------------------------

  private createVoiceTemplate(req: ApiRequest): ApiResponse {
    const data = this.resourceIn(req, 'voice-templates');
    const attrs = asRecord(data.attributes) ?? {};
    const rels = asRecord(data.relationships) ?? {};
    const errors: ErrorEntry[] = [];
    // Decision 1 of the project sends both; the sandbox accepts either (§17).
    const label = typeof attrs.name === 'string' && attrs.name.trim() ? attrs.name : attrs.subject;
    if (typeof label !== 'string' || label.trim() === '')
      errors.push(invalid('name is required.', '/data/attributes/name'));
    const kind = attrs.kind;
    let fileId: string | null = null;
    if (kind !== 'text' && kind !== 'audio') {
      errors.push(invalid('kind must be "audio" or "text".', '/data/attributes/kind'));
    } else if (kind === 'text') {
      if (typeof attrs.body !== 'string' || attrs.body.trim() === '')
        errors.push(invalid('body is required for a text template.', '/data/attributes/body'));
      const voice = attrs.voice;
      if (typeof voice !== 'string' || voice.trim() === '') {
        errors.push(invalid('voice is required for a text template.', '/data/attributes/voice'));
      } else if (this.behaviour.voices && !this.behaviour.voices.includes(voice)) {
        errors.push(invalid(`voice "${voice}" is not available.`, '/data/attributes/voice'));
      }
    } else {
      const uploadId = linkedId(rels.upload, 'uploads');
      const upload = uploadId ? this.state.get('uploads', uploadId) : undefined;
      if (!uploadId)
        errors.push(
          invalid('upload is required for an audio template.', '/data/relationships/upload'),
        );
      else if (!upload)
        errors.push(invalid(`Upload "${uploadId}" does not exist.`, '/data/relationships/upload'));
      else {
        const file = [...this.state.files.values()].find((f) => f.uploadId === uploadId);
        // INVENTED: what Omnigage does when the file never reached storage is unknown (§18.14).
        if (!file)
          errors.push(invalid(`Upload "${uploadId}" has no file.`, '/data/relationships/upload'));
        else {
          const createdAt = this.timestamp();
          fileId = this.state.put({
            type: 'files',
            id: this.newId(),
            attributes: {
              url: `${this.origin()}/fake-s3/${FAKE_S3_BUCKET}/${encodeURIComponent(file.key)}`,
              'size-in-bytes': file.size,
              'content-type': file.contentType,
              width: null,
              height: null,
              'created-at': createdAt,
              'updated-at': createdAt,
            },
            relationships: {},
          }).id;
        }
      }
    }
    if (errors.length) throw refuse(400, errors);
    const id = this.newId();
    const at = this.timestamp();
    const template = this.state.put({
      type: 'voice-templates',
      id,
      attributes: {
        name: label,
        // For text templates "completed" at once is INVENTED (TTS lifecycle unknown, §18.3).
        status: 'completed',
        kind,
        body: kind === 'text' ? attrs.body : null,
        voice: kind === 'text' ? attrs.voice : null,
        'created-at': at,
        'updated-at': at,
        'is-archived': false,
        'deleted-at': null,
      },
      relationships: {
        file: this.link('files', fileId),
        primary: this.link('voice-templates', id),
        revision: this.link('voice-templates', this.newId()),
        revisions: this.related(`voice-templates/${id}/revisions`),
        call: this.link('calls', null),
        tags: { data: [] },
        language: this.link('languages', null),
        'deleted-by': this.link('memberships', null),
        ...this.audit(),
      },
    });
    return { status: 201, body: { data: template, included: [] } };
  }

  // ---- engagements -----------------------------------------------------------------------

  private createEngagement(req: ApiRequest): ApiResponse {
    const data = this.resourceIn(req, 'engagements');
    const attrs = asRecord(data.attributes) ?? {};
    const errors: ErrorEntry[] = [];
    if (typeof attrs.name !== 'string' || attrs.name.trim() === '')
      errors.push(invalid('name is required.', '/data/attributes/name'));
    const direction = attrs.direction ?? 'outbound';
    if (direction !== 'outbound' && direction !== 'inbound')
      errors.push(
        invalid('direction must be "outbound" or "inbound".', '/data/attributes/direction'),
      );
    if (errors.length) throw refuse(400, errors);
    const id = this.newId();
    const at = this.timestamp();
    const engagement = this.state.put({
      type: 'engagements',
      id,
      attributes: {
        name: attrs.name,
        status: 'pending',
        'is-archived': false,
        direction,
        'delivery-type': 'immediately',
        'delivery-time': null,
        'delivery-compliance-is-approved': false,
        'created-at': at,
        'updated-at': at,
        // The 2022 recording's defaults (counts 0, batch limit 500).
        'count-total': 0,
        'count-complete': 0,
        'count-incomplete': 0,
        'count-hold': 0,
        'queue-kind': 'batch',
        'queue-batch-limit': 500,
        'queue-progressive-ratio': null,
        'queue-throttle-hold-limit': null,
        'queue-throttle-day-limit': null,
        'queue-throttle-hour-limit': null,
        'queue-schedule-is-enabled': false,
        'queue-schedule': null,
        'deleted-at': null,
      },
      relationships: {
        activity: this.link('activities', null),
        reviews: this.related(`engagements/${id}/reviews`),
        'latest-review': this.link('reviews', null),
        lists: { data: [] },
        'caller-ids': { data: [] },
        'email-ids': { data: [] },
        'phone-numbers': { data: [] },
        'deleted-by': this.link('memberships', null),
        ...this.audit(),
      },
    });
    return created(engagement);
  }

  private patchEngagement(id: string, req: ApiRequest): ApiResponse {
    const engagement = this.state.get('engagements', id);
    if (!engagement) throw notFound(`Engagement "${id}" does not exist.`);
    const data = this.resourceIn(req, 'engagements');
    if (data.id !== undefined && String(data.id) !== id) {
      throw refuse(409, [
        {
          status: '409',
          title: 'Conflict',
          detail: 'data.id does not match the URL.',
          source: { pointer: '/data/id' },
        },
      ]);
    }
    const attrs = asRecord(data.attributes) ?? {};
    const errors: ErrorEntry[] = [];
    if (attrs.name !== undefined && (typeof attrs.name !== 'string' || attrs.name.trim() === '')) {
      errors.push(invalid('name must not be empty.', '/data/attributes/name'));
    }
    const deliveryType = attrs['delivery-type'];
    // INVENTED: other delivery types exist in Omnigage but their rules are unknown (decision 7).
    if (deliveryType !== undefined && deliveryType !== 'immediately') {
      errors.push(
        invalid(
          'delivery-type must be "immediately" in the sandbox.',
          '/data/attributes/delivery-type',
        ),
      );
    }
    const status = attrs.status;
    const wasScheduled = engagement.attributes.status !== 'pending';
    if (status !== undefined && status !== engagement.attributes.status && status !== 'scheduled') {
      errors.push(
        invalid(
          `status cannot be changed to "${String(status)}" in the sandbox.`,
          '/data/attributes/status',
        ),
      );
    }
    const scheduling = status === 'scheduled' && !wasScheduled;
    if (!errors.length && scheduling) {
      const scheduleError = this.scheduleProblem(engagement);
      if (scheduleError) {
        this.recordSchedule(id, 400);
        throw refuse(400, [scheduleError]);
      }
    }
    if (errors.length) {
      if (status === 'scheduled') this.recordSchedule(id, 400);
      throw refuse(400, errors);
    }
    if (typeof attrs.name === 'string') engagement.attributes.name = attrs.name;
    if (scheduling) {
      const activity = this.state.get('activities', toOneId(engagement, 'activity') ?? '');
      engagement.attributes.status = 'scheduled';
      engagement.attributes['delivery-compliance-is-approved'] =
        this.behaviour.compliance === 'post';
      for (const key of ['count-total', 'count-complete', 'count-incomplete', 'count-hold'])
        engagement.attributes[key] = 0;
      const callerId = activity ? toOneId(activity, 'caller-id') : null;
      const phone = activity ? toOneId(activity, 'phone-number') : null;
      if (callerId)
        engagement.relationships['caller-ids'] = { data: [{ type: 'caller-ids', id: callerId }] };
      if (phone)
        engagement.relationships['phone-numbers'] = {
          data: [{ type: 'phone-numbers', id: phone }],
        };
    }
    if (status === 'scheduled') this.recordSchedule(id, 202);
    this.touch(engagement);
    // Re-scheduling a scheduled engagement is answered like the first time (INVENTED: unknown).
    return { status: 202, body: { data: engagement } };
  }

  private recordSchedule(engagementId: string, status: number): void {
    this.state.schedulePatches.push({ engagementId, status, at: this.timestamp() });
  }

  private scheduleProblem(engagement: WireResource): ErrorEntry | undefined {
    const activityId = toOneId(engagement, 'activity');
    const activity = activityId ? this.state.get('activities', activityId) : undefined;
    // INVENTED: scheduling an engagement without an activity; the real answer is unknown.
    if (!activity) return { detail: `Engagement "${engagement.id}" has no activity.`, code: 100 };
    if (activity.attributes.kind !== 'voice') return undefined;
    const events = new Set(
      this.state.triggers
        .filter((t) => toOneId(t, 'activity') === activity.id)
        .map((t) => t.attributes['on-event']),
    );
    const human = events.has('voice-human');
    const machine = events.has('voice-machine');
    const missing = this.behaviour.requireBothTriggers ? !(human && machine) : !(human || machine);
    // The one recorded validation error, word for word (§4).
    if (missing) {
      return {
        detail: `Voice activity "${activity.id}" is missing a voice-machine or voice-human trigger.`,
        code: 100,
      };
    }
    return undefined;
  }

  // ---- activities ------------------------------------------------------------------------

  private createActivity(req: ApiRequest): ApiResponse {
    const data = this.resourceIn(req, 'activities');
    const attrs = asRecord(data.attributes) ?? {};
    const rels = asRecord(data.relationships) ?? {};
    const errors: ErrorEntry[] = [];
    if (typeof attrs.name !== 'string' || attrs.name.trim() === '')
      errors.push(invalid('name is required.', '/data/attributes/name'));
    const kind = attrs.kind;
    if (typeof kind !== 'string' || !ACTIVITY_KINDS.includes(kind))
      errors.push(invalid('kind is not a known activity kind.', '/data/attributes/kind'));
    const engagement = this.related1(rels, 'engagement', 'engagements', errors, true);
    let callerId: WireResource | undefined;
    if (kind === 'voice') {
      callerId = this.related1(rels, 'caller-id', 'caller-ids', errors, true);
      // INVENTED: the sources only say a caller ID must be verified before use.
      if (callerId && callerId.attributes.status !== 'success') {
        errors.push(
          invalid(`Caller ID "${callerId.id}" is not verified.`, '/data/relationships/caller-id'),
        );
      }
    }
    // INVENTED: every source uses exactly one activity per engagement; the sandbox enforces it.
    if (engagement && toOneId(engagement, 'activity')) {
      errors.push(
        invalid(
          `Engagement "${engagement.id}" already has an activity.`,
          '/data/relationships/engagement',
        ),
      );
    }
    if (errors.length || !engagement) throw refuse(400, errors);
    const id = this.newId();
    const at = this.timestamp();
    const relationships: Record<string, WireRelationship> = {
      engagement: this.link('engagements', engagement.id),
      transition: this.link('activities', null),
      triggers: this.related(`triggers?filter[activity.id]=eq:${id}`, []),
      ...this.audit(),
    };
    const attributes: Record<string, unknown> = {
      name: attrs.name,
      kind,
      'created-at': at,
      'updated-at': at,
    };
    if (kind === 'voice' && callerId) {
      attributes['retry-attempts'] = 0;
      attributes['best-call-time-is-enabled'] = false;
      relationships['caller-id'] = this.link('caller-ids', callerId.id);
      // The server adds the number behind the caller ID although it was not sent (§7.5).
      relationships['phone-number'] = this.link('phone-numbers', toOneId(callerId, 'phone-number'));
    }
    const activity = this.state.put({ type: 'activities', id, attributes, relationships });
    engagement.relationships.activity = this.link('activities', id);
    this.touch(engagement);
    return created(activity);
  }

  // ---- triggers --------------------------------------------------------------------------

  private createTrigger(req: ApiRequest): ApiResponse {
    const data = this.resourceIn(req, 'triggers');
    const attrs = asRecord(data.attributes) ?? {};
    const rels = asRecord(data.relationships) ?? {};
    const errors: ErrorEntry[] = [];
    const kind = attrs.kind;
    const onEvent = attrs['on-event'];
    if (typeof kind !== 'string' || !TRIGGER_KINDS.includes(kind))
      errors.push(invalid('kind is not a known trigger kind.', '/data/attributes/kind'));
    if (typeof onEvent !== 'string' || !TRIGGER_EVENTS.includes(onEvent))
      errors.push(invalid('on-event is not a known event.', '/data/attributes/on-event'));
    const delay = attrs['delay-in-seconds'];
    // Inferred from the SDK's history: 0 was rejected (§7.6).
    if (delay === 0)
      errors.push(
        invalid('delay-in-seconds must be at least 1.', '/data/attributes/delay-in-seconds'),
      );
    const activity = this.related1(rels, 'activity', 'activities', errors, true);
    const speaks = kind === 'play' || kind === 'say';
    const template = this.related1(rels, 'voice-template', 'voice-templates', errors, speaks);
    if (this.behaviour.strictTriggerKinds && template && speaks) {
      const wanted = kind === 'say' ? 'text' : 'audio';
      if (template.attributes.kind !== wanted) {
        errors.push(
          invalid(
            `A "${kind}" trigger needs a ${wanted} voice template.`,
            '/data/relationships/voice-template',
          ),
        );
      }
    }
    if (errors.length || !activity) throw refuse(400, errors);
    const id = this.newId();
    const at = this.timestamp();
    const trigger = this.state.put({
      type: 'triggers',
      id,
      attributes: {
        kind,
        'on-event': onEvent,
        'delay-in-seconds': typeof delay === 'number' ? delay : null,
        'created-at': at,
        'updated-at': at,
        loop: typeof attrs.loop === 'number' ? attrs.loop : 1,
      },
      relationships: {
        activity: this.link('activities', activity.id),
        children: this.related(`triggers?filter[parent.id]=eq:${id}`, []),
        parent: this.link('triggers', null),
        'voice-template': this.link('voice-templates', template?.id ?? null),
        ...this.audit(),
      },
    });
    const list = activity.relationships.triggers?.data;
    if (Array.isArray(list)) list.push({ type: 'triggers', id });
    return created(trigger);
  }

  // ---- envelopes -------------------------------------------------------------------------

  private createEnvelopes(req: ApiRequest): ApiResponse {
    const doc = asRecord(req.body);
    const bulk = req.contentType.includes('ext=bulk') && Array.isArray(doc?.data);
    if (!bulk) {
      if (Array.isArray(doc?.data)) {
        // INVENTED wording: an array without the bulk extension is not a JSON:API create.
        throw refuse(400, [
          invalid(
            'data must be a single resource object unless the bulk extension (ext=bulk) is used.',
            '/data',
          ),
        ]);
      }
      const data = this.resourceIn(req, 'envelopes');
      const errors: ErrorEntry[] = [];
      const plan = this.planEnvelope(data, '/data', errors);
      if (errors.length || !plan) throw refuse(400, errors);
      return created(this.present(this.storeEnvelope(plan)));
    }
    const items = doc?.data as unknown[];
    if (items.length === 0) throw refuse(400, [invalid('data must not be empty.', '/data')]);
    if (items.length > this.behaviour.maxBulkSize) {
      throw refuse(400, [
        invalid(`At most ${this.behaviour.maxBulkSize} envelopes per request.`, '/data'),
      ]);
    }
    // All or nothing (JSON:API bulk extension): validate every element before storing any.
    const errors: ErrorEntry[] = [];
    const plans = items.map((item, i) => this.planEnvelope(asRecord(item), `/data/${i}`, errors));
    if (errors.length) throw refuse(400, errors);
    const stored = plans.map((plan) => this.storeEnvelope(plan!));
    let answer = stored.map((e) => this.present(e));
    switch (this.behaviour.bulkAnswer) {
      case 'reversed':
        answer.reverse();
        break;
      case 'shuffled':
        answer = this.shuffled(answer);
        break;
      case 'fewer':
        answer = answer.slice(0, -1);
        break;
    }
    return { status: 201, body: { data: answer } };
  }

  private planEnvelope(
    data: Record<string, unknown> | undefined,
    pointer: string,
    errors: ErrorEntry[],
  ):
    | {
        phone: string;
        meta: Record<string, string | number | boolean | null>;
        engagement: WireResource;
      }
    | undefined {
    if (!data) {
      errors.push(invalid('must be a resource object.', pointer));
      return undefined;
    }
    if (data.type !== 'envelopes')
      errors.push(invalid('type must be "envelopes".', `${pointer}/type`));
    const attrs = asRecord(data.attributes) ?? {};
    const rels = asRecord(data.relationships) ?? {};
    const phone = attrs['phone-number'];
    const before = errors.length;
    if (typeof phone !== 'string' || !E164.test(phone)) {
      errors.push(
        invalid(
          `phone-number ${JSON.stringify(phone ?? null)} is not an E.164 number.`,
          `${pointer}/attributes/phone-number`,
        ),
      );
    }
    const meta = attrs.meta ?? {};
    const metaRecord = asRecord(meta);
    if (!metaRecord || Object.values(metaRecord).some((v) => v !== null && typeof v === 'object')) {
      errors.push(
        invalid('meta must be a flat map of merge values.', `${pointer}/attributes/meta`),
      );
    }
    const ref = linkedId(rels.engagement, 'engagements');
    const engagement = ref ? this.state.get('engagements', ref) : undefined;
    if (!ref)
      errors.push(invalid('engagement is required.', `${pointer}/relationships/engagement`));
    else if (!engagement)
      errors.push(
        invalid(`Engagement "${ref}" does not exist.`, `${pointer}/relationships/engagement`),
      );
    if (errors.length > before || !engagement || typeof phone !== 'string') return undefined;
    return {
      phone,
      meta: (metaRecord ?? {}) as Record<string, string | number | boolean | null>,
      engagement,
    };
  }

  private storeEnvelope(plan: {
    phone: string;
    meta: Record<string, unknown>;
    engagement: WireResource;
  }): WireResource {
    const activityId = toOneId(plan.engagement, 'activity');
    const activity = activityId ? this.state.get('activities', activityId) : undefined;
    const at = this.timestamp();
    return this.state.put({
      type: 'envelopes',
      id: this.newId(),
      attributes: {
        'email-address': null,
        'phone-number': plan.phone,
        status: 'pending',
        kind: activity?.attributes.kind ?? null,
        'retry-attempts': 0,
        direction: 'outbound',
        'created-at': at,
        'updated-at': at,
        meta: { ...plan.meta },
        callback: null,
        'callback-include': null,
        'is-priority': false,
        'delay-in-seconds': null,
        'scheduled-at': null,
        'processed-at': null,
        'completed-at': null,
        'callback-status': [],
      },
      relationships: {
        ...this.audit(),
        contact: this.link('contacts', null),
        engagement: this.link('engagements', plan.engagement.id),
        activity: this.link('activities', activity?.id ?? null),
        call: this.link('calls', null),
        email: this.link('emails', null),
        text: this.link('texts', null),
        identity: this.link('identities', null),
        assigned: this.link('memberships', null),
      },
    });
  }

  /** A resource as the wire shows it: envelopes' numbers echoed the way `echoPhone` says. */
  present(resource: WireResource): WireResource {
    const phone = resource.attributes['phone-number'];
    if (
      resource.type !== 'envelopes' ||
      this.behaviour.echoPhone === 'e164' ||
      typeof phone !== 'string'
    )
      return resource;
    return {
      ...resource,
      attributes: {
        ...resource.attributes,
        'phone-number': echoed(phone, this.behaviour.echoPhone),
      },
    };
  }

  private shuffled<T>(rows: T[]): T[] {
    const out = [...rows];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  // ---- reading ---------------------------------------------------------------------------

  private getOne(type: string, id: string, query: Record<string, string>): ApiResponse {
    const resource = this.state.get(type, id);
    if (!resource) throw notFound(`${singular(type)} "${id}" does not exist.`);
    const body: Record<string, unknown> = { data: this.present(resource) };
    const included = this.includes([resource], query.include);
    // §3: voice-templates and calls carry `included: []`; most others omit it.
    if (included.length || type === 'voice-templates' || type === 'calls' || query.include)
      body.included = included;
    return { status: 200, body };
  }

  private list(type: string, query: Record<string, string>): ApiResponse {
    let rows = this.state.list(type);
    for (const [key, raw] of Object.entries(query)) {
      const match = /^filter\[(.+)\]$/.exec(key);
      if (!match?.[1]) continue;
      const field = match[1];
      const value = raw.startsWith('eq:') ? raw.slice(3) : raw;
      if (type === 'envelopes' && field === 'engagement.id' && this.behaviour.ignoreEnvelopeFilter)
        continue;
      if (field === 'id') rows = rows.filter((r) => r.id === value);
      else if (field.endsWith('.id')) {
        const rel = field.slice(0, -3);
        rows = rows.filter((r) => {
          const data = r.relationships[rel]?.data;
          return Array.isArray(data) ? data.some((l) => l.id === value) : data?.id === value;
        });
      } else {
        const sample = this.state.list(type)[0];
        if (sample && !(field in sample.attributes)) {
          throw refuse(400, [
            {
              status: '400',
              title: 'Invalid Query Parameter',
              detail: `Unknown filter "${field}".`,
              source: { parameter: key },
            },
          ]);
        }
        rows = rows.filter((r) => String(r.attributes[field]) === value);
      }
    }
    if (query.sort) {
      const keys = query.sort.split(',').filter(Boolean);
      rows = [...rows].sort((a, b) => {
        for (const key of keys) {
          const desc = key.startsWith('-');
          const name = desc ? key.slice(1) : key;
          const av = String(a.attributes[name] ?? '');
          const bv = String(b.attributes[name] ?? '');
          if (av !== bv) return (av < bv ? -1 : 1) * (desc ? -1 : 1);
        }
        return 0;
      });
    }
    const order = this.behaviour.listOrder;
    if (order === 'unstable' || (order === 'unstable-without-sort' && !query.sort))
      rows = this.shuffled(rows);
    const offset = intParam(query['page[offset]'], 0, 'page[offset]');
    const asked = intParam(query['page[limit]'], this.behaviour.defaultPageLimit, 'page[limit]');
    const limit = Math.max(1, Math.min(asked, this.behaviour.maxPageLimit));
    const page = rows.slice(offset, offset + limit);
    const body: Record<string, unknown> = { data: page.map((r) => this.present(r)) };
    if (query.include) body.included = this.includes(page, query.include);
    if (this.behaviour.listMeta) body.meta = { total: rows.length };
    return { status: 200, body };
  }

  /** `include=call` on envelopes, `include=result` on calls, `include=caller-id` on activities… */
  private includes(rows: WireResource[], include: string | undefined): WireResource[] {
    if (!include) return [];
    const out = new Map<string, WireResource>();
    for (const name of include.split(',').filter(Boolean)) {
      for (const row of rows) {
        const data = row.relationships[name]?.data;
        for (const linkage of Array.isArray(data) ? data : data ? [data] : []) {
          const found = this.state.get(linkage.type, linkage.id);
          if (found) out.set(`${found.type}/${found.id}`, found);
        }
      }
    }
    return [...out.values()];
  }

  // ---- request plumbing ------------------------------------------------------------------

  /** The `data` object of a single-resource request, with its type checked. */
  private resourceIn(req: ApiRequest, type: string): Record<string, unknown> {
    const doc = asRecord(req.body);
    const data = asRecord(doc?.data);
    if (!data)
      throw refuse(400, [
        invalid('The request body must be a JSON:API document with a data object.', '/data'),
      ]);
    if (data.type !== type) {
      throw refuse(409, [
        {
          status: '409',
          title: 'Conflict',
          detail: `type must be "${type}".`,
          source: { pointer: '/data/type' },
        },
      ]);
    }
    return data;
  }

  /** Resolves a to-one relationship of a request, recording what is wrong with it. */
  private related1(
    rels: Record<string, unknown>,
    name: string,
    type: string,
    errors: ErrorEntry[],
    required: boolean,
  ): WireResource | undefined {
    const id = linkedId(rels[name], type);
    if (!id) {
      if (required) errors.push(invalid(`${name} is required.`, `/data/relationships/${name}`));
      return undefined;
    }
    const found = this.state.get(type, id);
    if (!found)
      errors.push(
        invalid(`${singular(type)} "${id}" does not exist.`, `/data/relationships/${name}`),
      );
    return found;
  }
}

function created(resource: WireResource): ApiResponse {
  return { status: 201, body: { data: resource } };
}

function notFound(detail = 'Not found.'): Refusal {
  return refuse(404, [{ status: '404', title: 'Not Found', detail }]);
}

function signPolicy(policy: string): string {
  return createHmac('sha1', FAKE_S3_SECRET).update(policy).digest('base64');
}

function intParam(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw refuse(400, [
      {
        status: '400',
        title: 'Invalid Query Parameter',
        detail: `${name} must be a whole number.`,
        source: { parameter: name },
      },
    ]);
  }
  return n;
}

function linkedId(rel: unknown, type: string): string | undefined {
  const data = asRecord(asRecord(rel)?.data);
  if (!data) return undefined;
  if (data.type !== undefined && data.type !== type) return undefined;
  return typeof data.id === 'string' || typeof data.id === 'number' ? String(data.id) : undefined;
}

const SINGULAR: Record<string, string> = {
  activities: 'Activity',
  'caller-ids': 'Caller ID',
  'call-results': 'Call result',
  'phone-numbers': 'Phone number',
  'voice-templates': 'Voice template',
};

function singular(type: string): string {
  const fallback = type.replace(/s$/, '');
  return SINGULAR[type] ?? fallback.charAt(0).toUpperCase() + fallback.slice(1);
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** An E.164 number in another written form (`echoPhone`). +1 numbers get the NANP grouping. */
function echoed(e164: string, form: 'digits' | 'formatted'): string {
  const digits = e164.replace(/\D/g, '');
  if (form === 'digits') return digits;
  if (digits.length === 11 && digits.startsWith('1'))
    return `+1 ${digits.slice(1, 4)}-${digits.slice(4, 7)}-${digits.slice(7)}`;
  return `+${digits.slice(0, 2)} ${digits.slice(2)}`;
}
