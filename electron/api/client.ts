/**
 * The Omnigage API client: the app's only way to Omnigage.
 *
 *   const api = createOmnigageClient({
 *     baseUrl: 'https://api.omnigage.io/api/v1/',
 *     credentials: { tokenKey, tokenSecret, accountKey },   // accountKey optional
 *     signal,                                              // cancels everything, optional
 *   });
 *   const template = await api.voiceTemplates.createText({ label, body, voice });
 *
 * Every method takes an optional `{ signal, timeoutMs }` as its last argument and either returns
 * plain camelCase values (resources.ts) or throws an `ApiError` (errors.ts) whose `kind` says
 * what went wrong and whose `outcomeUnknown` says whether the server may have applied it.
 * `toAppError()` puts an ApiError into words for people.
 *
 * The bulk-voice sequence (docs/omnigage-api.md §6) maps onto the methods as:
 *   audio only: uploads.create → uploads.sendFile
 *   voiceTemplates.createText | createAudio  (one or two messages)
 *   engagements.create → activities.createVoice → triggers.createForTemplate ×2
 *   envelopes.createBulk per batch → engagements.schedule
 * and results are read with engagements.get, envelopes.listAll (includeCalls) and
 * callResults.listByCall. Reconciling an unknown outcome: engagements.get shows whether the
 * activity exists (activityId), triggers.listByActivity the triggers, envelopes.listAll the
 * envelopes (match by phone number: decisions.envelopesByPhoneNumber).
 *
 * Listings (envelopes.listAll, callerIds.list, …) read page after page until an empty page or
 * `meta.total`, so a server that silently caps page[limit] cannot hide envelopes (see getAll).
 * The reconciliation listing (envelopes.listChecked) also proves it is complete: an explicit
 * sort, distinct envelopes equal to `meta.total`, nothing seen twice, and without a total two
 * readings that agree; otherwise it says why it cannot be trusted.
 *
 * Retries (http.ts): GET and PATCH are retried on 429/5xx/network/timeout with capped
 * exponential backoff, jitter and Retry-After; a POST is retried only when it certainly was not
 * applied (429, connection refused). Timeouts are per attempt (default 30 s).
 *
 * Project assumptions about the API ("Decisions") live in decisions.ts, one place each.
 * Credentials never appear in errors or logs: the token secret is registered with the logger
 * for redaction, and errors carry the path only.
 */
import { ApiError } from './errors';
import {
  accountKeyHeaders,
  BULK_MEDIA_TYPE,
  engagementEnvelopesQuery,
  SCHEDULE_ATTRIBUTES,
  triggerKindForTemplate,
  voiceTemplateLabelAttributes,
  type TemplateKind,
  type TriggerEvent,
  type TriggerKind,
} from './decisions';
import { createHttp, type Http, type HttpOptions, type Method } from './http';
import {
  MalformedDocument,
  parseJson,
  readCreated,
  readMany,
  readSingle,
  resourceBody,
  type Document,
  type ResourceObject,
} from './jsonapi';
import {
  toActivity,
  toCall,
  toCallerId,
  toCallResult,
  toEngagement,
  toEnvelope,
  toTrigger,
  toUpload,
  toVoiceTemplate,
  type Activity,
  type Call,
  type CallerId,
  type CallResult,
  type Engagement,
  type Envelope,
  type Trigger,
  type Upload,
  type VoiceTemplate,
} from './resources';

export type * from './resources';
export {
  DEFAULT_ENVELOPE_BATCH_SIZE,
  DEFAULT_VOICE,
  type TemplateKind,
  type TriggerEvent,
} from './decisions';
export { backoff, sleep, type RetryPolicy, type Timing } from './http';
export { ApiError, toAppError, isApiError, isTransient } from './errors';

export interface OmnigageCredentials {
  tokenKey: string;
  tokenSecret: string;
  /** The account's short key ("firstbank"); sent as X-Account-Key when set. */
  accountKey?: string;
}

