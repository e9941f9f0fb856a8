import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, createOmnigageClient, toAppError } from '../../../electron/api/client';
import { isSecureTransport } from '../../../electron/api/http';
import { createMemoryLogger } from '../../../electron/logging/logger';
import { FAKE_MP3 } from './helpers';

/** A server on 127.0.0.1 that answers every request with `answer`, and remembers what it got. */
async function server(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const seen: Array<{ method: string; url: string; authorization: string | undefined }> = [];
  const http: Server = createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
    });
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  afterEach(() => new Promise<void>((resolve) => http.close(() => resolve())));
  return { origin: `http://127.0.0.1:${port}`, seen };
}

const credentials = { tokenKey: 'key-123', tokenSecret: 'very-secret-value', accountKey: 'bank' };
const fastRetry = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 1 };

describe('the API client never follows a redirect', () => {
  it('a create answered 307 to another address is an error that says so, and nothing reaches the other address', async () => {
    const elsewhere = await server((_req, res) => res.writeHead(201).end('{}'));
    const api = await server((_req, res) =>
      res.writeHead(307, { location: `${elsewhere.origin}/api/v1/engagements` }).end(),
    );
    const client = createOmnigageClient({
      baseUrl: `${api.origin}/api/v1/`,
      credentials,
      retry: fastRetry,
    });

    const error = await client.engagements.create({ name: 'Weekly' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      kind: 'redirect',
      status: 307,
      attempts: 1,
      outcomeUnknown: true,
    });
    expect(api.seen).toHaveLength(1);
    expect(elsewhere.seen).toEqual([]);
    const words = toAppError(error as ApiError).message;
    expect(words).toContain('redirect to another address');
    expect(words).toContain('the request was not repeated there');
    expect(words).toContain(new URL(elsewhere.origin).host);
  });

  it('a listing answered 301 is not followed and not retried', async () => {
    const elsewhere = await server((_req, res) => res.writeHead(200).end('{"data":[]}'));
    const api = await server((_req, res) =>
      res.writeHead(301, { location: `${elsewhere.origin}/x` }).end(),
    );
    const client = createOmnigageClient({
      baseUrl: `${api.origin}/api/v1/`,
      credentials,
      retry: fastRetry,
    });

    const error = await client.callerIds.list().catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: 'redirect', status: 301, attempts: 1 });
    expect(api.seen).toHaveLength(1);
    expect(elsewhere.seen).toEqual([]);
  });

  it('the presigned upload is not followed to another address either', async () => {
    const elsewhere = await server((_req, res) => res.writeHead(204).end());
    const storage = await server((_req, res) =>
      res.writeHead(303, { location: `${elsewhere.origin}/bucket` }).end(),
    );
    const client = createOmnigageClient({
      baseUrl: `${storage.origin}/api/v1/`,
      credentials,
      retry: fastRetry,
    });
    const upload = {
      id: 'u1',
      requestUrl: `${storage.origin}/bucket/`,
      requestMethod: 'POST',
      requestFormData: [['key', 'uploads/abc/${filename}']] as Array<[string, string]>,
      requestHeaders: [] as Array<[string, string]>,
      maxLengthInBytes: null,
    };

    const error = await client.uploads
      .sendFile(upload as never, { fileName: 'v.mp3', contentType: 'audio/mpeg', data: FAKE_MP3 })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ kind: 'redirect', status: 303 });
    expect(storage.seen).toHaveLength(1);
    expect(elsewhere.seen).toEqual([]);
  });
});

