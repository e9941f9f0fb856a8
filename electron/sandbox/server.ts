import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  DEFAULT_BEHAVIOUR,
  DEVIATIONS,
  OmnigageFake,
  asRecord,
  type ApiResponse,
  type Behaviour,
  type CallerIdSeed,
} from './api';
import { Dialer, type DialerOptions } from './dialer';
import { Faults, type FaultAction } from './faults';
import { seededRandom } from './random';
import { SandboxState, type RequestRecord } from './state';
import { systemClock } from '../clock';

/**
 * A local Omnigage: a real HTTP server on 127.0.0.1 (node:http only) that answers under
 * `/api/v1/` as docs/omnigage-api.md §1 and §6 describes, serves the presigned upload target itself
 * (`/fake-s3/<bucket>/`), injects faults on demand and dials nobody.
 *
 *   const sandbox = await startSandbox({ seed: 7 });
 *   const api = createOmnigageClient({ baseUrl: sandbox.baseUrl, credentials: sandbox.credentials });
 *   sandbox.faults.next('POST', 'envelopes', { type: 'commit_then_fail' });
 *   …
 *   sandbox.state.envelopes; sandbox.state.schedulePatchCount(id); sandbox.dialer.runUntilIdle();
 *   await sandbox.close();
 */

export interface SandboxCredentials {
  tokenKey: string;
  tokenSecret: string;
  accountKey?: string;
}

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Everything random (ids, chaos faults, dialer outcomes) derives from it. Default 1. */
  seed?: number | string;
  credentials?: SandboxCredentials;
  /** Bearer tokens accepted besides Basic auth (the SDK's JWT mode). */
  bearerTokens?: string[];
  /**
   * INVENTED: answer 403 when X-Account-Key is sent and differs from `credentials.accountKey`
   * (what Omnigage does is unknown, §18.12). Default true.
   */
  rejectWrongAccountKey?: boolean;
  /** Caller IDs on the account; the first verified one is `sandbox.callerId`. */
  callerIds?: CallerIdSeed[];
  behaviour?: Partial<Behaviour>;
  /**
   * Deviations from what the project assumes about Omnigage, by name (api.ts DEVIATIONS:
   * `ignore-filter`, `unstable-order`, `no-total`, `digits-numbers`, `shuffled-answers`, …),
   * applied before `behaviour`.
   */
  deviate?: readonly string[];
  dialer?: DialerOptions;
  /** The sandbox's clock (timestamps, upload expiry). */
  now?: () => number;
  /** Told about every request once it is answered (or dropped: status undefined). */
  onRequest?: (record: RequestRecord) => void;
  /**
   * How many requests `state.requests` keeps, the newest (default: all, which tests read). A
   * sandbox that runs for hours inside the app keeps a few, or its memory would grow with every
   * envelope batch it has seen.
   */
  keepRequests?: number;
}

export interface Sandbox {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `http://127.0.0.1:<port>/api/v1/`: what the client takes as its base URL. */
  baseUrl: string;
  credentials: Required<SandboxCredentials>;
  /** The demo caller ID (verified). */
  callerId: { id: string; phoneNumber: string; label: string };
  state: SandboxState;
  faults: Faults;
  dialer: Dialer;
  /** The request handler itself, for tests that need its helpers. */
  fake: OmnigageFake;
  close(): Promise<void>;
}

export const DEMO_CREDENTIALS: Required<SandboxCredentials> = {
  tokenKey: 'sandbox-token-key',
  tokenSecret: 'sandbox-token-secret',
  accountKey: 'sandbox',
};

/** 555-01xx numbers are reserved for fiction: nobody can be called by accident. */
export const DEMO_CALLER_IDS: CallerIdSeed[] = [
  { phoneNumber: '+15555550100', label: 'Sandbox main line', status: 'success' },
  { phoneNumber: '+15555550101', label: 'Sandbox unverified line', status: 'pending' },
];

