import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import {
  request as httpRequest,
  createServer,
  type ClientRequest,
  type IncomingMessage,
  type RequestOptions,
  type Server,
} from 'node:http';
import { join } from 'node:path';
import {
  HttpExecutor,
  configureRequestOptions,
  configureRequestUrl,
  type DownloadOptions,
} from 'builder-util-runtime';
import { DebUpdater } from 'electron-updater';
import type { AppAdapter } from 'electron-updater/out/AppAdapter';

/**
 * A local update feed as electron-builder publishes one (latest-linux.yml / beta-linux.yml and
 * the package beside it), served over HTTP on loopback, and electron-updater's own Linux
 * updater pointed at it. Only the two Electron-bound pieces are replaced for Node: the app
 * adapter (version, folders) and the HTTP executor (node:http instead of Electron's net).
 */
export interface Release {
  version: string;
  channel: 'latest' | 'beta';
  /** The bytes served; `corrupt` serves other bytes than the feed's checksum names. */
  body: Buffer;
  corrupt?: boolean;
}

export interface Feed {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

export async function startFeed(releases: Release[]): Promise<Feed> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    for (const release of releases) {
      const fileName = `omnigage-campaigns_${release.version}_amd64.deb`;
      const sha512 = createHash('sha512').update(release.body).digest('base64');
      if (path === `/${release.channel}-linux.yml`) {
        res.setHeader('Content-Type', 'text/yaml');
        res.end(
          `version: ${release.version}\nfiles:\n  - url: ${fileName}\n    sha512: ${sha512}\n    size: ${release.body.length}\npath: ${fileName}\nsha512: ${sha512}\nreleaseDate: '2026-12-01T00:00:00.000Z'\n`,
        );
        return;
      }
      if (path === `/${fileName}`) {
        const body = Buffer.from(release.body);
        if (release.corrupt) body[0] = body[0]! ^ 0xff;
        res.setHeader('Content-Length', body.length);
        res.end(body);
        return;
      }
    }
    res.statusCode = 404;
    res.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

class NodeHttpExecutor extends HttpExecutor<ClientRequest> {
  createRequest(
    options: RequestOptions,
    callback: (response: IncomingMessage) => void,
  ): ClientRequest {
    return httpRequest(options, callback);
  }

  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise((resolve, reject, onCancel) => {
      const requestOptions: RequestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(
        requestOptions,
        {
          destination,
          options,
          onCancel,
          callback: (error) => (error ? reject(error) : resolve(destination)),
          responseHandler: null,
        },
        0,
      );
    });
  }
}

/** electron-updater's Linux (.deb) updater for an installed copy of `version`, with its cache in `dir`. */
export function nodeUpdater(version: string, dir: string, feedUrl: string): DebUpdater {
  // The file electron-builder puts in an installed app's resources: it names the cache folder.
  writeFileSync(
    join(dir, 'app-update.yml'),
    `provider: generic\nurl: ${feedUrl}\nupdaterCacheDirName: omnigage-campaigns-updater\n`,
  );
  const app: AppAdapter = {
    version,
    name: 'omnigage-campaigns',
    isPackaged: true,
    appUpdateConfigPath: join(dir, 'app-update.yml'),
    userDataPath: dir,
    baseCachePath: dir,
    whenReady: () => Promise.resolve(),
    relaunch: () => {},
    quit: () => {},
    onQuit: () => {},
  };
  const updater = new DebUpdater(null, app);
  // The executor is read when the feed is set, so it is replaced first.
  (updater as unknown as { httpExecutor: HttpExecutor<ClientRequest> }).httpExecutor =
    new NodeHttpExecutor();
  updater.logger = null;
  return updater;
}