describe('https only, except this computer', () => {
  it('decides by the parsed URL, not by how it starts', () => {
    expect(isSecureTransport('https://api.omnigage.io/api/v1/')).toBe(true);
    expect(isSecureTransport('http://127.0.0.1:4010/api/v1/')).toBe(true);
    expect(isSecureTransport('http://localhost:4010/')).toBe(true);
    expect(isSecureTransport('http://[::1]:4010/')).toBe(true);
    expect(isSecureTransport('http://api.omnigage.io/api/v1/')).toBe(false);
    expect(isSecureTransport('http://127.0.0.1.evil.example/')).toBe(false);
    expect(isSecureTransport('http://localhost@evil.example/')).toBe(false);
    expect(isSecureTransport('ftp://127.0.0.1/')).toBe(false);
    expect(isSecureTransport('not a url')).toBe(false);
  });

  it('a plain-http API address elsewhere is refused before any request leaves', async () => {
    let calls = 0;
    const client = createOmnigageClient({
      baseUrl: 'http://api.example.com/api/v1/',
      credentials,
      fetch: () => {
        calls++;
        return Promise.resolve(new Response('{}'));
      },
    });
    const error = await client.callerIds.list().catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'insecure', outcomeUnknown: false });
    expect(calls).toBe(0);
    expect(toAppError(error as ApiError).message).toContain('only over https://');
  });

  it('an upload target the server names over plain http elsewhere is refused too', async () => {
    let calls = 0;
    const client = createOmnigageClient({
      baseUrl: 'https://api.example.com/api/v1/',
      credentials,
      fetch: () => {
        calls++;
        return Promise.resolve(new Response(null, { status: 204 }));
      },
    });
    const upload = {
      id: 'u1',
      requestUrl: 'http://storage.example.com/bucket/',
      requestMethod: 'POST',
      requestFormData: [] as Array<[string, string]>,
      requestHeaders: [] as Array<[string, string]>,
      maxLengthInBytes: null,
    };
    const error = await client.uploads
      .sendFile(upload as never, { fileName: 'v.mp3', contentType: 'audio/mpeg', data: FAKE_MP3 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'insecure' });
    expect(calls).toBe(0);
  });
});

describe("the server's error text is redacted before anyone sees it", () => {
  it('an error body that echoes the credentials reaches neither the message, the window nor the log', async () => {
    const basic = Buffer.from(`${credentials.tokenKey}:${credentials.tokenSecret}`).toString(
      'base64',
    );
    const api = await server((req, res) =>
      res.writeHead(422, { 'content-type': 'application/vnd.api+json' }).end(
        JSON.stringify({
          errors: [
            { detail: `Token ${credentials.tokenSecret} is not allowed here`, title: 'Bad' },
            { detail: `You sent: ${req.headers.authorization}` },
            { detail: `raw ${basic} and ${credentials.tokenKey}:${credentials.tokenSecret}` },
          ],
        }),
      ),
    );
    const log = createMemoryLogger();
    const client = createOmnigageClient({ baseUrl: `${api.origin}/api/v1/`, credentials, log });

    const error = (await client.engagements
      .create({ name: 'x' })
      .catch((e: unknown) => e)) as ApiError;
    log.error('send failed', { error: error.message });
    const window = toAppError(error).message;

    expect(error.kind).toBe('validation');
    for (const text of [
      error.message,
      window,
      JSON.stringify(error.details),
      JSON.stringify(log.records),
    ]) {
      expect(text).not.toContain(credentials.tokenSecret);
      expect(text).not.toContain(basic);
    }
    expect(window).toContain('[redacted]');
    expect(window).toContain('is not allowed here');
  });

  it('a non-JSON error body is redacted the same way', async () => {
    const api = await server((req, res) =>
      res.writeHead(400).end(`bad request, Authorization: ${req.headers.authorization}`),
    );
    const client = createOmnigageClient({ baseUrl: `${api.origin}/api/v1/`, credentials });
    const error = (await client.engagements
      .create({ name: 'x' })
      .catch((e: unknown) => e)) as ApiError;
    expect(error.rawBody).toContain('Basic [redacted]');
    expect(toAppError(error).message).not.toContain(
      Buffer.from(`${credentials.tokenKey}:${credentials.tokenSecret}`).toString('base64'),
    );
  });
});