const API_PREFIX = '/api/v1/';
const S3_PREFIX = '/fake-s3/';
const MAX_API_BODY = 20 * 1024 * 1024;
const MAX_UPLOAD_BODY = 200 * 1024 * 1024;

/** The behaviour a list of deviation names asks for; an unknown name is refused with the known ones. */
export function deviations(names: readonly string[]): Partial<Behaviour> {
  let out: Partial<Behaviour> = {};
  for (const name of names) {
    const change = DEVIATIONS[name];
    if (!change)
      throw new Error(
        `Unknown sandbox deviation "${name}". Known: ${Object.keys(DEVIATIONS).join(', ')}.`,
      );
    out = { ...out, ...change };
  }
  return out;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const seed = options.seed ?? 1;
  const credentials = { ...DEMO_CREDENTIALS, ...options.credentials };
  const state = new SandboxState();
  const faults = new Faults(seededRandom(seed, 'faults'));
  let origin = '';
  const fake = new OmnigageFake({
    state,
    random: seededRandom(seed, 'ids'),
    // The sandbox plays Omnigage, a server with a clock of its own: the computer's, unless a test sets one.
    now: options.now ?? (() => systemClock().getTime()),
    origin: () => origin,
    behaviour: { ...DEFAULT_BEHAVIOUR, ...deviations(options.deviate ?? []), ...options.behaviour },
  });
  const callerIds = (options.callerIds ?? DEMO_CALLER_IDS).map((seedRow) =>
    fake.addCallerId(seedRow),
  );
  const demo = callerIds.find((c) => c.attributes.status === 'success') ?? callerIds[0];
  const dialer = new Dialer(fake, String(seed), options.dialer);
  const expectedAuth = `Basic ${Buffer.from(`${credentials.tokenKey}:${credentials.tokenSecret}`).toString('base64')}`;
  const hung = new Set<ServerResponse>();

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        send(res, 500, {
          errors: [{ status: '500', title: 'Sandbox error', detail: String(error) }],
        });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const method = (req.method ?? 'GET').toUpperCase();
    if (method === 'OPTIONS') {
      res.writeHead(204, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': 'GET, POST, PATCH, DELETE, OPTIONS',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, Accept, X-Account-Key',
      });
      res.end();
      return;
    }
    const isApi = url.pathname.startsWith(API_PREFIX);
    const isS3 = url.pathname.startsWith(S3_PREFIX);
    const raw = await readBody(req, isS3 ? MAX_UPLOAD_BODY : MAX_API_BODY);
    const path = isApi ? url.pathname.slice(API_PREFIX.length) : url.pathname.slice(1);
    const record: RequestRecord = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      target: req.url ?? '/',
      headers: headerRecord(req),
      body: undefined,
    };
    state.requests.push(record);
    const keep = options.keepRequests;
    if (keep !== undefined && state.requests.length > keep)
      state.requests.splice(0, state.requests.length - keep);
    if (options.onRequest) res.once('close', () => options.onRequest?.(record));
    if (raw === undefined) {
      record.status = 413;
      send(res, 413, { errors: [{ status: '413', detail: 'Request body too large.' }] });
      return;
    }

    const fault = faults.take(method, path);
    if (fault) record.fault = fault.type;
    if (fault && (await failBefore(fault, res, record))) return;

    let answer: ApiResponse | S3Answer;
    if (isApi) {
      answer = answerApi(req, method, path, url, raw, record);
    } else if (isS3 && method === 'POST') {
      answer = await answerS3(req, path, raw, record);
    } else {
      answer = {
        status: 404,
        body: { errors: [{ status: '404', title: 'Not Found', detail: 'Not found.' }] },
      };
    }

    if (fault?.type === 'commit_then_fail') {
      // The work above is stored; now the answer is lost.
      const then = fault.then ?? 'status';
      if (then === 'reset') return reset(res);
      if (then === 'hang') return hang(res);
      record.status = fault.status ?? 502;
      send(
        res,
        record.status,
        `<html><body><h1>${record.status} Bad Gateway</h1></body></html>`,
        'text/html',
      );
      return;
    }
    record.status = answer.status;
    if ('xml' in answer)
      send(res, answer.status, answer.xml ?? '', 'application/xml', answer.headers);
    else send(res, answer.status, answer.body, 'application/json', answer.headers);
  }

  /** Faults that replace the request entirely. Returns true when the request is finished. */
  async function failBefore(
    fault: FaultAction,
    res: ServerResponse,
    record: RequestRecord,
  ): Promise<boolean> {
    switch (fault.type) {
      case 'status': {
        record.status = fault.status;
        const headers: Record<string, string> = {};
        if (fault.retryAfter !== undefined) headers['Retry-After'] = String(fault.retryAfter);
        const body = fault.body ?? {
          errors: [
            {
              status: String(fault.status),
              title: 'Injected fault',
              detail: `Injected ${fault.status}.`,
            },
          ],
        };
        send(res, fault.status, body, fault.contentType ?? 'application/json', headers);
        return true;
      }
      case 'rate_limit':
        record.status = 429;
        send(
          res,
          429,
          {
            errors: [{ status: '429', title: 'Too Many Requests', detail: 'Rate limit exceeded.' }],
          },
          'application/json',
          {
            'Retry-After': String(fault.retryAfter ?? 1),
          },
        );
        return true;
      case 'delay':
        await sleep(fault.ms);
        return false;
      case 'reset':
        reset(res);
        return true;
      case 'hang':
        hang(res);
        return true;
      case 'commit_then_fail':
        return false;
    }
  }

  function reset(res: ServerResponse): void {
    res.socket?.destroy();
  }

  function hang(res: ServerResponse): void {
    hung.add(res);
  }

  function answerApi(
    req: IncomingMessage,
    method: string,
    path: string,
    url: URL,
    raw: Buffer,
    record: RequestRecord,
  ): ApiResponse {
    const auth = req.headers.authorization ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(auth)?.[1];
    const authorised =
      auth === expectedAuth ||
      (bearer !== undefined && (options.bearerTokens ?? []).includes(bearer));
    const text = raw.toString('utf8');
    const contentType = String(req.headers['content-type'] ?? '');
    if (text) {
      try {
        record.body = JSON.parse(text);
      } catch {
        record.body = text;
      }
    }
    if (!authorised) {
      // Body shape of a real 401 is unknown (§4); a JSON:API error list is the safe guess.
      return {
        status: 401,
        body: { errors: [{ status: '401', title: 'Unauthorized', detail: 'Invalid API token.' }] },
      };
    }
    const accountKey = req.headers['x-account-key'];
    if (
      (options.rejectWrongAccountKey ?? true) &&
      typeof accountKey === 'string' &&
      accountKey !== credentials.accountKey
    ) {
      return {
        status: 403,
        body: {
          errors: [
            {
              status: '403',
              title: 'Forbidden',
              detail: `This token has no access to account "${accountKey}".`,
            },
          ],
        },
      };
    }
    let body: unknown;
    if (method === 'POST' || method === 'PATCH') {
      // Both application/json and application/vnd.api+json, even comma-joined (§6).
      if (!/json/i.test(contentType)) {
        return {
          status: 415,
          body: {
            errors: [{ status: '415', title: 'Unsupported Media Type', detail: 'Send JSON.' }],
          },
        };
      }
      if (typeof record.body === 'string' || record.body === undefined) {
        return {
          status: 400,
          body: {
            errors: [
              { status: '400', title: 'Bad Request', detail: 'The body is not valid JSON.' },
            ],
          },
        };
      }
      body = record.body;
    }
    return fake.handle({
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      contentType,
      body,
    });
  }

  async function answerS3(
    req: IncomingMessage,
    path: string,
    raw: Buffer,
    record: RequestRecord,
  ): Promise<S3Answer> {
    const contentType = String(req.headers['content-type'] ?? '');
    if (req.headers.authorization) {
      // A presigned POST must not carry other credentials (S3 refuses them too).
      return s3Error(400, 'InvalidArgument', 'Unsupported Authorization Type');
    }
    if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
      return s3Error(
        412,
        'PreconditionFailed',
        'Bucket POST must be of the enclosure-type multipart/form-data',
      );
    }
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(raw), {
        headers: { 'content-type': contentType },
      }).formData();
    } catch {
      return s3Error(
        400,
        'MalformedPOSTRequest',
        'The body of your POST request is not well-formed multipart/form-data.',
      );
    }
    const entries = [...form.entries()];
    const names = entries.map(([name]) => name);
    record.body = { multipart: names };
    const fileIndex = names.indexOf('file');
    const file = entries[fileIndex]?.[1];
    if (fileIndex === -1 || typeof file === 'string' || !file) {
      return s3Error(400, 'InvalidArgument', 'POST requires exactly one file upload per request.');
    }
    if (fileIndex !== names.length - 1) {
      // S3 ignores fields after the file; the sandbox is stricter so a wrong order shows.
      return s3Error(400, 'InvalidArgument', 'The file must be the last field of the form.');
    }
    const fields = new Map<string, string>();
    for (const [name, value] of entries.slice(0, fileIndex))
      if (typeof value === 'string') fields.set(name, value);
    const contentTypeField = fields.get('Content-Type');
    if (contentTypeField === undefined) {
      return s3Error(
        403,
        'AccessDenied',
        'Invalid according to Policy: Extra input fields: missing Content-Type',
      );
    }
    const verdict = fake.verifyPresignedForm(fields);
    if ('error' in verdict)
      return s3Error(verdict.code === 'InvalidArgument' ? 400 : 403, verdict.code, verdict.error);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const key = verdict.key.replace('${filename}', file.name);
    state.files.set(key, {
      key,
      fileName: file.name,
      contentType: contentTypeField,
      size: bytes.byteLength,
      fieldOrder: names,
      headers: headerRecord(req),
      uploadId: verdict.uploadId,
    });
    const bucketPath = `/${path.endsWith('/') ? path : `${path}/`}`;
    return {
      status: 204,
      xml: undefined,
      headers: {
        Location: `${origin}${bucketPath}${encodeURIComponent(key)}`,
        ETag: `"${createHash('md5').update(bytes).digest('hex')}"`,
      },
    };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: origin,
    baseUrl: `${origin}${API_PREFIX}`,
    credentials,
    callerId: {
      id: demo?.id ?? '',
      phoneNumber: String(demo?.attributes['phone-number'] ?? ''),
      label: String(demo?.attributes.label ?? ''),
    },
    state,
    faults,
    dialer,
    fake,
    close: async () => {
      dialer.stop();
      for (const res of hung) res.destroy();
      hung.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface S3Answer {
  status: number;
  xml: string | undefined;
  headers?: Record<string, string>;
}

function s3Error(status: number, code: string, message: string): S3Answer {
  return {
    status,
    xml: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  };
}

/** The sandbox's wire form: a resource without relationships is written without the member. */
function replacer(_key: string, value: unknown): unknown {
  const record = asRecord(value);
  if (record && 'attributes' in record && 'type' in record && asRecord(record.relationships)) {
    if (Object.keys(record.relationships as object).length === 0) {
      return { type: record.type, id: record.id, attributes: record.attributes };
    }
  }
  return value;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): void {
  const text =
    body === undefined || status === 204
      ? ''
      : typeof body === 'string'
        ? body
        : JSON.stringify(body, replacer);
  res.writeHead(status, {
    ...(text
      ? { 'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(text)) }
      : {}),
    'Access-Control-Allow-Origin': '*',
    'X-Deploy-Version': 'sandbox',
    ...headers,
  });
  res.end(text);
}

function headerRecord(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    // Keep the scheme only: tests check how we authenticate, never the secret.
    out[name] = name === 'authorization' ? (text.split(/\s+/)[0] ?? '') : text;
  }
  return out;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) tooLarge = true;
    else chunks.push(chunk as Buffer);
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}
