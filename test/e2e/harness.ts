import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventName, Events } from '../../shared/contract';
import { createBackend, type Backend, type BackendOptions } from '../../electron/backend';
import { ScriptedDialogs } from '../../electron/dialogs';
import { createFileLogger } from '../../electron/logging/logger';
import { dataPaths } from '../../electron/paths';
import type { SecretStore } from '../../electron/secrets/store';
import { MemorySecretStore } from '../../electron/secrets/memory-store';
import { SOURCE_IMPORT_WORKER } from '../helpers/import-worker';

const root = fileURLToPath(new URL('../..', import.meta.url));
const rendererDir = join(root, 'dist', 'renderer');
const transportFile = join(root, 'dist', 'test-transport', 'transport.js');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

export interface Harness {
  url: string;
  dataDir: string;
  backend: Backend;
  /** The "native" file dialogs: queue the path the next open/save dialog answers with. */
  dialogs: ScriptedDialogs;
  /**
   * What prints the window to PDF for main (Electron's printToPDF in the app): a test sets it
   * to Playwright's page.pdf() of its page. Unset, a print is refused as in a windowless run.
   */
  printPdf: (() => Promise<Uint8Array>) | null;
  /** Closes the services and opens them again on the same data folder: an app restart. */
  restart(): void;
  close(): Promise<void>;
}

/**
 * The browser end-to-end harness: serves the built renderer on 127.0.0.1 and answers its
 * window.api over a loopback transport guarded by a random token, with the real main-side
 * backend on a temporary data folder behind it.
 */
export async function startHarness(
  options: {
    dataDir?: string;
    secrets?: SecretStore;
    /** The in-app rehearsal's sandbox (its dialer's pace) and whether policy hides it. */
    rehearsal?: BackendOptions['rehearsal'];
    /** The backend's clock and the computer's power (keep awake, battery), for send-time tests. */
    clock?: BackendOptions['clock'];
    power?: BackendOptions['power'];
  } = {},
): Promise<Harness> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'omnigage-e2e-'));
  const token = randomBytes(24).toString('hex');
  const log = createFileLogger({ dir: dataPaths(dataDir).logs });
  const streams = new Set<ServerResponse>();

  const emit = <E extends EventName>(event: E, payload: Events[E]) => {
    for (const res of streams) res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
  };
  const dialogs = new ScriptedDialogs();
  let printPdf: Harness['printPdf'] = null;
  const open = () =>
    createBackend({
      dataDir,
      log,
      emit,
      version: '0.0.0-e2e',
      dialogs,
      secrets: options.secrets ?? new MemorySecretStore(),
      rehearsal: options.rehearsal,
      clock: options.clock,
      power: options.power,
      // Imports on a worker thread, as in the app (the source, through tsx).
      importWorker: SOURCE_IMPORT_WORKER,
      printPdf: () =>
        printPdf
          ? printPdf()
          : Promise.reject(new Error('No page to print: set harness.printPdf.')),
    });
  let backend = open();

  const indexHtml = () =>
    readFileSync(join(rendererDir, 'index.html'), 'utf8').replace(
      '<head>',
      `<head>\n    <meta name="test-transport-token" content="${token}" />\n    <script src="/__transport.js"></script>`,
    );

  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return text ? (JSON.parse(text) as unknown) : undefined;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/__api/')) {
      if (req.method !== 'POST' || req.headers['x-test-token'] !== token) {
        res.writeHead(403).end();
        return;
      }
      const channel = decodeURIComponent(url.pathname.slice('/__api/'.length));
      const result = await backend.dispatch(channel, await readBody(req));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
      return;
    }
    if (url.pathname === '/__events') {
      if (url.searchParams.get('token') !== token) {
        res.writeHead(403).end();
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (url.pathname === '/__transport.js') {
      res.writeHead(200, { 'content-type': TYPES['.js']! }).end(readFileSync(transportFile));
      return;
    }
    if (url.pathname === '/' || url.pathname === '/index.html') {
      res.writeHead(200, { 'content-type': TYPES['.html']! }).end(indexHtml());
      return;
    }
    const file = normalize(join(rendererDir, url.pathname));
    if (!file.startsWith(rendererDir)) {
      res.writeHead(404).end();
      return;
    }
    try {
      res
        .writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
        .end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log.error('harness request failed', { error });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('The harness did not get a port.');

  return {
    url: `http://127.0.0.1:${address.port}/`,
    dataDir,
    dialogs,
    get backend() {
      return backend;
    },
    get printPdf() {
      return printPdf;
    },
    set printPdf(print) {
      printPdf = print;
    },
    restart() {
      backend.close();
      backend = open();
    },
    async close() {
      for (const res of streams) res.end();
      backend.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
