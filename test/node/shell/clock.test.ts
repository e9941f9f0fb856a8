import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Main-side code reads the time only from the clock it was given (electron/clock.ts): a test can
 * then run the app at a known instant, and a send's times all come from one source. The one file
 * that reads the computer's clock is electron/clock.ts (`systemClock`, and `monotonicMs` for
 * durations). The entry points (electron/main.ts, electron/cli/main.ts and cli/entry.ts) need no
 * exception: they hand `systemClock` to the services instead of reading the time themselves.
 * Nor does the sandbox, though `npm run sandbox` runs it as its own process: the app also runs it
 * in-process for rehearsals, and its server clock defaults to `systemClock` like everything else.
 */
const ALLOWED = new Set(['electron/clock.ts']);

const TIME_READS: Array<[RegExp, string]> = [
  [/\bDate\.now\s*\(/g, 'Date.now()'],
  [/\bnew\s+Date\s*\(\s*\)/g, 'new Date()'],
  [/\bperformance\.now\s*\(/g, 'performance.now()'],
  [/\bprocess\.hrtime\b/g, 'process.hrtime'],
];

/** The code without its comments (a comment may name what it must not call). */
function withoutComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** Each read of the computer's clock in `code`, as "line: what". */
function timeReads(code: string): string[] {
  const found: string[] = [];
  const lines = withoutComments(code).split('\n');
  lines.forEach((line, i) => {
    for (const [pattern, name] of TIME_READS) {
      if (line.match(pattern)) found.push(`${i + 1}: ${name}`);
    }
  });
  return found;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

describe('time is read from the injected clock', () => {
  it('finds a read of the clock where there is one, and not in a comment', () => {
    expect(timeReads('const at = Date.now();')).toEqual(['1: Date.now()']);
    expect(timeReads('x\nconst at = new Date( ).toISOString();')).toEqual(['2: new Date()']);
    expect(timeReads('const t = performance.now();')).toEqual(['1: performance.now()']);
    expect(timeReads('const at = new Date(row.at);\n// Date.now() is not read here')).toEqual([]);
    expect(timeReads('/* new Date() */ const at = clock();')).toEqual([]);
  });

  it('nothing under electron/ reads the computer clock except electron/clock.ts', () => {
    const root = process.cwd();
    const files = sources(join(root, 'electron'));
    // A wrong folder would find nothing and pass: the main-side code is well over a hundred files.
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.flatMap((file) => {
      const name = relative(root, file).split(sep).join('/');
      if (ALLOWED.has(name)) return [];
      return timeReads(readFileSync(file, 'utf8')).map((read) => `${name}:${read}`);
    });
    expect(offenders).toEqual([]);
  });
});