export interface OmnigageClientOptions extends HttpOptions {
  /** e.g. `https://api.omnigage.io/api/v1/` (a trailing slash is added when missing). */
  baseUrl: string;
  credentials: OmnigageCredentials;
  /** Cancels every request of this client (closing the app, stopping a send). */
  signal?: AbortSignal;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Per-attempt timeout for this call, overriding the client's. */
  timeoutMs?: number;
}

export interface Recipient {
  /** E.164, e.g. `+15555550100`. */
  phoneNumber: string;
  /** Merge values by field name as used in templates (`first-name` for `{{first-name}}`). */
  meta?: Record<string, string>;
}

/** What a bulk create answers for each envelope, as far as the app reads it. */
export interface CreatedEnvelope {
  id: string;
  phoneNumber: string | null;
}

export interface Page<T> {
  items: T[];
  offset: number;
  limit: number;
  /** `meta.total` when the server sent one (Omnigage's list envelope is unknown, §5). */
  total: number | null;
  /** False only when this page proves the listing is over (empty, or `total` reached). */
  mayHaveMore: boolean;
}

/**
 * An engagement's envelopes read so that the reader can rely on the result, or why it cannot
 * (see envelopes.listChecked).
 */
export type CheckedListing =
  | { complete: true; envelopes: Envelope[]; total: number | null; passes: number }
  | { complete: false; reason: string; passes: number };

export interface EnvelopePage extends Page<Envelope> {
  /** Calls side-loaded with `includeCalls` (empty otherwise or when the server sent none). */
  calls: Call[];
}

export const DEFAULT_PAGE_SIZE = 100;
/** A guard against a server that ignores paging: no listing reads more pages than this. */
const MAX_PAGES = 10_000;

export interface OmnigageClient {
  readonly baseUrl: string;
  uploads: {
    /** Step 1 of an audio message: asks where to put the file (plain JSON, not JSON:API). */
    create(
      input: { fileName: string; contentType: string; size: number },
      options?: CallOptions,
    ): Promise<Upload>;
    /**
     * Step 2: the presigned multipart POST: the given fields in order, then `Content-Type`,
     * then the file last. No Omnigage credentials are sent there. 204 expected.
     */
    sendFile(
      upload: Upload,
      file: { fileName: string; contentType: string; data: Uint8Array | Blob },
      options?: CallOptions,
    ): Promise<{ location: string | null }>;
  };
  voiceTemplates: {
    createText(
      input: { label: string; body: string; voice: string },
      options?: CallOptions,
    ): Promise<VoiceTemplate>;
    createAudio(
      input: { label: string; uploadId: string },
      options?: CallOptions,
    ): Promise<VoiceTemplate>;
    get(id: string, options?: CallOptions): Promise<VoiceTemplate>;
  };
  engagements: {
    create(input: { name: string }, options?: CallOptions): Promise<Engagement>;
    get(id: string, options?: CallOptions): Promise<Engagement>;
    /** PATCH status scheduled, delivery immediately; any 2xx (202 expected). */
    schedule(id: string, options?: CallOptions): Promise<Engagement>;
  };
  activities: {
    createVoice(
      input: { name: string; engagementId: string; callerIdId: string },
      options?: CallOptions,
    ): Promise<Activity>;
    get(id: string, options?: CallOptions): Promise<Activity>;
  };
  triggers: {
    create(
      input: {
        kind: TriggerKind;
        onEvent: TriggerEvent;
        activityId: string;
        voiceTemplateId: string;
      },
      options?: CallOptions,
    ): Promise<Trigger>;
    /** The trigger kind follows the template's kind (decision 2). */
    createForTemplate(
      input: {
        activityId: string;
        onEvent: TriggerEvent;
        template: { id: string; kind: TemplateKind };
      },
      options?: CallOptions,
    ): Promise<Trigger>;
    listByActivity(activityId: string, options?: CallOptions): Promise<Trigger[]>;
  };
  envelopes: {
    /**
     * One bulk request; the engine chooses batch sizes. Response order is not to be trusted.
     * Only what matching needs is read from the answer: each created envelope's id and number
     * (`listPage`/`listAll` read whole envelopes).
     */
    createBulk(
      engagementId: string,
      recipients: readonly Recipient[],
      options?: CallOptions,
    ): Promise<CreatedEnvelope[]>;
    listPage(
      engagementId: string,
      page: { offset: number; limit?: number; includeCalls?: boolean },
      options?: CallOptions,
    ): Promise<EnvelopePage>;
    /**
     * Every envelope the listing of this engagement returns, read until it can be trusted
     * (the reconciliation listing; see readChecked), or why it cannot be. The envelopes are
     * as listed: the caller checks which ones name this engagement.
     */
    listChecked(
      engagementId: string,
      listing?: { pageSize?: number; passes?: number },
      options?: CallOptions,
    ): Promise<CheckedListing>;
    /** Every envelope of the engagement, page by page (results; not checked for completeness). */
    listAll(
      engagementId: string,
      listing?: { pageSize?: number; includeCalls?: boolean },
      options?: CallOptions,
    ): Promise<{ envelopes: Envelope[]; calls: Call[] }>;
  };
  callerIds: {
    /** All caller IDs, verified ones only unless `verifiedOnly: false`; newest first. */
    list(filter?: { verifiedOnly?: boolean }, options?: CallOptions): Promise<CallerId[]>;
    get(id: string, options?: CallOptions): Promise<CallerId>;
  };
  calls: {
    get(id: string, options?: CallOptions): Promise<Call>;
  };
  callResults: {
    get(id: string, options?: CallOptions): Promise<CallResult>;
    listByCall(callId: string, options?: CallOptions): Promise<CallResult[]>;
  };
}

