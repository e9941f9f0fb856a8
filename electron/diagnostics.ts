import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { scrubForSupport } from '../shared/crash';

/**
 * A diagnostics bundle for support: the app's logs (already free of credentials, and scrubbed
 * again here of phone numbers and e-mail addresses) and the versions, in one zip the person
 * saves and sends. The database, the campaign files and the keychain are never part of it.
 */
export function writeDiagnostics(
  path: string,
  options: { logsDir: string; versions: Record<string, string>; now: Date },
): { files: number } {
  const files: Record<string, Uint8Array> = {};
  let names: string[] = [];
  try {
    names = readdirSync(options.logsDir).filter((name) => /\.log(\.\d+)?$/.test(name));
  } catch {
    // No logs folder yet: the bundle still carries the versions.
  }
  for (const name of names) {
    const text = readFileSync(join(options.logsDir, name), 'utf8');
    files[`logs/${name}`] = strToU8(scrubForSupport(text));
  }
  const about = [
    `Omnigage Campaigns diagnostics, made ${options.now.toISOString()}`,
    ...Object.entries(options.versions).map(([name, version]) => `${name}: ${version}`),
    `platform: ${process.platform} ${process.arch}`,
  ].join('\n');
  files['versions.txt'] = strToU8(`${about}\n`);
  writeFileSync(path, zipSync(files, { level: 6 }));
  return { files: Object.keys(files).length };
}
