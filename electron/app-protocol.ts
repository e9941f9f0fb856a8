import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve } from 'node:path';

/**
 * The window's page is served from `app://omnigage/…`, not `file://`: a page loaded from a file
 * could read other files (and Electron's GrantFileProtocolExtraPrivileges fuse is off in the
 * packaged app, build/electron-builder.config.cjs). main.ts registers the scheme and hands every
 * request to `serveRenderer`, which answers only with files inside the built renderer folder.
 * No Electron import here, so the containment rules are tested under Node.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'omnigage';
export const APP_ENTRY = `${APP_SCHEME}://${APP_HOST}/index.html`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * The file inside `root` that an `app://omnigage/…` URL names, or null for anything else: another
 * scheme or host, a path that climbs out (`..`, encoded or not), a backslash or NUL trick.
 */
export function rendererFileFor(requestUrl: string, root: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  const base = resolve(root);
  const file = resolve(base, `.${path === '/' ? '/index.html' : path}`);
  const inside = relative(base, file);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return null;
  return file;
}

/** Answers one `app://` request from the built renderer folder (404 for anything outside it). */
export async function serveRenderer(requestUrl: string, root: string): Promise<Response> {
  const file = rendererFileFor(requestUrl, root);
  if (!file) return new Response('Not found', { status: 404 });
  try {
    const body = await readFile(file);
    return new Response(body, {
      headers: {
        'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'x-content-type-options': 'nosniff',
      },
    });
  } catch {
    return new Response('Not found', { status: 404 });
  }
}
