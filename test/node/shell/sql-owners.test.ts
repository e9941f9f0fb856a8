import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = process.cwd();

/**
 * Where SQL may be written: the table modules (electron/db/tables/, one per table or group),
 * the migrations and the rest of the db layer (opening, migrating). Everything else calls a
 * table module, so a newcomer finds every read or write of a table in one file.
 */
const OWNERS = ['electron/db/'];

// Statements as they are written in this code base: upper-case keywords inside a string.
const SQL = [
  /\bSELECT\b[\s\S]{0,400}?\bFROM\s+[a-z_]/,
  /\bINSERT\s+(?:OR\s+[A-Z]+\s+)?INTO\b/,
  /\bUPDATE\s+[a-z_.]+\s+SET\b/,
  /\bDELETE\s+FROM\b/,
  /\b(?:CREATE|DROP|ALTER)\s+(?:TEMP\s+|TEMPORARY\s+|UNIQUE\s+)?(?:TABLE|INDEX|VIEW|TRIGGER)\b/,
  /\bPRAGMA\s+[a-z_]/,
];
// A database call given SQL text directly (a string or template literal).
const CALL = /\.(?:prepare|exec|pragma)\(\s*[`'"]/;

/** The first line of `code` that holds SQL or hands SQL text to the database, or null. */
export function firstSqlLine(code: string): string | null {
  // Comments may quote SQL when they explain it; only code counts.
  const lines = code
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .split('\n')
    .map((line) => line.replace(/(^|[^:'"`])\/\/.*$/, '$1'));
  const text = lines.join('\n');
  for (const pattern of [CALL, ...SQL]) {
    const match = pattern.exec(text);
    if (match) {
      const line = text.slice(0, match.index).split('\n').length;
      return `line ${line}: ${lines[line - 1]!.trim()}`;
    }
  }
  return null;
}

function sources(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(?:ts|svelte)$/.test(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

const shipped = ['electron', 'shared', 'renderer'].flatMap(sources);
const owned = (file: string) => OWNERS.some((owner) => file.startsWith(owner));

describe('SQL lives in the table modules', () => {
  it('recognises SQL the way it is written here, and not words that merely look like it', () => {
    expect(firstSqlLine("const x = db.prepare('SELECT 1 FROM recipients WHERE row = ?');")).toMatch(
      /line 1/,
    );
    expect(firstSqlLine('db.exec(`DROP TABLE IF EXISTS temp.staged`);')).not.toBeNull();
    expect(firstSqlLine('const sql = `UPDATE campaigns SET name = ?`;\n')).not.toBeNull();
    expect(
      firstSqlLine("const q = 'INSERT OR IGNORE INTO do_not_call (e164) VALUES (?)';"),
    ).not.toBeNull();
    expect(firstSqlLine('run(`DELETE FROM sends WHERE campaign_id = ?`);')).not.toBeNull();
    expect(firstSqlLine('const m = /^(\\d+)$/.exec(text);')).toBeNull();
    expect(firstSqlLine("headers: 'GET, POST, PATCH, DELETE, OPTIONS',")).toBeNull();
    expect(firstSqlLine('// read with SELECT e164 FROM do_not_call\nconst a = 1;')).toBeNull();
    expect(firstSqlLine('services.testCalls.prepare(id, { to });')).toBeNull();
  });

  it('no module outside electron/db/ writes SQL', () => {
    const offenders = shipped
      .filter((file) => !owned(file))
      .flatMap((file) => {
        const found = firstSqlLine(readFileSync(join(root, file), 'utf8'));
        return found ? [`${file} ${found}`] : [];
      });
    expect(offenders).toEqual([]);
  });
});