const JSON_TYPE = 'application/json; charset=utf-8';

export function createOmnigageClient(options: OmnigageClientOptions): OmnigageClient {
  const baseUrl = normaliseBaseUrl(options.baseUrl);
  const { tokenKey, tokenSecret, accountKey } = options.credentials;
  options.log?.addSecret(tokenSecret);
  const http: Http = createHttp(options);
  const basePath = new URL(baseUrl).pathname;
  const authHeaders: Record<string, string> = {
    Authorization: `Basic ${Buffer.from(`${tokenKey}:${tokenSecret}`, 'utf8').toString('base64')}`,
    ...accountKeyHeaders(accountKey),
  };

  const signalFor = (call?: CallOptions): AbortSignal | undefined => {
    const signals = [options.signal, call?.signal].filter((s): s is AbortSignal => s !== undefined);
    return signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  };

  interface Exchange {
    method: Method;
    path: string;
    query?: Record<string, string>;
    body?: unknown;
    bulk?: boolean;
    call?: CallOptions;
  }

  /** One request to Omnigage; returns the parsed JSON body (undefined when empty). */
  const exchange = async ({
    method,
    path,
    query,
    body,
    bulk,
    call,
  }: Exchange): Promise<unknown> => {
    const headers: Record<string, string> = { ...authHeaders };
    if (body !== undefined) headers['Content-Type'] = bulk ? BULK_MEDIA_TYPE : JSON_TYPE;
    headers.Accept = bulk ? BULK_MEDIA_TYPE : 'application/json';
    const response = await http({
      method,
      url: `${baseUrl}${path}`,
      query,
      path: query ? undefined : `${basePath}${path}`,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: signalFor(call),
      timeoutMs: call?.timeoutMs,
    });
    if (response.text.trim() === '') return undefined;
    try {
      return parseJson(response.text);
    } catch (error) {
      throw malformed(method, `${basePath}${path}`, query, response.status, response.text, error);
    }
  };

  /** Applies a reader to a body; a body that does not fit becomes an `unexpected` ApiError. */
  const read = <T>(
    method: Method,
    path: string,
    body: unknown,
    reader: (body: unknown) => T,
    query?: Record<string, string>,
  ): T => {
    try {
      return reader(body);
    } catch (error) {
      if (error instanceof MalformedDocument) {
        throw malformed(
          method,
          `${basePath}${path}`,
          query,
          undefined,
          JSON.stringify(body ?? null),
          error,
        );
      }
      throw error;
    }
  };

  const createOne = async (
    type: string,
    data: unknown,
    call?: CallOptions,
  ): Promise<ResourceObject> => {
    const body = await exchange({ method: 'POST', path: type, body: { data }, call });
    return read('POST', type, body, (b) => readSingle(b, type)).data;
  };

  const getOne = async (type: string, id: string, call?: CallOptions): Promise<ResourceObject> => {
    const path = `${type}/${encodeURIComponent(id)}`;
    const body = await exchange({ method: 'GET', path, call });
    return read('GET', path, body, (b) => readSingle(b, type)).data;
  };

  const getPage = async (
    type: string,
    query: Record<string, string>,
    call?: CallOptions,
  ): Promise<Document<ResourceObject[]>> => {
    const body = await exchange({ method: 'GET', path: type, query, call });
    return read('GET', type, body, (b) => readMany(b, type), query);
  };

  /**
   * Reads a whole listing with page[offset]/page[limit]. §5 suggests stopping at the first page
   * shorter than the limit, but a server that caps page[limit] below what we asked would end
   * that early, and a reconciliation that misses envelopes creates them twice. So the offset
   * advances by what actually arrived and the listing ends at an empty page, or once
   * `meta.total` (when the server sends it) is reached. A page that brings nothing new (a
   * server ignoring the offset) ends it too.
   */
  const getAll = async (
    type: string,
    query: (offset: number, limit: number) => Record<string, string>,
    limit: number,
    call?: CallOptions,
  ): Promise<{ data: ResourceObject[]; included: ResourceObject[] }> => {
    const seen = new Set<string>();
    const data: ResourceObject[] = [];
    const included: ResourceObject[] = [];
    let offset = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const doc = await getPage(type, query(offset, limit), call);
      const fresh = doc.data.filter((r) => !seen.has(r.id));
      for (const r of fresh) seen.add(r.id);
      data.push(...fresh);
      included.push(...doc.included);
      offset += doc.data.length;
      const total = doc.meta?.total;
      if (fresh.length === 0 || (typeof total === 'number' && offset >= total)) break;
    }
    return { data, included };
  };

  /**
   * One pass over a listing for a reconciliation: what arrived, and whether the pass itself
   * shows the listing moved under it (an item seen twice, or `meta.total` changing between
   * pages: an order that is not stable, or envelopes still being added).
   */
  const readPass = async (
    type: string,
    query: (offset: number, limit: number) => Record<string, string>,
    limit: number,
    call?: CallOptions,
  ): Promise<{ data: ResourceObject[]; total: number | null; moved: string | null }> => {
    const seen = new Set<string>();
    const data: ResourceObject[] = [];
    const totals = new Set<number | null>();
    let moved: string | null = null;
    let offset = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const doc = await getPage(type, query(offset, limit), call);
      const total = typeof doc.meta?.total === 'number' ? doc.meta.total : null;
      totals.add(total);
      let fresh = 0;
      for (const r of doc.data) {
        if (seen.has(r.id)) {
          moved ??= `envelope ${r.id} appeared twice while paging`;
          continue;
        }
        seen.add(r.id);
        data.push(r);
        fresh++;
      }
      offset += doc.data.length;
      if (doc.data.length === 0 || (total !== null && offset >= total)) {
        if (totals.size > 1) moved ??= 'the total changed while paging';
        return { data, total, moved };
      }
      // A page of nothing new (a server ignoring the offset) cannot be read further.
      if (fresh === 0)
        return { data, total, moved: moved ?? 'paging returned the same envelopes again' };
    }
    return { data, total: null, moved: `more than ${MAX_PAGES} pages` };
  };

  /**
   * Reads a listing until it can be trusted, at most `passes` times: a pass counts when nothing
   * moved while paging and the distinct envelopes match `meta.total`; without a total, two
   * passes in a row must return the same envelopes. Otherwise the reason it cannot be trusted.
   */
  const readChecked = async (
    type: string,
    query: (offset: number, limit: number) => Record<string, string>,
    limit: number,
    passes: number,
    call?: CallOptions,
  ): Promise<
    | { complete: true; data: ResourceObject[]; total: number | null; passes: number }
    | { complete: false; reason: string; passes: number }
  > => {
    let previous: Set<string> | null = null;
    let reason = 'not read';
    for (let pass = 1; pass <= passes; pass++) {
      const { data, total, moved } = await readPass(type, query, limit, call);
      if (moved) {
        reason = moved;
        previous = null;
        continue;
      }
      if (total !== null) {
        if (data.length === total) return { complete: true, data, total, passes: pass };
        reason = `${data.length} envelopes listed where Omnigage counts ${total}`;
        previous = null;
        continue;
      }
      const ids = new Set(data.map((r) => r.id));
      if (previous && previous.size === ids.size && [...ids].every((id) => previous!.has(id))) {
        return { complete: true, data, total: null, passes: pass };
      }
      if (previous) reason = 'two readings of the list gave different envelopes';
      previous = ids;
    }
    return { complete: false, reason, passes };
  };

  const linkage = (type: string, id: string) => ({ type, id });

  const createTrigger: OmnigageClient['triggers']['create'] = async (
    { kind, onEvent, activityId, voiceTemplateId },
    call,
  ) => {
    const data = resourceBody(
      'triggers',
      { kind, 'on-event': onEvent },
      {
        activity: linkage('activities', activityId),
        'voice-template': linkage('voice-templates', voiceTemplateId),
      },
    );
    return toTrigger(await createOne('triggers', data, call));
  };

  return {
    baseUrl,

    uploads: {
      async create({ fileName, contentType, size }, call) {
        // Not JSON:API: a plain object (docs/omnigage-api.md §6, step 1).
        const body = await exchange({
          method: 'POST',
          path: 'uploads',
          body: { name: fileName, type: contentType, size },
          call,
        });
        return toUpload(read('POST', 'uploads', body, (b) => readSingle(b, 'uploads')).data);
      },

      async sendFile(upload, file, call) {
        const target = presignedTarget(upload);
        const size = file.data instanceof Blob ? file.data.size : file.data.byteLength;
        if (upload.maxLengthInBytes !== null && size > upload.maxLengthInBytes) {
          throw new ApiError({
            kind: 'validation',
            method: 'POST',
            path: new URL(target).pathname,
            details: [
              {
                detail: `The file is larger than the ${upload.maxLengthInBytes} bytes Omnigage accepts.`,
              },
            ],
            outcomeUnknown: false,
          });
        }
        const form = new FormData();
        for (const [name, value] of upload.requestFormData) form.append(name, value);
        // Required by the presigned policy, and it must come before the file.
        form.append('Content-Type', file.contentType);
        const blob =
          file.data instanceof Blob
            ? file.data
            : new Blob([file.data as Uint8Array<ArrayBuffer>], { type: file.contentType });
        form.append('file', blob, file.fileName);
        const response = await http({
          method: 'POST',
          url: target,
          headers: Object.fromEntries(upload.requestHeaders),
          body: form,
          signal: signalFor(call),
          timeoutMs: call?.timeoutMs ?? Math.max(options.timeoutMs ?? 0, 120_000),
          // The policy fixes the object key, so sending the same file again overwrites it with
          // the same bytes: safe to repeat whatever happened to the first attempt.
          idempotent: true,
        });
        return { location: response.headers.get('location') };
      },
    },

    voiceTemplates: {
      async createText({ label, body, voice }, call) {
        const data = resourceBody('voice-templates', {
          ...voiceTemplateLabelAttributes(label),
          kind: 'text',
          body,
          voice,
        });
        return toVoiceTemplate(await createOne('voice-templates', data, call));
      },
      async createAudio({ label, uploadId }, call) {
        const data = resourceBody(
          'voice-templates',
          { ...voiceTemplateLabelAttributes(label), kind: 'audio' },
          { upload: linkage('uploads', uploadId) },
        );
        return toVoiceTemplate(await createOne('voice-templates', data, call));
      },
      async get(id, call) {
        return toVoiceTemplate(await getOne('voice-templates', id, call));
      },
    },

    engagements: {
      async create({ name }, call) {
        const data = resourceBody('engagements', { name, direction: 'outbound' });
        return toEngagement(await createOne('engagements', data, call));
      },
      async get(id, call) {
        return toEngagement(await getOne('engagements', id, call));
      },
      async schedule(id, call) {
        const path = `engagements/${encodeURIComponent(id)}`;
        const data = resourceBody('engagements', { ...SCHEDULE_ATTRIBUTES }, undefined, id);
        const body = await exchange({ method: 'PATCH', path, body: { data }, call });
        // Any 2xx is success; a body-less answer is accepted too.
        if (body === undefined)
          return { ...emptyEngagement(id), status: SCHEDULE_ATTRIBUTES.status };
        return toEngagement(read('PATCH', path, body, (b) => readSingle(b, 'engagements')).data);
      },
    },

    activities: {
      async createVoice({ name, engagementId, callerIdId }, call) {
        const data = resourceBody(
          'activities',
          { name, kind: 'voice' },
          {
            engagement: linkage('engagements', engagementId),
            'caller-id': linkage('caller-ids', callerIdId),
          },
        );
        return toActivity(await createOne('activities', data, call));
      },
      async get(id, call) {
        return toActivity(await getOne('activities', id, call));
      },
    },

    triggers: {
      create: createTrigger,
      async createForTemplate({ activityId, onEvent, template }, call) {
        return createTrigger(
          {
            kind: triggerKindForTemplate(template.kind),
            onEvent,
            activityId,
            voiceTemplateId: template.id,
          },
          call,
        );
      },
      async listByActivity(activityId, call) {
        const { data } = await getAll(
          'triggers',
          (offset, limit) => ({
            'filter[activity.id]': `eq:${activityId}`,
            'page[offset]': String(offset),
            'page[limit]': String(limit),
          }),
          DEFAULT_PAGE_SIZE,
          call,
        );
        return data.map(toTrigger);
      },
    },

    envelopes: {
      async createBulk(engagementId, recipients, call) {
        // The hot path of a send (one call per 100 recipients): plain objects in the shape
        // resourceBody() writes, one linkage object shared by all, one JSON.stringify.
        const engagement = { data: linkage('engagements', engagementId) };
        const data = recipients.map((r) => ({
          type: 'envelopes',
          attributes: { 'phone-number': r.phoneNumber, meta: r.meta ?? {} },
          relationships: { engagement },
        }));
        const body = await exchange({
          method: 'POST',
          path: 'envelopes',
          body: { data },
          bulk: true,
          call,
        });
        return read('POST', 'envelopes', body, (b) =>
          readCreated(b, 'envelopes', 'phone-number'),
        ).map(([id, phoneNumber]) => ({ id, phoneNumber }));
      },
      async listPage(
        engagementId,
        { offset, limit = DEFAULT_PAGE_SIZE, includeCalls = false },
        call,
      ) {
        const query = engagementEnvelopesQuery(engagementId, offset, limit);
        if (includeCalls) query.include = 'call';
        const doc = await getPage('envelopes', query, call);
        return {
          items: doc.data.map(toEnvelope),
          calls: doc.included.filter((r) => r.type === 'calls').map(toCall),
          offset,
          limit,
          total: typeof doc.meta?.total === 'number' ? doc.meta.total : null,
          mayHaveMore:
            doc.data.length > 0 &&
            !(typeof doc.meta?.total === 'number' && offset + doc.data.length >= doc.meta.total),
        };
      },
      async listChecked(engagementId, { pageSize = DEFAULT_PAGE_SIZE, passes = 3 } = {}, call) {
        const read = await readChecked(
          'envelopes',
          (offset, limit) => engagementEnvelopesQuery(engagementId, offset, limit),
          pageSize,
          Math.max(2, passes),
          call,
        );
        if (!read.complete) return read;
        return {
          complete: true,
          envelopes: read.data.map(toEnvelope),
          total: read.total,
          passes: read.passes,
        };
      },
      async listAll(
        engagementId,
        { pageSize = DEFAULT_PAGE_SIZE, includeCalls = false } = {},
        call,
      ) {
        const { data, included } = await getAll(
          'envelopes',
          (offset, limit) => {
            const query = engagementEnvelopesQuery(engagementId, offset, limit);
            if (includeCalls) query.include = 'call';
            return query;
          },
          pageSize,
          call,
        );
        const calls = new Map<string, Call>();
        for (const r of included) if (r.type === 'calls') calls.set(r.id, toCall(r));
        return { envelopes: data.map(toEnvelope), calls: [...calls.values()] };
      },
    },

    callerIds: {
      async list({ verifiedOnly = true } = {}, call) {
        const { data } = await getAll(
          'caller-ids',
          (offset, limit) => ({
            'page[offset]': String(offset),
            'page[limit]': String(limit),
            ...(verifiedOnly ? { 'filter[status]': 'success' } : {}),
            sort: '-created-at',
          }),
          DEFAULT_PAGE_SIZE,
          call,
        );
        return data.map(toCallerId);
      },
      async get(id, call) {
        return toCallerId(await getOne('caller-ids', id, call));
      },
    },

    calls: {
      async get(id, call) {
        return toCall(await getOne('calls', id, call));
      },
    },

    callResults: {
      async get(id, call) {
        return toCallResult(await getOne('call-results', id, call));
      },
      async listByCall(callId, call) {
        const { data } = await getAll(
          'call-results',
          (offset, limit) => ({
            // The form the server itself uses in `links.related` (a bare value, no `eq:`).
            'filter[call.id]': callId,
            'page[offset]': String(offset),
            'page[limit]': String(limit),
          }),
          DEFAULT_PAGE_SIZE,
          call,
        );
        return data.map(toCallResult);
      },
    },
  };
}

function normaliseBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`Omnigage API address is not a URL: ${value}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`Omnigage API address must be http(s): ${value}`);
  }
  url.search = '';
  url.hash = '';
  const text = url.toString();
  return text.endsWith('/') ? text : `${text}/`;
}

/** The upload target comes from the server; only an http(s) URL is followed. */
function presignedTarget(upload: Upload): string {
  let url: URL;
  try {
    url = new URL(upload.requestUrl);
  } catch {
    throw new ApiError({
      kind: 'unexpected',
      method: 'POST',
      path: 'uploads',
      outcomeUnknown: false,
      rawBody: `request-url: ${upload.requestUrl}`,
    });
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || upload.requestMethod !== 'POST') {
    throw new ApiError({
      kind: 'unexpected',
      method: upload.requestMethod,
      path: url.pathname,
      outcomeUnknown: false,
      rawBody: `unsupported upload target ${url.protocol} ${upload.requestMethod}`,
    });
  }
  return url.toString();
}

function malformed(
  method: string,
  path: string,
  query: Record<string, string> | undefined,
  status: number | undefined,
  text: string,
  cause: unknown,
): ApiError {
  const search = query ? `?${new URLSearchParams(query).toString()}` : '';
  return new ApiError({
    kind: 'unexpected',
    method,
    path: `${path}${search}`,
    status,
    rawBody: text.slice(0, 2000),
    // The server said yes to something we cannot read: a create may well exist now.
    outcomeUnknown: method !== 'GET',
    cause,
  });
}

function emptyEngagement(id: string): Engagement {
  return {
    id,
    name: null,
    status: null,
    direction: null,
    deliveryType: null,
    countTotal: null,
    countComplete: null,
    countIncomplete: null,
    countHold: null,
    complianceApproved: null,
    activityId: null,
    callerIdIds: [],
    createdAt: null,
    updatedAt: null,
  };
}
