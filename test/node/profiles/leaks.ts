import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every form in which a token secret could be written down by mistake. */
export function secretForms(tokenKey: string, secret: string): Record<string, string> {
  const pair = `${tokenKey}:${secret}`;
  return {
    secret,
    'key:secret': pair,
    'Base64(key:secret)': Buffer.from(pair).toString('base64'),
    'Base64(secret)': Buffer.from(secret).toString('base64'),
  };
}

/**
 * Reads every file under `dir` (database, its -wal and -shm, logs, anything else) as bytes and
 * reports each place where one of the forms appears, in UTF-8 or UTF-16.
 */
export function findLeaks(
  dir: string,
  forms: Record<string, string>,
): { files: string[]; leaks: string[] } {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
  const leaks: string[] = [];
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const [name, value] of Object.entries(forms)) {
      for (const encoding of ['utf8', 'utf16le'] as const) {
        if (bytes.includes(Buffer.from(value, encoding)))
          leaks.push(`${relative(dir, file)} holds the ${name} (${encoding})`);
      }
    }
  }
  return { files: files.map((file) => relative(dir, file)), leaks };
}
